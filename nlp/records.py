"""Plain record shapes nlp works on; the CRM (or a JSONL file) fills them, nlp never reads a DB.

JSONL conversations (one object a line) look like::

    {"id": "c1", "turns": [{"speaker": "customer", "text": "Where is my order?",
                            "intent": "order_status", "confidence": 0.93}],
     "handoff": false, "fallbacks": 0, "outcome": "resolved", "csat": 4,
     "labels": {"domain": "orders"}}

Every field but "id" and "turns" is optional. Dates are ISO 8601 strings in JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nlp.text import MAX_DOC_CHARS, clean

SPEAKERS = ("customer", "assistant", "agent")
# Outcomes a conversation can end with; anything else is read as "unknown".
OUTCOMES = ("resolved", "handoff", "abandoned", "unknown")


@dataclass(frozen=True)
class Turn:
    """One message: who said it, the text, the bot's NLU reading of it if any, and the
    customer's rating of the exchange where a data set has one (training only, never scored)."""

    speaker: str
    text: str
    intent: str | None = None
    confidence: float | None = None
    rating: float | None = None


@dataclass
class Conversation:
    """A conversation as the exchange log holds it; csat is the customer's 1-5 rating."""

    id: str
    turns: list[Turn]
    customer_id: str | None = None
    handoff: bool = False
    fallbacks: int | None = None  # None: count fallback intents in the turns instead
    outcome: str = "unknown"
    csat: int | None = None
    started_at: datetime | None = None
    labels: dict[str, Any] = field(default_factory=dict)

    def customer_text(self) -> str:
        return conversation_text(self, speakers=("customer",))

    def text(self) -> str:
        return conversation_text(self)


@dataclass(frozen=True)
class Customer:
    id: str
    created_at: datetime | None = None
    segment: str | None = None


@dataclass(frozen=True)
class OrderItem:
    product_id: str
    quantity: int = 1
    price: float = 0.0


@dataclass
class Order:
    """An order; amount is its total, status e.g. paid/shipped/delivered/cancelled/returned."""

    id: str
    customer_id: str
    created_at: datetime
    amount: float
    status: str = "delivered"
    items: list[OrderItem] = field(default_factory=list)


@dataclass(frozen=True)
class Feedback:
    """A survey answer: CSAT 1-5 and/or NPS 0-10, for a conversation or a customer."""

    id: str
    customer_id: str | None = None
    conversation_id: str | None = None
    csat: int | None = None
    nps: int | None = None
    comment: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True)
class Ticket:
    id: str
    text: str
    category: str | None = None
    customer_id: str | None = None
    created_at: datetime | None = None


def conversation_text(conv: Conversation, speakers: Iterable[str] = SPEAKERS) -> str:
    """The turns' texts joined, capped at MAX_DOC_CHARS (the start matters most for topics)."""
    wanted = set(speakers)
    parts = [t.text for t in conv.turns if t.speaker in wanted and isinstance(t.text, str)]
    return clean("\n".join(parts), MAX_DOC_CHARS)


def parse_datetime(value: Any) -> datetime | None:
    """ISO string or datetime to an aware UTC datetime; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def conversation_from_dict(d: dict[str, Any]) -> Conversation:
    """Build a Conversation from the JSONL shape; unknown speakers become "customer"."""
    turns = []
    for t in d.get("turns") or []:
        speaker = t.get("speaker", "customer")
        conf = t.get("confidence")
        rating = t.get("rating")
        turns.append(
            Turn(
                speaker=speaker if speaker in SPEAKERS else "customer",
                text=t.get("text") if isinstance(t.get("text"), str) else "",
                intent=t.get("intent"),
                confidence=float(conf) if isinstance(conf, int | float) else None,
                rating=float(rating) if isinstance(rating, int | float) else None,
            )
        )
    outcome = d.get("outcome") or "unknown"
    csat = d.get("csat")
    return Conversation(
        id=str(d["id"]),
        turns=turns,
        customer_id=d.get("customer_id"),
        handoff=bool(d.get("handoff", False)),
        fallbacks=d.get("fallbacks"),
        outcome=outcome if outcome in OUTCOMES else "unknown",
        csat=int(csat) if isinstance(csat, int | float) else None,
        started_at=parse_datetime(d.get("started_at")),
        labels=dict(d.get("labels") or {}),
    )


def order_from_dict(d: dict[str, Any]) -> Order:
    items = [
        OrderItem(str(i["product_id"]), int(i.get("quantity", 1)), float(i.get("price", 0.0)))
        for i in d.get("items") or []
    ]
    created = parse_datetime(d["created_at"])
    assert created is not None
    return Order(
        id=str(d["id"]),
        customer_id=str(d["customer_id"]),
        created_at=created,
        amount=float(d.get("amount", sum(i.quantity * i.price for i in items))),
        status=str(d.get("status", "delivered")),
        items=items,
    )


def customer_from_dict(d: dict[str, Any]) -> Customer:
    return Customer(str(d["id"]), parse_datetime(d.get("created_at")), d.get("segment"))


def feedback_from_dict(d: dict[str, Any]) -> Feedback:
    return Feedback(
        id=str(d["id"]),
        customer_id=d.get("customer_id"),
        conversation_id=d.get("conversation_id"),
        csat=d.get("csat"),
        nps=d.get("nps"),
        comment=d.get("comment") or "",
        created_at=parse_datetime(d.get("created_at")),
    )


def ticket_from_dict(d: dict[str, Any]) -> Ticket:
    return Ticket(
        str(d["id"]),
        d.get("text") or "",
        d.get("category"),
        d.get("customer_id"),
        parse_datetime(d.get("created_at")),
    )


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """Objects of a JSONL file, skipping blank lines; a bad line names its line number."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not a JSON object: {exc.msg}") from exc


def load_conversations(path: str | Path) -> list[Conversation]:
    return [conversation_from_dict(d) for d in read_jsonl(path)]


def to_jsonable(obj: Any) -> Any:
    """Dataclass or value to JSON-ready data (datetimes as ISO strings)."""
    if hasattr(obj, "__dataclass_fields__"):
        obj = asdict(obj)
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, datetime):
        return obj.isoformat()
    return obj


@dataclass
class RecordSet:
    """Everything a batch job may get; any list may be empty."""

    conversations: list[Conversation] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)


_READERS = {
    "conversations": conversation_from_dict,
    "customers": customer_from_dict,
    "orders": order_from_dict,
    "feedback": feedback_from_dict,
    "tickets": ticket_from_dict,
}


def records_from(dicts: dict[str, Iterable[dict[str, Any]]]) -> RecordSet:
    """A RecordSet from dicts of the JSONL shapes, keyed like its fields (e.g. CRM snapshots)."""
    out = RecordSet()
    for key, rows in dicts.items():
        if key not in _READERS:
            raise ValueError(f"unknown record kind {key!r}; expected one of {sorted(_READERS)}")
        setattr(out, key, [_READERS[key](d) for d in rows])
    return out


def load_records(paths: dict[str, str | Path | None]) -> RecordSet:
    """Read a RecordSet from JSONL files keyed like its fields (missing keys stay empty)."""
    return records_from({key: read_jsonl(path) for key, path in paths.items() if path is not None})
