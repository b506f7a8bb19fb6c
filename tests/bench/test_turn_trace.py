"""The turn trace's bookkeeping: phases go to the turn whose window they start in."""

from __future__ import annotations

from bench.turn_trace import _who, per_step, turn_phases


def record(phase: str, who: str | None, t0: float, ms: float) -> dict:
    return {"phase": phase, "who": who, "t0": t0, "ms": ms}


def test_phases_are_summed_into_the_turn_they_start_in() -> None:
    records = [
        record("turn", "a", 10.0, 100.0),
        record("nlu", "a", 10.001, 20.0),
        record("action call", "a", 10.03, 30.0),
        record("action call", "a", 10.07, 25.0),
        record("db statement", None, 10.04, 5.0),  # the action server's: no sender
        record("nlu", "b", 10.02, 7.0),  # another conversation at the same time
        record("turn", "a", 11.0, 50.0),
        record("nlu", "a", 11.001, 10.0),
        record("turn", "warm-up", 12.0, 10.0),
    ]
    turns = turn_phases(records, {"a", "b"})
    assert list(turns) == ["a"]
    first, second = turns["a"]
    assert first == {"turn": 100.0, "nlu": 20.0, "action call": 55.0, "db statement": 5.0}
    assert second == {"turn": 50.0, "nlu": 10.0}
    table = per_step(turns, ["1 greet", "2 ask"])
    assert table["1 greet"] == {
        "n": 1,
        "action call": 55.0,
        "db statement": 5.0,
        "nlu": 20.0,
        "turn": 100.0,
    }
    assert table["2 ask"]["n"] == 1 and table["2 ask"]["turn"] == 50.0


def test_the_conversation_of_a_call_is_found_on_its_arguments() -> None:
    class Message:
        sender_id = "s1"

    assert _who((object(), Message())) == "s1"
    assert _who((object(), {"sender_id": "s2", "next_action": "x"})) == "s2"
    assert _who((object(), "s3")) == "s3"  # the tracker store's retrieve(sender_id)
    assert _who((object(), 3, 4)) is None
