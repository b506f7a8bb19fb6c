"""Compute limits for training: one core, since the bot's machine serves customers meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def one_core() -> Iterator[None]:
    """Limit OpenMP/BLAS thread pools (HistGradientBoosting, numpy) to one thread inside."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield
