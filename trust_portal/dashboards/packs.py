"""The scrutiny committee pack: a month's figures from the snapshots, in one printable document.

A pack for an arrangement and a month has a section for each one the apps register
(``registry.pack_section``, in their apps' ``dashboards.py``), each taken from the ``pack`` part
of one dashboard's snapshot (``figures.pack_blocks``: the month's blocks, else the financial
year's, else the default ones). Today, in this order:

    performance by domain (``performance-pack``: page one's matrix, movements and exceptions,
    then a table a domain), finance, transformation, workforce

and its cover gives the approval state of each return the apps register
(``registry.pack_return``).

Committee papers are public, so before anything is rendered the sections are copied and small
counts hidden (``pack_suppress``): a "count" cell from 1 to threshold − 1 prints as "fewer than
5" (the pack's own threshold); a cell whose column names its counts (a percentage or a rate,
``"counts": [key, key]``) is hidden too when either count in its row is hidden, and so is a
sparkline in that row (its words may name the figures). Zero is shown: it identifies nobody
and "none" is what a committee needs to know. Charts are not drawn (the PDF runs no JavaScript,
and the figure's JSON holds the unhidden numbers): a chart block becomes its table, and its
figure is dropped from the pack's data.

Issuing (``pack_issue``) stores the hidden sections, the snapshots' computed_at and source, and
the PDF WeasyPrint makes from the same HTML; an issued pack is never changed.
"""

from __future__ import annotations

import copy
import hashlib
import mimetypes
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from trust_portal.accounts.models import Arrangement
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.approvals.models import State
from trust_portal.dashboards.figures import pack_blocks
from trust_portal.dashboards.models import IssuedPack, Snapshot
from trust_portal.dashboards.registry import pack_returns, pack_sections
from trust_portal.periods import financial_year_of
from trust_portal.webhooks.models import Event
from trust_portal.webhooks.services import event_record

THRESHOLD_MIN, THRESHOLD_MAX = 1, 100
# A table with more columns than this is printed on a landscape page.
WIDE_COLUMNS = 7
# The document WeasyPrint renders is given this base; only its /static/ files are served.
PDF_BASE_URL = "https://pack.invalid/"


def default_threshold() -> int:
    return settings.SCRUTINY_SMALL_COUNT


def month_text(month: date) -> str:
    return f"{month:%B %Y}"


# --- Assembling ------------------------------------------------------------------------------


def pack_assemble(*, arrangement: Arrangement, month: date, at=None) -> dict:
    """The pack's sections for a month from the snapshots in force (now, or at the moment
    ``at``), before any hiding.

    Returns plain JSON: the month, the arrangement, the approval state of the month's returns
    (as it stood at ``at``) and, per section, its heading, blocks, and the snapshot's
    computed_at and source.
    """
    key, year = f"{month:%Y-%m}", financial_year_of(month)
    registered = pack_sections()
    names = [section.name for section in registered]
    snapshots = {
        s.name: s
        for s in Snapshot.objects.filter(arrangement=arrangement, name__in=names).in_force(at)
    }
    sections = []
    for section in registered:
        snapshot = snapshots.get(section.name)
        blocks = pack_blocks(snapshot.data, month=key, financial_year=year) if snapshot else []
        sections.append(
            {
                "name": section.name,
                "title": section.title,
                "blocks": [_printable(block) for block in blocks],
                "empty": "" if blocks else section.missing.format(month=month_text(month)),
                "computed_at": snapshot.computed_at.isoformat() if snapshot else None,
                "computed_text": _when(snapshot.computed_at) if snapshot else "",
                "source": snapshot.source if snapshot else "",
            }
        )
    return {
        "month": key,
        "month_text": month_text(month),
        "financial_year": year,
        "arrangement": {"code": arrangement.code, "name": str(arrangement)},
        "approval": approval_state(arrangement=arrangement, month=month, at=at),
        "sections": sections,
    }


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local:%-d %B %Y}"


def _printable(block: dict) -> dict:
    """A chart prints as its table; its figure (unhidden numbers, drawn by JavaScript) goes."""
    if block.get("kind") != "chart":
        return block
    printable = {k: v for k, v in block.items() if k != "figure"}
    printable["kind"] = "table"
    printable["chart"] = True
    return printable


