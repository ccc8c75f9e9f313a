"""Counting requests in the cache, for limits that protect sign-in and email sending.

Counters live in ``CACHES["default"]`` (Redis in production, shared by every web process; a
file cache locally), never in the database: a flood of attempts must not become a flood of
writes. A counter covers a fixed window (``window`` seconds, aligned to the clock), so a burst
across a window's edge may reach twice a limit, never more.
"""

import hashlib
import time
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone


def _key(kind: str, subject: str) -> str:
    # Hashed: a user name or an email address never appears in the cache's keys.
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"limit:{kind}:{digest}"


def _bucket(kind: str, subject: str, window: int) -> tuple[str, int]:
    now = int(time.time())
    return f"{_key(kind, subject)}:{now // window}", window - now % window


def count(kind: str, subject: str, *, window: int) -> int:
    """How many times ``subject`` was counted in this window, not counting now."""
    key, _ = _bucket(kind, subject, window)
    return cache.get(key, 0)


def hit(kind: str, subject: str, *, window: int) -> int:
    """Count one more for ``subject`` in this window; returns the new count."""
    key, remaining = _bucket(kind, subject, window)
    cache.add(key, 0, timeout=remaining + 1)
    value = cache.incr(key)
    # Atomic with Redis and the local-memory cache; the file cache's incr rewrites the entry
    # with its default timeout, so set the window's end again.
    cache.touch(key, remaining + 1)
    return value


def window_end(*, window: int) -> datetime:
    """When the current window ends and its counts start again."""
    now = int(time.time())
    end = now - now % window + window
    return datetime.fromtimestamp(end, tz=timezone.get_current_timezone())


def clear(kind: str, subject: str, *, window: int) -> None:
    cache.delete(_bucket(kind, subject, window)[0])


def pause(kind: str, subject: str, *, seconds: int) -> datetime:
    """Refuse ``subject`` for ``seconds`` from now; returns when it may try again."""
    until = timezone.now() + timedelta(seconds=seconds)
    cache.set(f"{_key(kind, subject)}:paused", until.timestamp(), timeout=seconds + 1)
    return until


def paused_until(kind: str, subject: str) -> datetime | None:
    """When ``subject`` may try again, or None if it is not paused."""
    value = cache.get(f"{_key(kind, subject)}:paused")
    if value is None or value <= timezone.now().timestamp():
        return None
    return datetime.fromtimestamp(value, tz=timezone.get_current_timezone())


def unpause(kind: str, subject: str) -> None:
    cache.delete(f"{_key(kind, subject)}:paused")
