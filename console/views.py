"""Service views to JSON and to text in templates: dates, numbers, shares."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from crm_store.views import plain


def json_of(value: Any, status: int = 200) -> web.Response:
    return web.json_response(plain(value), status=status)


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "–"


def number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def template_filters() -> dict[str, Callable[..., str]]:
    return {"when": when, "number": number, "share": share, "duration": duration}