def approval_state(*, arrangement: Arrangement, month: date, at=None) -> list[dict]:
    """Whether each of the month's returns is approved (now, or at the moment ``at``: the
    latest revision approved by then, since replaced or not), in words (no draft's details)."""
    states = []
    for kind in pack_returns():
        revisions = kind.model.objects.filter(arrangement=arrangement, period=month)
        if at is None:
            revisions = revisions.filter(state=State.APPROVED)
        else:
            revisions = revisions.filter(
                state__in=(State.APPROVED, State.SUPERSEDED), approved_at__lte=at
            ).order_by("-revision")
        approved = revisions.only("revision", "approved_at").first()
        if approved is None:
            text = "Not approved: its figures are not in this pack"
        else:
            when = timezone.localtime(approved.approved_at) if approved.approved_at else None
            text = f"Approved{f' on {when:%-d %B %Y}' if when else ''}"
            if approved.revision > 1:
                text += f" (revision {approved.revision})"
        states.append({"return": kind.label, "approved": approved is not None, "text": text})
    return states


# --- Hiding small counts ---------------------------------------------------------------------


SPARKLINE_HIDDEN = "trend not shown"


def hidden_text(threshold: int) -> str:
    return f"fewer than {threshold}"


def is_small(value, threshold: int) -> bool:
    """A count from 1 to threshold − 1 (zero is shown: it identifies nobody)."""
    if isinstance(value, bool) or value is None:
        return False
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    return 0 < number < threshold


def pack_suppress(pack: dict, *, threshold: int) -> dict:
    """A deep copy of the pack with small counts, and percentages built on them, hidden."""
    hidden = copy.deepcopy(pack)
    hidden["threshold"] = threshold
    for section in hidden["sections"]:
        for block in section["blocks"]:
            if block.get("table"):
                _suppress_table(block["table"], threshold)
    return hidden


def _suppress_table(table: dict, threshold: int) -> None:
    columns = table["columns"]
    keys = [c["key"] for c in columns]
    counts = [i for i, c in enumerate(columns) if c.get("kind") == "count"]
    linked = [
        (i, [keys.index(k) for k in c.get("counts", []) if k in keys])
        for i, c in enumerate(columns)
        if c.get("kind") != "count" and c.get("counts")
    ]
    sparklines = [i for i, c in enumerate(columns) if c.get("kind") == "sparkline"]
    text = hidden_text(threshold)
    for row in table["rows"]:
        small = {i for i in counts if is_small(row[i], threshold)}
        for i in small:
            row[i] = text
        for i, sources in linked:
            if small.intersection(sources) and row[i] is not None:
                row[i] = text
        # A sparkline's words may name the month-by-month figures: not beside a hidden one.
        for i in sparklines if small else ():
            row[i] = SPARKLINE_HIDDEN


# --- Rendering -------------------------------------------------------------------------------


def pack_context(pack: dict, *, issued: IssuedPack | None = None, details: bool = False) -> dict:
    """What the pack's templates need from the hidden pack: page one (the blocks the sections
    mark ``front``, and the ``headline`` figures they carry), then each section with figures
    (each table's printed cells paired with their columns, for ``{% cell %}``), and one line
    naming the sections without. Columns marked ``pack: False`` (codes, the counts behind a
    value) are printed only with ``details``; once issued, its record."""
    front, headline, sections = [], [], []
    for section in pack["sections"]:
        blocks = []
        for block in section["blocks"]:
            headline += block.get("headline", [])
            shown_block = _shown_block(block, details=details)
            (front if block.get("front") else blocks).append(shown_block)
        wide = any(block.get("wide") for block in blocks)
        sections.append({**section, "blocks": blocks, "wide": wide})
    with_figures = [s for s in sections if s["blocks"]]
    without = [s["title"] for s in sections if not s["blocks"]]
    shown = {**pack, "sections": with_figures, "front": front, "headline": headline}
    shown["without"] = (
        f"No figures for {_listed(without)} in {pack['month_text']}." if without else ""
    )
    return {
        "pack": shown,
        "issued": issued,
        "details": details,
        "hidden_text": hidden_text(pack["threshold"]),
    }


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _shown_block(block: dict, *, details: bool) -> dict:
    """A block as printed: a table's columns (and their cells) that the pack prints."""
    if not block.get("table"):
        return block
    columns = block["table"]["columns"]
    keep = [i for i, c in enumerate(columns) if details or c.get("pack", True)]
    printed = [columns[i] for i in keep]
    return {
        **block,
        "wide": len(printed) > WIDE_COLUMNS and not block.get("front"),
        "columns": printed,
        "groups": _groups(printed),
        "cells": [[(row[i], columns[i]) for i in keep] for row in block["table"]["rows"]],
    }


