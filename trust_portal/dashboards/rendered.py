"""What dashboard pages keep in the cache, so that a page is not rendered again for every
request: each snapshot version's parts as read from the database, and the HTML of its blocks.

A snapshot version never changes once made (a recompute adds a version), so what is read or
rendered from it is kept under a key naming the version (its id, when it was computed and its
digest) and everything else the HTML depends on: the month or page shown, the range, the past
moment of ``?as_of=`` (its links carry it) and the code and templates of this release. Nothing
a person alone may see is in it: the blocks are the same for everyone who may see the
dashboard (``trust_portal/dashboards/registry.py``: snapshots hold approved figures only), and
the page around them (the person's name, their navigation, the status of today's recompute)
is rendered for each request as before.

The cache is Django's (``CACHE_URL``: Redis in production, a file cache on a laptop); losing it
costs a render, never a wrong page.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from trust_portal.dashboards.models import Snapshot
from trust_portal.dashboards.parts import code_version

# A day: a version stops being shown when a newer one is made, and its keys then go unused.
KEEP_SECONDS = 24 * 60 * 60


@once
def release() -> str:
    """The code's and the templates' version: a release that changes either renders afresh."""
    digest = hashlib.sha256(code_version().encode())
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for root, names, files in os.walk(folder):
            names.sort()
            for name in sorted(files):
                path = Path(root) / name
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def version_key(snapshot: Snapshot) -> tuple:
    """What names a snapshot version for ever, even in a database whose ids start again."""
    return (snapshot.pk, snapshot.computed_at.isoformat(), snapshot.digest)


def kept(key: tuple, make: Callable):
    """``make()``, kept in the cache under ``key`` (with the release) for ``KEEP_SECONDS``."""
    name = "dashboards:" + hashlib.sha256(repr((release(), *key)).encode()).hexdigest()
    found = cache.get(name)
    if found is None:
        found = (make(),)  # in a tuple, so that a part that is None is kept too
        cache.set(name, found, KEEP_SECONDS)
    return found[0]


def part(snapshot: Snapshot, *path: str):
    """One part of a snapshot version's data (``Snapshot.objects.part``), read once."""
    return kept(
        ("part", *version_key(snapshot), *path),
        lambda: Snapshot.objects.part(snapshot.pk, *path),
    )


def page_titles(snapshot: Snapshot) -> list[tuple[str, str]]:
    """[(key, title)] of a snapshot's pages (an indicator's trend...), read once."""

    def read() -> list[tuple[str, str]]:
        pages = Snapshot.objects.part(snapshot.pk, "pages") or {}
        return [(key, page.get("title", key)) for key, page in pages.items()]

    return kept(("page titles", *version_key(snapshot)), read)


def blocks_html(request, snapshot: Snapshot, where: tuple, blocks: Callable, context: dict):
    """The HTML of the blocks shown (``dashboards/_blocks.html``), rendered once for the
    snapshot version and ``where`` (the month or page, the range), and the past moment asked
    for; ``blocks()`` gives them when they must be rendered."""
    as_of = request.as_of.text if request.as_of else ""

    def render() -> str:
        return render_to_string(
            "dashboards/_blocks.html", {**context, "blocks": blocks()}, request=request
        )

    return mark_safe(kept(("blocks", *version_key(snapshot), *where, as_of), render))  # noqa: S308 - rendered by the template engine, escaped there
