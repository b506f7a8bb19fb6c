"""The production profile (KEFU_PROFILE=production): its KEFU_* variables, defaults and checks.

The embedded default runs one Rasa server and one action server on SQLite with an in-memory
lock store, and the exchange logger polls the tracker store. The production profile runs
`rasa_instances` Rasa servers and `action_instances` action servers behind nginx, on
PostgreSQL (CRM and tracker store), a Redis lock store (so two instances handle one
conversation's messages in order) and a RabbitMQ event broker that feeds the exchange logger.
`kefu.settings.load_settings()` reads these through `load_production()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from crm_store.settings import SettingsError, positive_int, read_setting

ENV_PROFILE = "KEFU_PROFILE"
ENV_RASA_INSTANCES = "KEFU_RASA_INSTANCES"
ENV_ACTION_INSTANCES = "KEFU_ACTION_INSTANCES"
ENV_REDIS_URL = "KEFU_REDIS_URL"
ENV_REDIS_KEY_PREFIX = "KEFU_REDIS_KEY_PREFIX"
ENV_RABBITMQ_URL = "KEFU_RABBITMQ_URL"
ENV_RABBITMQ_QUEUE = "KEFU_RABBITMQ_QUEUE"
ENV_NGINX = "KEFU_NGINX"
ENV_RASA_THREADS = "KEFU_RASA_THREADS"
ENV_LOCK_LIFETIME = "KEFU_LOCK_LIFETIME_SECONDS"
ENV_RASA_CPU_AFFINITY = "KEFU_RASA_CPU_AFFINITY"

EMBEDDED = "embedded"
PRODUCTION = "production"
PROFILES = (EMBEDDED, PRODUCTION)

DEFAULT_RASA_INSTANCES = 2
DEFAULT_ACTION_INSTANCES = 2
# Redis database 1, as Rasa's RedisLockStore uses by default.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
# RabbitMQ's own default account, which it accepts on loopback only.
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_RABBITMQ_QUEUE = "kefu_events"
# Rasa takes an alphanumeric prefix only (it ignores any other).
DEFAULT_REDIS_KEY_PREFIX = "kefu"
DEFAULT_NGINX = "/usr/sbin/nginx"
# One Rasa process per core: more threads per process fight the other instances (bench/README).
DEFAULT_RASA_THREADS = 1
# How long a conversation's lock ticket lives (Rasa's default, 60 s). A Rasa server that dies
# mid-turn never gives its ticket back, and that conversation waits until the ticket expires;
# shorter would free it sooner, but an overloaded server's queued turns (measured: 40 s at 50
# conversations on one starved server) would lose their tickets and be dropped (LockError).
DEFAULT_LOCK_LIFETIME = 60
# "auto": two or more Rasa servers, no more than the cores, each kept to a core of its own (as
# nginx's `worker_cpu_affinity auto`); "off": the kernel places them. Two servers on 2 cores
# served 68-70 msgs/s kept apart against 58-66 placed by the kernel, which at times ran both on
# one core while the helpers had the other (bench/README.md, "Scale-out").
CPU_AFFINITIES = ("auto", "off")
DEFAULT_RASA_CPU_AFFINITY = "auto"


@dataclass(frozen=True)
class RedisSettings:
    host: str
    port: int
    db: int
    key_prefix: str = DEFAULT_REDIS_KEY_PREFIX


@dataclass(frozen=True)
class RabbitSettings:
    host: str
    port: int
    username: str
    password: str
    vhost: str
    queue: str

    @property
    def url(self) -> str:
        vhost = "" if self.vhost == "/" else self.vhost
        return f"amqp://{self.username}:{self.password}@{self.host}:{self.port}/{vhost}"


@dataclass(frozen=True)
class ProductionSettings:
    rasa_instances: int = DEFAULT_RASA_INSTANCES
    action_instances: int = DEFAULT_ACTION_INSTANCES
    redis: RedisSettings = RedisSettings("127.0.0.1", 6379, 1)
    rabbitmq: RabbitSettings = RabbitSettings(
        "127.0.0.1", 5672, "guest", "guest", "/", DEFAULT_RABBITMQ_QUEUE
    )
    nginx: str = DEFAULT_NGINX
    rasa_threads: int = DEFAULT_RASA_THREADS
    lock_lifetime: int = DEFAULT_LOCK_LIFETIME
    rasa_cpu_affinity: str = DEFAULT_RASA_CPU_AFFINITY


def profile_name(value: str) -> str:
    if value.lower() not in PROFILES:
        raise ValueError(value)
    return value.lower()


def redis_settings(value: str) -> RedisSettings:
    parts = urlsplit(value)
    if parts.scheme != "redis" or not parts.hostname:
        raise ValueError(value)
    db = parts.path.strip("/") or "1"
    return RedisSettings(parts.hostname, parts.port or 6379, int(db))


def rabbit_url(value: str) -> tuple[str, int, str, str, str]:
    parts = urlsplit(value)
    if parts.scheme != "amqp" or not parts.hostname:
        raise ValueError(value)
    vhost = parts.path[1:] or "/"
    return (
        parts.hostname,
        parts.port or 5672,
        parts.username or "guest",
        parts.password or "guest",
        vhost,
    )


def cpu_affinity(value: str) -> str:
    if value.lower() not in CPU_AFFINITIES:
        raise ValueError(value)
    return value.lower()


def _alphanumeric(value: str) -> str:
    if not value.isalnum():
        raise ValueError(value)
    return value


def _queue(value: str) -> str:
    if not value.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise ValueError(value)
    return value


def load_production(environ: Mapping[str, str]) -> ProductionSettings:
    """The production profile's own variables (read whatever KEFU_PROFILE says)."""
    host, port, username, password, vhost = read_setting(
        environ, ENV_RABBITMQ_URL, rabbit_url(DEFAULT_RABBITMQ_URL), rabbit_url, "an amqp:// URL"
    )
    queue = read_setting(
        environ, ENV_RABBITMQ_QUEUE, DEFAULT_RABBITMQ_QUEUE, _queue, "a queue name (a-z, 0-9, _-.)"
    )
    count = "a positive whole number"
    redis = read_setting(
        environ,
        ENV_REDIS_URL,
        redis_settings(DEFAULT_REDIS_URL),
        redis_settings,
        "a URL like redis://127.0.0.1:6379/1",
    )
    prefix = read_setting(
        environ, ENV_REDIS_KEY_PREFIX, DEFAULT_REDIS_KEY_PREFIX, _alphanumeric, "letters and digits"
    )
    return ProductionSettings(
        rasa_instances=read_setting(
            environ, ENV_RASA_INSTANCES, DEFAULT_RASA_INSTANCES, positive_int, count
        ),
        action_instances=read_setting(
            environ, ENV_ACTION_INSTANCES, DEFAULT_ACTION_INSTANCES, positive_int, count
        ),
        redis=RedisSettings(redis.host, redis.port, redis.db, prefix),
        rabbitmq=RabbitSettings(host, port, username, password, vhost, queue),
        nginx=read_setting(environ, ENV_NGINX, DEFAULT_NGINX, str, "the nginx binary"),
        lock_lifetime=read_setting(
            environ, ENV_LOCK_LIFETIME, DEFAULT_LOCK_LIFETIME, positive_int, "whole seconds"
        ),
        rasa_threads=read_setting(
            environ, ENV_RASA_THREADS, DEFAULT_RASA_THREADS, positive_int, count
        ),
        rasa_cpu_affinity=read_setting(
            environ,
            ENV_RASA_CPU_AFFINITY,
            DEFAULT_RASA_CPU_AFFINITY,
            cpu_affinity,
            " or ".join(CPU_AFFINITIES),
        ),
    )