def _groups(columns: list[dict]) -> list[tuple[str, int]]:
    """Column headings over runs of columns of one ``group`` (an area's value, RAG, change)."""
    if not any(c.get("group") for c in columns):
        return []
    groups: list[tuple[str, int]] = []
    for column in columns:
        label = column.get("group", "")
        if groups and groups[-1][0] == label:
            groups[-1] = (label, groups[-1][1] + 1)
        else:
            groups.append((label, 1))
    return groups


def pack_document_html(
    pack: dict, *, issued: IssuedPack | None = None, details: bool = False
) -> str:
    """The standalone document (no site navigation) that WeasyPrint turns into the PDF."""
    context = pack_context(pack, issued=issued, details=details)
    return render_to_string("dashboards/pack/document.html", context)


def pack_render(html: str):
    """The laid-out document WeasyPrint makes of the pack (``.pages``, ``.write_pdf()``)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=static_only_fetcher()).render()


def pack_pdf(html: str) -> bytes:
    return pack_render(html).write_pdf()


def static_file(url: str) -> Path | None:
    """The local static file a /static/… URL names (source folders or STATIC_ROOT), if any."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}/" != (
        PDF_BASE_URL
    ):
        return None
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL) or ".." in path.split("/"):
        return None
    relative = path.removeprefix(settings.STATIC_URL)
    found = finders.find(relative)
    if found is None and settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / relative
        found = str(candidate) if candidate.is_file() else None
    return Path(found) if found else None


def static_only_fetcher():
    """A WeasyPrint fetcher serving the local static files only; anything else is refused, so
    making a PDF never reaches the network or the rest of the file system. (Built on first use:
    importing WeasyPrint takes a third of a second.)"""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            found = static_file(url)
            if found is None:
                raise ValueError(f"The pack loads only its own static files, not {url}.")
            content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher()


# --- Issuing ---------------------------------------------------------------------------------


def pack_issue(
    *,
    by,
    arrangement: Arrangement,
    month: date,
    threshold: int,
    title: str = "",
    committee: str = "",
    meeting_date: date | None = None,
) -> IssuedPack:
    """Issue the month's pack: hide small counts, make the PDF, keep both as issued."""
    require(by, Action.EDIT, Kind.DASHBOARD, arrangement)
    if not THRESHOLD_MIN <= threshold <= THRESHOLD_MAX:
        raise ValidationError(
            {"threshold": f"Enter a size from {THRESHOLD_MIN} to {THRESHOLD_MAX}."}
        )
    pack = pack_suppress(pack_assemble(arrangement=arrangement, month=month), threshold=threshold)
    issued = IssuedPack(
        arrangement=arrangement,
        month=month,
        title=title.strip() or f"Scrutiny committee pack: {month_text(month)}",
        committee=committee.strip(),
        meeting_date=meeting_date,
        threshold=threshold,
        issued_by=by,
        issued_at=timezone.now(),
        data=pack,
        pdf=b"",
        sha256="",
    )
    # The PDF shows who issued it and when, so it is made from the unsaved record.
    pdf = pack_pdf(pack_document_html(pack, issued=issued))
    issued.pdf, issued.sha256 = pdf, hashlib.sha256(pdf).hexdigest()
    issued.full_clean()
    with transaction.atomic():
        issued.save()
        event_record(
            arrangement=arrangement,
            event=Event.PACK_ISSUED,
            api_url=reverse("pack-detail", args=[issued.pk]),
        )
    return issued
