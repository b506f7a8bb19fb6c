"""Dashboard charts drawn on the server as PNG data URIs (matplotlib's Agg canvas, no pyplot, so
they can be drawn in worker threads); every chart has a table beside it for screen readers."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from crm_store.services.reports import Dashboard

BLUE = "#2f6db5"


def _png(draw: Callable[[Axes], None], title: str) -> str:
    figure = Figure(figsize=(6.4, 3.0), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    draw(axes)
    axes.set_title(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _line(
    points: dict[str, float] | dict[str, int], from_zero: bool = False
) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        labels = list(points)
        axes.plot(range(len(labels)), list(points.values()), marker="o", color=BLUE)
        if from_zero:  # counts: a flat day-to-day line should not look like a swing
            axes.set_ylim(bottom=0, top=max(points.values(), default=0) * 1.15 + 1)
        step = max(1, len(labels) // 8)
        axes.set_xticks(range(0, len(labels), step), labels[::step], rotation=30, fontsize=7)

    return draw


def _bars(pairs: list[tuple[str, int]]) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        axes.barh([p[0] for p in pairs][::-1], [p[1] for p in pairs][::-1], color=BLUE)
        axes.tick_params(axis="y", labelsize=7)

    return draw


def _topics(weeks: dict[str, dict[str, int]]) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        names = sorted({topic for week in weeks.values() for topic in week})
        bottom = [0] * len(weeks)
        for name in names:
            values = [week.get(name, 0) for week in weeks.values()]
            axes.bar(list(weeks), values, bottom=bottom, label=name)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        axes.tick_params(axis="x", labelrotation=30, labelsize=7)
        if names:
            axes.legend(fontsize=7)

    return draw


def _scatter(pairs: list[tuple[float, int]]) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        axes.scatter([p[0] for p in pairs], [p[1] for p in pairs], alpha=0.5, color=BLUE)
        axes.plot([1, 5], [1, 5], color="#999", linestyle="--")
        axes.set_xlabel("predicted")
        axes.set_ylabel("CSAT given")

    return draw


def dashboard_charts(board: Dashboard) -> dict[str, str]:
    """The charts that have something to show, by name, as data URIs."""
    wanted: list[tuple[str, bool, Callable[[Axes], None], str]] = [
        (
            "per_day",
            bool(board.per_day),
            _line(board.per_day, from_zero=True),
            "Conversations per day",
        ),
        ("channels", bool(board.channels), _bars(list(board.channels.items())), "Channel mix"),
        ("intents", bool(board.top_intents), _bars(board.top_intents), "Top intents"),
        ("topics", bool(board.topics_by_week), _topics(board.topics_by_week), "Topics by week"),
        (
            "sentiment",
            bool(board.sentiment_by_day),
            _line(board.sentiment_by_day),
            "Mean sentiment per day",
        ),
        (
            "first_reply",
            bool(board.agent_first_reply_by_day),
            _line(board.agent_first_reply_by_day, from_zero=True),
            "Time to first agent reply (median s)",
        ),
        (
            "satisfaction",
            bool(board.predicted_vs_given),
            _scatter(board.predicted_vs_given),
            "Predicted vs given satisfaction",
        ),
    ]
    return {name: _png(draw, title) for name, shown, draw, title in wanted if shown}
