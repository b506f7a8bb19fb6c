"""Query parameters and form fields into service arguments; a bad value is a 400 naming it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta, timezone
from typing import Any

from aiohttp import web

from crm_store.services.conversation_list import ConversationFilters

FILTER_FIELDS = (
    "date_from",
    "date_to",
    "channel",
    "status",
    "customer_id",
    "intent",
    "topic",
    "sentiment",
    "satisfaction",
    "csat",
    "fallback",
    "low_confidence",
    "handoff",
    "tag",
    "reviewed",
    "q",
)


def bad(name: str, expected: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=f"{name}: {expected}")


def _date(value: str, name: str, end: bool) -> datetime:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise bad(name, "a date as YYYY-MM-DD") from None
    start = datetime.combine(day, time(0), tzinfo=timezone.utc)
    # "to" is inclusive: the whole of that day.
    return start + timedelta(days=1) if end else start


def _int(value: str, name: str, low: int = 0, high: int = 2**31 - 1) -> int:
    try:
        number = int(value)
    except ValueError:
        raise bad(name, "a whole number") from None
    if not low <= number <= high:
        raise bad(name, f"a number from {low} to {high}")
    return number


def _flag(value: str, name: str) -> bool:
    if value in ("yes", "true", "1", "on"):
        return True
    if value in ("no", "false", "0", "off"):
        return False
    raise bad(name, "yes or no")


def filters_from(query: Mapping[str, str] | Any) -> ConversationFilters:
    """The list's filters from a query string (empty values mean "any")."""
    get = {name: (query.get(name) or "").strip() for name in FILTER_FIELDS}
    tags = tuple(t.strip().lower() for t in query.getall("tag", []) if t.strip())
    return ConversationFilters(
        date_from=_date(get["date_from"], "date_from", False) if get["date_from"] else None,
        date_to=_date(get["date_to"], "date_to", True) if get["date_to"] else None,
        channel=get["channel"] or None,
        status=get["status"] or None,
        customer_id=_int(get["customer_id"], "customer_id") if get["customer_id"] else None,
        intent=get["intent"] or None,
        topic=get["topic"] or None,
        sentiment=get["sentiment"] or None,
        satisfaction=get["satisfaction"] or None,
        csat=_int(get["csat"], "csat", 1, 5) if get["csat"] else None,
        fallback=_flag(get["fallback"], "fallback") if get["fallback"] else None,
        low_confidence=(
            _flag(get["low_confidence"], "low_confidence") if get["low_confidence"] else None
        ),
        handoff=_flag(get["handoff"], "handoff") if get["handoff"] else None,
        tags=tags,
        reviewed=_flag(get["reviewed"], "reviewed") if get["reviewed"] else None,
        search=get["q"] or None,
    )


def page_args(query: Mapping[str, str]) -> tuple[str, int, int]:
    sort = query.get("sort") or "newest"
    page = _int(query.get("page") or "1", "page", 1, 1_000_000)
    size = _int(query.get("page_size") or "50", "page_size", 1, 200)
    return sort, page, size


def path_id(request: web.Request, name: str = "id") -> int:
    return _int(request.match_info[name], name, 1)
