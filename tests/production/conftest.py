"""One production cluster for the whole module (two Rasa servers load in a minute or two).

Every test here is marked `production` (`-m 'not production'` leaves them out). All of them
skip, saying why, when a binary they need (PostgreSQL's initdb/pg_ctl, rabbitmq-server, nginx)
or the machine's Redis is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import pytest

from crm_store.setup import prepare_database
from kefu.model_cache import ensure_model
from kefu.private_files import resolve_secrets
from kefu.settings import load_settings
from tests.production.cluster import Cluster, build_cluster, production_environ
from tests.production.services import PrivatePostgres, PrivateRabbit, missing_binaries


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    reason = missing_binaries()
    if reason:
        pytest.skip(f"the production profile cannot run here: {reason}")
    workdir = tmp_path_factory.mktemp("production")
    postgres, rabbit = PrivatePostgres(), PrivateRabbit()
    built: Cluster | None = None
    try:
        postgres.init()
        postgres.create("kefu")
        postgres.create("kefu_tracker")
        rabbit.boot()
        settings = load_settings(production_environ(postgres, rabbit))
        secrets = resolve_secrets(settings.secrets, workdir / "secrets")
        asyncio.run(prepare_database(settings.database, demo=True))
        model = ensure_model(log_file=workdir / "train.log")
        built = build_cluster(settings, secrets, model.path, postgres, rabbit, workdir)
        built.start()
        yield built
    finally:
        if built is not None:
            built.close()
        with contextlib.suppress(Exception):
            rabbit.destroy()
        postgres.destroy()