def check_production_databases(crm_url: str, tracker_url: str) -> None:
    """Several Rasa servers share one tracker store: SQLite cannot be it (nor the CRM)."""
    for variable, url in (
        ("KEFU_DATABASE_URL", crm_url),
        ("KEFU_TRACKER_DATABASE_URL", tracker_url),
    ):
        if not url.lower().startswith(("postgresql", "postgres")):
            raise SettingsError(
                f"{ENV_PROFILE}=production needs PostgreSQL: set {variable} to a postgresql:// URL."
            )


def socket_environment(production: ProductionSettings | None) -> dict[str, str]:
    """What credentials.yml's socket.io channel reads to share its emits between Rasa servers.

    A customer's socket lives on one server, an agent's reply may be appended through another:
    in the production profile every server publishes its emits on one Redis channel (named
    after the key prefix, so parallel stacks do not hear each other). Empty URL: in-process.
    """
    if production is None:
        return {"KEFU_SOCKET_REDIS_URL": "", "KEFU_SOCKET_REDIS_CHANNEL": "kefu_socketio"}
    redis = production.redis
    return {
        "KEFU_SOCKET_REDIS_URL": f"redis://{redis.host}:{redis.port}/{redis.db}",
        "KEFU_SOCKET_REDIS_CHANNEL": f"{redis.key_prefix}_socketio",
    }


def production_environment(production: ProductionSettings) -> dict[str, str]:
    """What endpoints.production.yml (and credentials.yml's socket.io) read in each Rasa process."""
    rabbit = production.rabbitmq
    return {
        **socket_environment(production),
        "KEFU_REDIS_HOST": production.redis.host,
        "KEFU_REDIS_PORT": str(production.redis.port),
        "KEFU_REDIS_DB": str(production.redis.db),
        "KEFU_REDIS_KEY_PREFIX": production.redis.key_prefix,
        "KEFU_RABBITMQ_HOST": rabbit.host,
        "KEFU_RABBITMQ_PORT": str(rabbit.port),
        "KEFU_RABBITMQ_USERNAME": rabbit.username,
        "KEFU_RABBITMQ_PASSWORD": rabbit.password,
        "KEFU_RABBITMQ_QUEUE": rabbit.queue,
        "TICKET_LOCK_LIFETIME": str(production.lock_lifetime),
        # TensorFlow and onnxruntime: one thread each per process; the instances share the cores.
        "OMP_NUM_THREADS": str(production.rasa_threads),
        "TF_INTRA_OP_PARALLELISM_THREADS": str(production.rasa_threads),
        "TF_INTER_OP_PARALLELISM_THREADS": str(production.rasa_threads),
    }
