"""`python -m kefu nlp` over the CRM: train, report and store customer analytics on a seeded demo
CRM; clear errors."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from crm_store.db import create_engine, create_sessionmaker
from crm_store.models import Base, Customer
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


async def _stored(url: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(
                Customer.id,
                Customer.segment,
                Customer.churn_risk,
                Customer.lifetime_value,
                Customer.analytics_at,
            ).order_by(Customer.id)
        )
        found = [tuple(row) for row in rows]
    await engine.dispose()
    return found


def test_customers_stores_named_segments_churn_risk_and_clv(
    demo_crm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{demo_crm / 'kefu.db'}"
    assert all(row[4] is None for row in asyncio.run(_stored(url)))
    assert main(["customers", "--as-of", "2026-12-01"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["customers"] == 60
    # The seeded CRM has enough past buyers, some lapsed: the forest trains.
    assert done["churn_risk_from"] == "churn model"
    stored = asyncio.run(_stored(url))
    assert len(stored) == 60
    segments = {row[1] for row in stored}
    assert len(segments) >= 2 and not segments & {"consumer", "business", "vip"}
    assert all(isinstance(s, str) and not s.isdigit() for s in segments)
    assert sum(done["segments"].values()) == 60
    assert all(0.0 <= row[2] <= 1.0 for row in stored)
    assert len({row[2] for row in stored}) > 1  # a probability per customer, not one constant
    assert all(row[3] is not None and row[3] >= 0 for row in stored)
    assert any(row[3] > 0 for row in stored)
    assert {row[4].date().isoformat() for row in stored} == {"2026-12-01"}


def test_report_also_stores_the_customer_analytics(
    demo_crm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--out", str(demo_crm / "report")]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["customers"] == 60  # stdout stays the KPIs
    assert '"customers": 60' in captured.err
    stored = asyncio.run(_stored(f"sqlite:///{demo_crm / 'kefu.db'}"))
    assert all(row[4] is not None for row in stored)
