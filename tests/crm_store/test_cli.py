"""`python -m crm_store` as people run it: a subprocess on a SQLite file via KEFU_DATABASE_URL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from crm_store.migrate import alembic_config
from kefu.paths import REPO_ROOT


@dataclass
class Run:
    code: int
    out: str
    err: str


def crm(
    database: Path | str, *args: str, tracker: Path | None = None, package: str = "crm_store"
) -> Run:
    """`python -m <package> args` on the CRM `database` (and the tracker store `tracker`)."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    env = {**os.environ, "KEFU_DATABASE_URL": url}
    if tracker is not None:
        env["KEFU_TRACKER_DATABASE_URL"] = f"sqlite:///{tracker}"
    result = subprocess.run(
        [sys.executable, "-m", package, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return Run(result.returncode, result.stdout, result.stderr)


def crm_many(cases: list[tuple[Path | str, tuple[str, ...]]]) -> list[Run]:
    """Run several commands at once (each is a fresh interpreter: ~0.4 s to start)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda case: crm(case[0], *case[1]), cases))


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CRM made by the CLI itself: upgrade, then seed (checked in the first test)."""
    path = tmp_path_factory.mktemp("cli") / "kefu.db"
    upgraded = crm(path, "upgrade")
    seeded = crm(path, "seed", "--demo")
    assert (upgraded.code, seeded.code) == (0, 0), upgraded.err + seeded.err
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert f"{head} (head)" in upgraded.out
    assert "Loaded demo data" in seeded.out and "500 customers" in seeded.out
    return path


@pytest.fixture
def database(seeded_file: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded CRM for a test that changes it."""
    copy = tmp_path / "kefu.db"
    shutil.copyfile(seeded_file, copy)
    return copy


def test_seed_twice_and_stats(database: Path) -> None:
    again, stats, table = crm_many(
        [(database, ("seed", "--demo")), (database, ("stats", "--json")), (database, ("stats",))]
    )
    assert again.code == 0 and "already" in again.out
    assert stats.code == 0, stats.err
    assert json.loads(stats.out) == {
        "customers": 500,
        "orders": 3000,
        "tickets": 800,
        "conversations": 0,
        "feedback": 0,
        "records": {"user": 0, "bot": 0, "agent": 0},
        "quarantined": 0,
    }
    assert table.code == 0 and "customers" in table.out and "3000" in table.out


def test_export_customer(seeded_file: Path) -> None:
    for reference in ("C10001", "1"):
        run = crm(seeded_file, "export-customer", reference)
        assert run.code == 0, run.err
        data = json.loads(run.out)
        assert data["customer"]["email"] == "anna.schmidt@example.com"
        assert {o["order_number"] for o in data["orders"]} == {
            "KF-500001",
            "KF-500002",
            "KF-500003",
        }
        assert data["orders"][0]["items"]
        assert [t["ticket_number"] for t in data["tickets"]] == ["T-10001"]
        assert data["conversations"] == [] and data["feedback"] == []


def test_unknown_customer_exits_2_and_changes_nothing(seeded_file: Path) -> None:
    before = seeded_file.read_bytes()
    cases = [("export-customer", "C99999"), ("export-customer", "Anna")]
    runs = crm_many([(seeded_file, case) for case in cases])
    for case, run in zip(cases, runs, strict=True):
        assert run.code == 2, case
        assert run.out == "" and "Nothing was changed" in run.err, case
        assert "Traceback" not in run.err, case
    assert seeded_file.read_bytes() == before


def test_unreachable_database_exits_1_with_one_line() -> None:
    postgres = "postgresql://kefu:secret@127.0.0.1:1/kefu"
    sqlite = f"sqlite:///{REPO_ROOT / 'no' / 'such' / 'folder' / 'kefu.db'}"
    cases: list[tuple[Path | str, tuple[str, ...]]] = [
        (postgres, ("stats", "--json")),
        (sqlite, ("upgrade",)),
        (postgres, ("export-customer", "C10001")),
    ]
    runs = crm_many(cases)
    for case, run in zip(cases, runs, strict=True):
        assert run.code == 1, case
        assert "cannot reach the CRM database" in run.err and "KEFU_DATABASE_URL" in run.err
        assert "Traceback" not in run.err and "secret" not in run.err
        assert len(run.err.strip().splitlines()) == 1, run.err


def test_a_database_without_tables_says_to_upgrade(tmp_path: Path) -> None:
    run = crm(tmp_path / "blank.db", "stats")
    assert run.code == 1 and "upgrade" in run.err and "Traceback" not in run.err


def test_bad_settings_and_arguments_exit_2(tmp_path: Path) -> None:
    runs = crm_many(
        [
            ("mysql://nope", ("stats",)),
            (tmp_path / "x.db", ("no-such-command",)),
            (tmp_path / "x.db", ("export-customer",)),
        ]
    )
    assert [run.code for run in runs] == [2, 2, 2]
    assert "KEFU_DATABASE_URL" in runs[0].err


def test_seed_without_demo_refuses_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "kefu.db"
    assert crm(path, "upgrade").code == 0
    refused = crm(path, "seed")
    assert refused.code == 2 and "--demo" in refused.err
    assert json.loads(crm(path, "stats", "--json").out)["customers"] == 0
