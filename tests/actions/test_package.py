"""The actions package as the action server sees it, and its agreement with domain.yml."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from ruamel.yaml import YAML

from kefu.paths import REPO_ROOT
from tests.actions.support import FORMS

EXPECTED_ACTIONS = {
    "action_identified",
    "action_order_status",
    "action_recent_orders",
    "action_switch_language",
    "action_ask_new_email",
    "action_ask_new_phone",
    "action_ask_new_address",
    "action_ticket_status",
    "action_cancel_order",
    "action_request_return",
    "action_update_email",
    "action_update_phone",
    "action_update_address",
    "action_open_ticket",
    "action_save_feedback",
    "action_handoff",
    "action_clarify",
    "action_ask_confirm_cancel",
    "action_ask_confirm_ticket",
    "action_acknowledge_feelings",
    "action_value_in_context",
    "action_affirm_in_context",
    "action_ask_order_number",
} | {f"validate_{form}" for form in FORMS}

_REGISTER = """
import json
from rasa_sdk.executor import ActionExecutor
executor = ActionExecutor()
executor.register_package("actions")
import actions.crm
print(json.dumps({"actions": sorted(executor.actions),
                  "engine": actions.crm._resources.engine is not None,
                  "settings": actions.crm._resources.settings is not None}))
"""


def test_the_action_server_registers_every_action_without_touching_the_database() -> None:
    # Settings that would fail if anything read them at import time.
    env = {**os.environ, "KEFU_DATABASE_URL": "nonsense", "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", _REGISTER],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    registered = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(registered["actions"]) == EXPECTED_ACTIONS
    assert registered["engine"] is False and registered["settings"] is False


@pytest.fixture(scope="module")
def domain() -> dict[str, Any]:
    """domain.yml and data/responses.yml, merged as Rasa merges them."""
    out: dict[str, Any] = {"responses": {}, "actions": [], "forms": {}}
    for path in (REPO_ROOT / "domain.yml", REPO_ROOT / "data" / "responses.yml"):
        if not path.exists():
            continue
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
        out["responses"].update(data.get("responses") or {})
        out["actions"] += data.get("actions") or []
        out["forms"].update(data.get("forms") or {})
    return out


def used_responses() -> set[str]:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO_ROOT / "actions").glob("*.py"))
    return set(re.findall(r'response="(utter_\w+)"', source))


def test_every_response_the_actions_use_is_in_the_domain(domain: dict[str, Any]) -> None:
    missing = used_responses() - set(domain["responses"])
    assert not missing, f"add to domain.yml: {sorted(missing)}"


def test_every_question_in_the_customers_words_can_say_what_it_needs(
    domain: dict[str, Any],
) -> None:
    # actions/answers.py::acknowledged_only builds the name (utter_explain_<slot>), so the check
    # above cannot see it.
    asked = {"return_reason", "ticket_description", "ticket_category"}
    missing = {f"utter_explain_{slot}" for slot in asked} - set(domain["responses"])
    assert not missing, f"add to domain.yml: {sorted(missing)}"


def test_responses_with_placeholders_get_their_values(domain: dict[str, Any]) -> None:
    # utter_verified etc. are uttered before their slots are set, so the action passes them.
    for name, placeholder in (
        ("utter_verified", "customer_name"),
        ("utter_already_verified", "customer_name"),
        ("utter_verification_failed_retry", "attempts_left"),
    ):
        texts = " ".join(str(v.get("text", "")) for v in domain["responses"][name])
        assert "{" + placeholder + "}" in texts or "{" not in texts, name


def test_the_domain_lists_exactly_our_actions(domain: dict[str, Any]) -> None:
    custom = {a for a in domain["actions"] if a.startswith(("action_", "validate_"))}
    assert custom == EXPECTED_ACTIONS


def test_the_domain_forms_are_the_contracts(domain: dict[str, Any]) -> None:
    forms = {name: form["required_slots"] for name, form in domain["forms"].items()}
    assert forms == FORMS
