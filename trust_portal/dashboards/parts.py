"""Parts of a snapshot kept between recomputes, rebuilt exactly when what they show changes.

A dashboard of ten years holds ten years of months, and an approval changes one or two of
them. A builder that makes its snapshot from parts (a month's blocks, an indicator's page)
asks ``KeptParts`` for each, saying what the part is built from::

    parts = KeptParts(arrangement, "overview")
    for month in months:
        blocks = parts.part(month_key(month), month_inputs(history, month),
                            lambda: month_blocks(history, month))
    parts.save()

``inputs`` is everything the part reads, as plain values (the month's approved figures and the
month before's, the targets, rules and definitions in force, the return's revision...). Its
fingerprint (SHA-256 of those values and of the code that builds: every Python source of the
portal and its pinned requirements) is kept with the part. While the fingerprint is the same
the kept part is used; when anything in it changes, a correction, a new rule, a target, a new
definition, a new release, the part is built afresh. Nothing is invalidated by hand, so
nothing can be forgotten: the one duty is that ``inputs`` name all a part reads, which each
builder's tests check by changing each input and seeing the page change.

``save`` stores what was built and forgets the parts not asked for (a month no longer
approved), in two queries. A builder that fails saves nothing: the next recompute rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from trust_portal.dashboards.models import KeptPart

# Folders whose Python sources do not build snapshots (and change without changing one).
NOT_CODE = {".venv", "tests", "migrations", "bench", "node_modules", ".git"}


@cache
def code_version() -> str:
    """SHA-256 of the portal's Python sources and its pinned requirements, read once per
    process: a release that changes any of them rebuilds every part."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    sources = [root / "requirements.txt"]
    for folder, names, files in os.walk(root):
        names[:] = sorted(n for n in names if n not in NOT_CODE and not n.startswith("."))
        sources += [Path(folder) / f for f in files if f.endswith(".py")]
    for path in sorted(sources):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def row_state(row) -> tuple:
    """A model row as plain values (every concrete field), for a part's ``inputs``."""
    if row is None:
        return ()
    return tuple((f.attname, getattr(row, f.attname)) for f in row._meta.concrete_fields)


def fingerprint(inputs) -> str:
    """SHA-256 of ``inputs`` (plain values: their ``repr``) and of the code."""
    digest = hashlib.sha256(code_version().encode())
    digest.update(repr(inputs).encode())
    return digest.hexdigest()


def digest(inputs) -> str:
    """SHA-256 of plain values (their ``repr``): what a part's ``inputs`` may hold in place of
    values shared by many parts, worked out once."""
    return hashlib.sha256(repr(inputs).encode()).hexdigest()


def _plain(data):
    """What a part is once stored (JSON): a part built now is handed back the same, so a
    snapshot is identical whether its parts were kept or built."""
    return json.loads(json.dumps(data))


class KeptParts:
    """One builder's kept parts for one arrangement, read in one query."""

    def __init__(self, arrangement, builder: str):
        self.arrangement = arrangement
        self.builder = builder
        rows = KeptPart.objects.filter(arrangement=arrangement, builder=builder)
        self.kept = {
            key: (inputs, data) for key, inputs, data in rows.values_list("key", "inputs", "data")
        }
        self.asked: set[str] = set()
        self.built: dict[str, tuple[str, object]] = {}

    def part(self, key: str, inputs, build: Callable[[], object]):
        """The part ``key``: kept, if built from the same ``inputs`` (and code); else built."""
        self.asked.add(key)
        print_ = fingerprint(inputs)
        kept = self.kept.get(key)
        if kept is not None and kept[0] == print_:
            return kept[1]
        data = _plain(build())
        self.built[key] = (print_, data)
        return data

    def save(self) -> None:
        """Keep what was built; forget the parts no longer asked for."""
        now = timezone.now()
        rows = [
            KeptPart(
                arrangement=self.arrangement,
                builder=self.builder,
                key=key,
                inputs=inputs,
                data=data,
                made_at=now,
            )
            for key, (inputs, data) in self.built.items()
        ]
        gone = set(self.kept) - self.asked
        with transaction.atomic():
            if gone:
                KeptPart.objects.filter(
                    arrangement=self.arrangement, builder=self.builder, key__in=gone
                ).delete()
            KeptPart.objects.bulk_create(
                rows,
                batch_size=200,
                update_conflicts=True,
                unique_fields=["arrangement", "builder", "key"],
                update_fields=["inputs", "data", "made_at"],
            )
