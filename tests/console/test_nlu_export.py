"""The corrections export is NLU training data that Rasa 3.6's own loader (schema-checked) reads."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crm_store.services.review import CorrectionView, nlu_yaml
from tests.crm_store.services.console_data import HOSTILE

RASA_PYTHON = Path(__file__).resolve().parents[2] / ".venv-rasa" / "bin" / "python"
LOAD = (
    "import json, sys\n"
    "from rasa.shared.nlu.training_data.loading import load_data\n"
    "data = load_data(sys.argv[1])\n"
    "print(json.dumps(sorted([m.get('intent'), m.get('text')] for m in data.training_examples)))\n"
)


def correction(text: str, intent: str, status: str = "accepted") -> CorrectionView:
    now = datetime.now(timezone.utc)
    return CorrectionView(1, 1, 1, text, "nlu_fallback", intent, False, status, now)


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="the Rasa environment (.venv-rasa) is absent")
async def test_rasa_reads_the_export(tmp_path: Path) -> None:
    path = tmp_path / "corrections.yml"
    path.write_text(
        nlu_yaml(
            [
                correction("my kettle arrived broken", "broken_item_refund"),
                correction(HOSTILE + "\nsecond line", "chitchat"),
                correction("rejected one", "chitchat", "rejected"),
            ]
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    done = await asyncio.to_thread(
        subprocess.run,
        [str(RASA_PYTHON), "-c", LOAD, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == [
        ["broken_item_refund", "my kettle arrived broken"],
        ["chitchat", HOSTILE + " second line"],
    ]
