"""Reads shared by the builders of one recompute.

Several builders read the same things (the performance builders each read the arrangement's
approved figures; the workforce figures are read for each council area): inside a recompute
(``shared_reads``, which ``snapshot_recompute`` opens around its builders) a read made with
``shared`` is made once and handed to every builder that asks for it again. Outside one (a
page, the API, a test calling a builder) ``shared`` just reads.

What is shared is read only: a builder never changes what ``shared`` gives it. Nothing outlives
the recompute, so nothing can go stale: the next recompute reads afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_READS: ContextVar[dict | None] = ContextVar("dashboard_shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Share reads between the builders run inside it (nested: the outer one's are kept)."""
    if _READS.get() is not None:
        yield
        return
    token = _READS.set({})
    try:
        yield
    finally:
        _READS.reset(token)


def shared(key: Hashable, read: Callable[[], T]) -> T:
    """``read()``, once per recompute for ``key`` (which names what is read and for which
    arrangement); outside a recompute, every time."""
    reads = _READS.get()
    if reads is None:
        return read()
    if key not in reads:
        reads[key] = read()
    return reads[key]
