"""`python -m kefu nlp` over the CRM: train and report on a seeded demo CRM; clear errors."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from crm_store.db import create_engine, create_sessionmaker
from crm_store.models import Base
from crm_store.seed import seed_database
from kefu.nlp_jobs import main


async def _seed(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    await seed_database(create_sessionmaker(engine), 7, customers=60, orders=300, tickets=120)
    await engine.dispose()


@pytest.fixture
def demo_crm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    asyncio.run(_seed(url))
    monkeypatch.setenv("KEFU_DATABASE_URL", url)
    monkeypatch.setenv("KEFU_MODELS_DIR", str(tmp_path / "models"))
    return tmp_path


def test_train_and_report_read_the_crm(demo_crm: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train"]) == 0
    trained = json.loads(capsys.readouterr().out)
    # The demo CRM's tickets are enough for topics and the ticket index.
    assert Path(trained["topics"]).is_relative_to(demo_crm / "models")
    assert (Path(trained["tickets"]) / "manifest.json").exists()

    out = demo_crm / "report"
    assert main(["report", "--out", str(out)]) == 0
    kpis = json.loads(capsys.readouterr().out)
    assert kpis["customers"] == 60
    summary = json.loads((out / "summary.json").read_text())
    assert summary["segments"]["k"] >= 2
    assert {"segments.png"} <= {p.name for p in out.iterdir()}


def test_an_unreachable_crm_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KEFU_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("KEFU_MODELS_DIR", str(tmp_path))
    assert main(["train"]) == 2
    error = capsys.readouterr().err
    assert "cannot read the CRM at postgresql://nobody@127.0.0.1:1/none" in error
    assert "Traceback" not in error
