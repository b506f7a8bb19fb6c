"""The FAQ bench on unseen wording: its data and how it scores (the model run is the bench's)."""

from __future__ import annotations

from ruamel.yaml import YAML

from bench.nlu.faq_topics import Question, answer_of, load, report, right
from kefu.paths import REPO_ROOT
from tests.bench.test_nlu_routing import trained_wording, wording


def test_the_data_covers_every_faq_topic_in_every_language() -> None:
    questions = load()
    responses = YAML(typ="safe").load((REPO_ROOT / "data/responses.yml").read_text())
    topics = {key.split("/")[1] for key in responses["responses"] if key.startswith("utter_faq/")}
    assert {q.topic for q in questions if q.topic} == topics
    assert {q.language for q in questions if q.topic is None} == {"en", "de", "zh"}
    assert len({q.text for q in questions}) == len(questions)


def test_no_question_is_a_training_example() -> None:
    trained = trained_wording()
    copied = [q.text for q in load() if wording(q.text) in trained]
    assert not copied, copied


def test_an_faq_answer_is_read_with_its_topic() -> None:
    selected = {"faq": {"response": {"intent_response_key": "faq/shipping"}}}
    assert answer_of({"intent": {"name": "faq"}, "response_selector": selected}) == "faq/shipping"
    assert answer_of({"intent": {"name": "out_of_scope"}}) == "out_of_scope"


def test_right_is_the_topic_or_an_allowed_flow_and_no_faq_for_the_rest() -> None:
    shipping = Question("postage to Spain?", "en", "shipping", ("order_status",))
    vouchers = Question("gift vouchers?", "en", None)
    assert right(shipping, "faq/shipping") and right(shipping, "order_status")
    assert not right(shipping, "faq/contact") and not right(shipping, "nlu_fallback")
    assert right(vouchers, "out_of_scope") and right(vouchers, "nlu_fallback")
    assert not right(vouchers, "faq/contact") and not right(vouchers, "open_ticket")


def test_the_report_counts_per_language_and_lists_the_misses() -> None:
    questions = [Question("postage?", "en", "shipping"), Question("礼品卡？", "zh", None)]
    table, misses = report(questions, ["faq/shipping", "faq/contact"], "model")
    assert "| **all** | 100 % (1/1) | 0 % (0/1) |" in table
    assert misses == ["zh '礼品卡？': faq/contact (wanted no FAQ)"]
