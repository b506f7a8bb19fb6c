"""Report charts as PNG files with matplotlib's Agg backend (no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def _plt():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")  # before pyplot: servers and CI have no display
    import matplotlib.pyplot as plt

    return plt


def bar(
    path: Path, labels: Sequence[str], values: Sequence[float], title: str, ylabel: str
) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar([str(v) for v in labels], values, color="#3b7dd8")
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", labelrotation=30 if len(labels) > 6 else 0)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def histogram(path: Path, values: Sequence[float], title: str, xlabel: str, bins: int = 20) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.hist(list(values), bins=bins, color="#3b7dd8")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("count")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def scatter(
    path: Path, x: Sequence[float], y: Sequence[float], groups: Sequence[int], title: str,
    xlabel: str, ylabel: str, log_y: bool = False,
) -> Path:  # fmt: skip
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4))
    points = ax.scatter(list(x), list(y), c=list(groups), cmap="tab10", s=14)
    if log_y:
        # Spend is heavy-tailed: one big customer would flatten everybody else to a line.
        ax.set_yscale("symlog", linthresh=10)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(*points.legend_elements(), title="segment", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
