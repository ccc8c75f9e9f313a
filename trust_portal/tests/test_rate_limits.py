"""Counters in the cache over fixed windows (trust_portal/rate_limits.py)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from trust_portal import rate_limits

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 12, 7, 9, 0, 10, tzinfo=LONDON)


@pytest.fixture(params=["locmem", "file"])
def each_cache(request, settings, tmp_path):
    backend = {
        "locmem": "django.core.cache.backends.locmem.LocMemCache",
        "file": "django.core.cache.backends.filebased.FileBasedCache",
    }[request.param]
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": str(tmp_path / "cache")}}
    cache.clear()


def test_a_count_lasts_its_whole_window_whatever_the_caches_default_timeout(each_cache):
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            rate_limits.hit("k", "198.51.100.1", window=3600)
    # The file cache's incr rewrites an entry with its default timeout (300 s).
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        assert rate_limits.count("k", "198.51.100.1", window=3600) == 3
        assert rate_limits.hit("k", "198.51.100.1", window=3600) == 4


def test_a_new_window_counts_from_nothing(each_cache):
    with time_machine.travel(START, tick=False):
        rate_limits.hit("k", "198.51.100.1", window=3600)
        assert rate_limits.window_end(window=3600) == datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        assert rate_limits.count("k", "198.51.100.1", window=3600) == 0


def test_a_pause_ends_when_it_says(each_cache):
    with time_machine.travel(START, tick=False):
        until = rate_limits.pause("p", "someone", seconds=120)
        assert rate_limits.paused_until("p", "someone") == until
    with time_machine.travel(START + timedelta(seconds=121), tick=False):
        assert rate_limits.paused_until("p", "someone") is None


def test_no_user_name_appears_in_the_caches_keys(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "k"}
    }
    cache.clear()
    rate_limits.hit("k", "nct-manager", window=3600)
    rate_limits.pause("p", "nct-manager", seconds=60)
    keys = list(cache._cache)
    assert len(keys) == 2
    assert [k for k in keys if "nct-manager" in k] == []
