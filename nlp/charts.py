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
    xlabel: str, ylabel: str, log_y: bool = False, names: dict[int, str] | None = None,
) -> Path:  # fmt: skip
    """One colour per group; the legend names each group (`names`) or numbers it."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    for n, group in enumerate(sorted(set(groups))):
        idx = [i for i, g in enumerate(groups) if g == group]
        label = (names or {}).get(group, str(group))
        ax.scatter([x[i] for i in idx], [y[i] for i in idx], s=14, label=label,
                   color=plt.get_cmap("tab10")(n % 10))  # fmt: skip
    if log_y:
        # Spend is heavy-tailed: one big customer would flatten everybody else to a line.
        ax.set_yscale("symlog", linthresh=10)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(title="segment", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
