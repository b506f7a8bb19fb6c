"""The production profile's servers: N Rasa servers and N action servers behind nginx.

nginx listens where the embedded default's single servers listen (KEFU_RASA_PORT for the
channels, KEFU_ACTION_PORT for the Rasa servers' action calls) and spreads requests over the
instances on the ports just above (KEFU_RASA_PORT + 1 …, KEFU_ACTION_PORT + 1 …), each turn
to the Rasa server with the fewest in flight. It is Debian's nginx, run by the launcher in the
foreground with a config written under var/nginx/, on loopback only. An instance that refuses
connections is skipped for a few seconds; a customer message that finds no Rasa server at all
gets a polite JSON reply from nginx itself instead of a 502.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from kefu.processes import ManagedProcess, action_server, rasa_server
from kefu.profile import ProductionSettings, production_environment
from kefu.settings import Settings

PRODUCTION_ENDPOINTS = "endpoints.production.yml"
# Read by bot/server.py: the one core this Rasa server runs on.
CPU_VARIABLE = "KEFU_RASA_CPU"
HEALTH_PATH = "/kefu-lb-health"
# What a customer reads when no Rasa server answers (the REST channel's reply format).
UNAVAILABLE_REPLY = "Sorry, I cannot answer right now. Please send your message again in a moment."


# Each request goes to the Rasa server with the fewest requests in flight. Kept on one server
# by a hash of its conversation ("sticky"), 50 conversations split about 30/20 often enough
# that one server sat idle a third of the time while the other queued turns, and two servers
# left a sixth of the machine unused (bench/README.md, "Scale-out", stop 38).
# A conversation's next turn may then reach the other server: its tracker store reads only the
# rows written since (bot/tracker_store.py), and the lock store keeps the turns in order.
# WebSockets count as requests in flight for as long as they are open, so chat pages spread
# the same way; the chat speaks WebSocket only, so no request needs the server of the last one.
FEWEST_IN_FLIGHT = "        least_conn;\n"


def rasa_ports(settings: Settings) -> list[int]:
    return [settings.rasa_port + 1 + i for i in range(settings.production.rasa_instances)]


def action_ports(settings: Settings) -> list[int]:
    return [settings.action_port + 1 + i for i in range(settings.production.action_instances)]


def rasa_cpus(
    production: ProductionSettings, available: Collection[int] | None = None
) -> list[int | None]:
    """The core each Rasa server is kept to (None: wherever the kernel places it).

    With `auto`, two or more servers that fit on the cores this process may use get one each,
    in order; a single server, or more servers than cores, are left to the kernel.
    """
    count = production.rasa_instances
    cores = sorted(os.sched_getaffinity(0) if available is None else available)
    if production.rasa_cpu_affinity == "off" or not 2 <= count <= len(cores):
        return [None] * count
    return list(cores[:count])


def _upstream(name: str, ports: list[int], balance: str = "") -> str:
    servers = "".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=3s;\n" for port in ports
    )
    return f"    upstream {name} {{\n{balance}{servers}        keepalive 32;\n    }}\n"


def nginx_config(settings: Settings, prefix: Path) -> str:
    """The whole nginx.conf: two loopback listeners, each over its upstream group."""
    reply = json.dumps([{"recipient_id": "", "text": UNAVAILABLE_REPLY}])
    rasa_upstream = _upstream("kefu_rasa", rasa_ports(settings), FEWEST_IN_FLIGHT)
    action_upstream = _upstream("kefu_actions", action_ports(settings))
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / 'tmp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""# Written by kefu/servers.py for KEFU_PROFILE=production; rewritten on every start.
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp}
    # Bodies and replies stay in memory (64 KB at most), so workers never need temp files.
    client_max_body_size 64k;
    client_body_buffer_size 64k;
    proxy_max_temp_file_size 0;
    proxy_http_version 1.1;
    proxy_read_timeout 60s;
    proxy_connect_timeout 2s;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' ''; }}
{rasa_upstream}{action_upstream}
    server {{
        listen 127.0.0.1:{settings.rasa_port};
        location = {HEALTH_PATH} {{ return 200 "ok"; }}
        location / {{
            proxy_pass http://kefu_rasa;
            proxy_set_header Host $host;
            # Who the customer is (the Rasa servers trust this from loopback only,
            # KEFU_TRUSTED_PROXIES): the address nginx was connected from, appended to any
            # X-Forwarded-For the caller sent, which the Rasa servers read from the right.
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_next_upstream error timeout http_502 http_503;
            error_page 502 503 504 = @unavailable;
        }}
        location @unavailable {{
            default_type application/json;
            return 200 '{reply}';
        }}
    }}
    server {{
        listen 127.0.0.1:{settings.action_port};
        location / {{
            proxy_pass http://kefu_actions;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


def nginx_process(settings: Settings, prefix: Path) -> ManagedProcess:
    """nginx in the foreground with its config, pid and logs under `prefix`."""
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / kind).mkdir(parents=True, exist_ok=True)
    config = prefix / "nginx.conf"
    config.write_text(nginx_config(settings, prefix), encoding="utf-8")
    return ManagedProcess(
        name="load balancer (nginx)",
        command=[
            settings.production.nginx,
            "-p",
            str(prefix),
            "-c",
            str(config),
            "-e",
            str(prefix / "error.log"),
            "-g",
            "daemon off;",
        ],
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        ready_url=f"http://127.0.0.1:{settings.rasa_port}{HEALTH_PATH}",
        log_path=prefix / "nginx.log",
    )


@dataclass
class ProductionServers:
    """Every server of the production profile, in the order they start."""

    actions: list[ManagedProcess]
    rasa: list[ManagedProcess]
    balancer: ManagedProcess

    @property
    def all(self) -> list[ManagedProcess]:
        return [*self.actions, *self.rasa, self.balancer]


def production_servers(
    settings: Settings,
    model: Path,
    rasa_env: dict[str, str],
    action_env: dict[str, str],
    log_dir: Path,
    nginx_dir: Path,
    credentials: str | Path = "credentials.yml",
) -> ProductionServers:
    """The action servers, the Rasa servers (on endpoints.production.yml, each on its core
    when `rasa_cpus` gives it one) and nginx."""
    rasa_env = {**rasa_env, **production_environment(settings.production)}
    actions = [
        action_server(port, action_env, log_dir / f"actions-{port}.log")
        for port in action_ports(settings)
    ]
    rasa = [
        rasa_server(
            port,
            model,
            rasa_env if cpu is None else {**rasa_env, CPU_VARIABLE: str(cpu)},
            log_dir / f"rasa-{port}.log",
            endpoints=PRODUCTION_ENDPOINTS,
            credentials=credentials,
        )
        for port, cpu in zip(rasa_ports(settings), rasa_cpus(settings.production), strict=True)
    ]
    for child, port in zip(actions, action_ports(settings), strict=True):
        child.name = f"action server on :{port}"
    for child, port in zip(rasa, rasa_ports(settings), strict=True):
        child.name = f"Rasa server on :{port}"
    return ProductionServers(actions, rasa, nginx_process(settings, nginx_dir))
