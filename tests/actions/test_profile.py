"""Account changes: email (valid, malformed, taken by someone else), phone and address."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions import crm
from actions.profile import (
    ActionAskNewAddress,
    ActionAskNewEmail,
    ActionUpdateAddress,
    ActionUpdateEmail,
    ActionUpdatePhone,
    ValidateUpdateAddressForm,
    ValidateUpdateEmailForm,
    ValidateUpdatePhoneForm,
)
from crm_store.models import Customer
from crm_store.settings import DatabaseSettings
from tests.actions.support import BEN, make_tracker, run_action, user_event, verified


def profile_answer(
    form: str, text: str, requested: str, entities: Any = (), language: str = "en"
) -> Tracker:
    return make_tracker(
        text,
        intent="inform",
        entities=entities,
        form=form,
        requested_slot=requested,
        slots={**verified(BEN, "Ben"), "language": language},
    )


async def customer(crm_db: async_sessionmaker[AsyncSession], customer_id: int) -> Customer:
    async with crm_db() as session:
        found = await session.get(Customer, customer_id)
    assert found is not None
    return found


async def test_extract_new_email_from_the_request_of_a_verified_customer() -> None:
    tracker = make_tracker(
        "change my email to Ben.New@Example.org",
        intent="update_email",
        entities=[("email", "Ben.New@Example.org")],
        form="update_email_form",
        slots=verified(BEN, "Ben"),
    )
    outcome = await run_action(ValidateUpdateEmailForm(), tracker)
    assert outcome.slots["new_email"] == "ben.new@example.org"
    assert outcome.slots["requested_slot"] is None


@pytest.mark.parametrize("text", ["ben at example dot com", "ben@", "<script>@x"])
async def test_validate_new_email_rejects_malformed(text: str) -> None:
    tracker = profile_answer("update_email_form", text, "new_email")
    outcome = await run_action(ValidateUpdateEmailForm(), tracker)
    assert outcome.slots["new_email"] is None
    assert outcome.responses == ["utter_invalid_email"]


async def test_update_email_saves_a_valid_one(crm_db: async_sessionmaker[AsyncSession]) -> None:
    slots = {**verified(BEN, "Ben"), "new_email": "ben.new@example.org"}
    outcome = await run_action(
        ActionUpdateEmail(), make_tracker("ben.new@example.org", slots=slots)
    )
    # The new address is saved whole but shown masked.
    assert "b•••@example.org" in outcome.texts and "ben.new@" not in outcome.texts
    assert (await customer(crm_db, BEN)).email == "ben.new@example.org"
    assert outcome.slots == {"new_email": None}


async def test_update_email_taken_by_someone_else_leaks_nothing(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    slots = {**verified(BEN, "Ben"), "new_email": "anna.schmidt@example.com"}
    outcome = await run_action(ActionUpdateEmail(), make_tracker("x", slots=slots))
    assert outcome.responses == ["utter_email_unavailable"]
    assert "Anna" not in outcome.said and "Schmidt" not in outcome.said
    assert (await customer(crm_db, BEN)).email == "ben.okafor@example.com"


async def test_extract_and_validate_new_phone() -> None:
    tracker = profile_answer("update_phone_form", "+44 20 7946 0999", "new_phone")
    outcome = await run_action(ValidateUpdatePhoneForm(), tracker)
    assert outcome.slots["new_phone"] == "+442079460999"

    bad = profile_answer("update_phone_form", "call me maybe", "new_phone")
    outcome = await run_action(ValidateUpdatePhoneForm(), bad)
    assert outcome.slots["new_phone"] is None
    assert outcome.responses == ["utter_invalid_phone"]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # Ben lives in Germany (his country in the CRM): his number without +49 is German.
        ("0171 2345678", "de", "+491712345678"),
        ("0171 2345678", "en", "+491712345678"),
        ("0171 2345678", "zh", "+491712345678"),
        # Not a German number, but a Chinese one, in a Chinese conversation.
        ("13800138000", "zh", "+8613800138000"),
        ("13800138000", "de", None),
        ("0171 234", "de", None),  # too short
    ],
)
async def test_validate_new_phone_reads_a_number_without_country_code(
    text: str, language: str, expected: str | None
) -> None:
    tracker = profile_answer("update_phone_form", text, "new_phone", [("phone", text)], language)
    outcome = await run_action(ValidateUpdatePhoneForm(), tracker)
    assert outcome.slots["new_phone"] == expected
    assert outcome.responses == ([] if expected else ["utter_invalid_phone"])


async def test_validate_new_phone_apologises_when_the_crm_is_unreachable(
    unreachable_crm: DatabaseSettings,
) -> None:
    await crm.configure(unreachable_crm)
    tracker = profile_answer("update_phone_form", "0171 2345678", "new_phone", language="de")
    outcome = await run_action(ValidateUpdatePhoneForm(), tracker)
    assert outcome.responses == ["utter_technical_problem"]
    assert outcome.slots["new_phone"] is None
    assert outcome.slots["flow_aborted"] is True


async def test_update_phone_saves_a_national_number_in_e164(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    slots = {**verified(BEN, "Ben"), "language": "de", "new_phone": "0171 2345678"}
    outcome = await run_action(ActionUpdatePhone(), make_tracker("x", slots=slots))
    assert "+49 ••• 678" in outcome.texts
    assert (await customer(crm_db, BEN)).phone == "+491712345678"


async def test_update_phone_saves_it(crm_db: async_sessionmaker[AsyncSession]) -> None:
    slots = {**verified(BEN, "Ben"), "new_phone": "+442079460999"}
    outcome = await run_action(ActionUpdatePhone(), make_tracker("x", slots=slots))
    assert "+44 ••• 999" in outcome.texts and "+442079460999" not in outcome.texts
    assert (await customer(crm_db, BEN)).phone == "+442079460999"


async def test_extract_and_validate_new_address() -> None:
    tracker = profile_answer(
        "update_address_form", "Spitalerstraße 4,  20095   Hamburg", "new_address"
    )
    outcome = await run_action(ValidateUpdateAddressForm(), tracker)
    assert outcome.slots["new_address"] == "Spitalerstraße 4, 20095 Hamburg"

    bad = profile_answer("update_address_form", "somewhere nice", "new_address")
    outcome = await run_action(ValidateUpdateAddressForm(), bad)
    assert outcome.slots["new_address"] is None
    assert outcome.responses == ["utter_invalid_address"]


async def test_update_address_saves_it(crm_db: async_sessionmaker[AsyncSession]) -> None:
    slots = {**verified(BEN, "Ben"), "new_address": "Spitalerstraße 4, 20095 Hamburg"}
    outcome = await run_action(ActionUpdateAddress(), make_tracker("x", slots=slots))
    assert "Hamburg" in outcome.texts and "Spitalerstraße" not in outcome.texts
    saved = await customer(crm_db, BEN)
    assert (saved.street, saved.postcode, saved.city) == ("Spitalerstraße 4", "20095", "Hamburg")


async def test_profile_changes_need_a_verified_customer(
    crm_db: async_sessionmaker[AsyncSession],
) -> None:
    tracker = make_tracker("x", slots={"customer_id": str(BEN), "new_email": "evil@example.org"})
    outcome = await run_action(ActionUpdateEmail(), tracker)
    assert outcome.messages == []
    assert (await customer(crm_db, BEN)).email == "ben.okafor@example.com"


async def test_asking_for_the_new_email_first_says_the_one_on_file() -> None:
    tracker = profile_answer("update_email_form", "10115", "new_email")
    outcome = await run_action(ActionAskNewEmail(), tracker)
    assert "The email address we have for you is b•••@example.com." in outcome.texts
    assert outcome.responses == ["utter_ask_new_email"]
    assert "ben.okafor" not in outcome.texts


async def test_the_detail_on_file_is_named_once_however_often_the_question_comes() -> None:
    said = {"event": "bot", "text": "The address we have for you is in Hamburg."}
    tracker = make_tracker(
        "Baker Street",
        "inform",
        form="update_address_form",
        requested_slot="new_address",
        history=[said],
        slots=verified(BEN, "Ben"),
    )
    outcome = await run_action(ActionAskNewAddress(), tracker)
    assert outcome.texts == "" and outcome.responses == ["utter_ask_new_address"]


async def test_asking_for_the_new_address_names_the_city_on_file_only() -> None:
    tracker = profile_answer("update_address_form", "10115", "new_address", language="de")
    outcome = await run_action(ActionAskNewAddress(), tracker)
    assert "Ihre hinterlegte Adresse ist in Hamburg." in outcome.texts
    assert outcome.responses == ["utter_ask_new_address"]


@pytest.mark.parametrize(
    ("request_text", "noted"),
    [
        ("change the delivery address of my order", True),
        ("Lieferadresse für KF-500002 ändern", True),
        ("我想改一下订单的收货地址", True),
        ("I moved, please change my address", False),
    ],
)
async def test_an_address_change_asked_for_an_order_says_what_it_changes(
    request_text: str, noted: bool
) -> None:
    request = user_event(request_text, "update_address")
    tracker = make_tracker(
        "C10002", "inform", form="update_address_form", history=[request], slots=verified()
    )
    outcome = await run_action(ActionAskNewAddress(), tracker)
    assert ("utter_address_of_placed_orders" in outcome.responses) is noted
    assert outcome.responses[-1] == "utter_ask_new_address"


async def test_an_unverified_customer_is_only_asked() -> None:
    tracker = make_tracker("change my email", intent="update_email", form="update_email_form")
    outcome = await run_action(ActionAskNewEmail(), tracker)
    assert outcome.texts == "" and outcome.responses == ["utter_ask_new_email"]


@pytest.mark.parametrize("text", ["no", "no thanks, that's all", "nothing"])
async def test_no_to_the_new_email_question_ends_the_flow(text: str) -> None:
    tracker = profile_answer("update_email_form", text, "new_email")
    outcome = await run_action(ValidateUpdateEmailForm(), tracker)
    assert outcome.responses == ["utter_flow_stopped"]
    assert outcome.slots["flow_aborted"] is True
