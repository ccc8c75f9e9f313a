"""Benchmarks: the England average, the statistical neighbours' average and the joint area's
own published figure of an indicator for a financial year, entered one at a time or imported
from a CSV file.

Each names its source (publication and table). A published figure that covers more than one
council (DfE's workforce figures cover North and West Northamptonshire together) is the joint
area's (kind ``joint_area``), for ALL only: it is set beside the whole arrangement's figure,
never one council's. Every change is kept in the history, a change with its reason,
and queues the dashboards' recompute.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from performance.models import ALL_AREAS, Benchmark, Indicator
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.dashboards.services import snapshot_queue_recompute
from trust_portal.numbers import digits_value
from trust_portal.periods import financial_year_label

COLUMNS = ["indicator", "financial_year", "kind", "area", "value", "source", "note"]
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_ROWS = 5000
MAX_BYTES = settings.BENCHMARKS_UPLOAD_MAX_BYTES
TEMPLATE_ROWS = [
    [
        "CIN_VISIT_IN_TIME",
        "2024",
        "england",
        "ALL",
        "85.5",
        "Publication name, year, table number",
        "",
    ],
    [
        "WORKFORCE_VACANCY_RATE",
        "2024",
        "joint_area",
        "ALL",
        "31.7",
        "Publication name, year, table number",
        "The published figure covers North and West Northamptonshire together",
    ],
]


def areas_allowed(arrangement) -> list[str]:
    return [ALL_AREAS, *(c.code for c in arrangement.councils.order_by("code"))]


def benchmark_check(
    *,
    arrangement,
    indicator: Indicator | None,
    financial_year: int | None,
    kind: str,
    area: str,
    value: Decimal | None,
    source: str,
    areas: list[str] | None = None,
) -> dict[str, str]:
    """The problems with one benchmark's fields, by field name (none: an empty dict). A field
    given as None is left unchecked (it has a problem of its own already)."""
    errors = {}
    if financial_year is not None and not FIRST_YEAR <= financial_year <= LAST_YEAR:
        errors["financial_year"] = (
            f"Enter the year the financial year starts, from {FIRST_YEAR} to {LAST_YEAR} "
            "(2024 means 2024/25)."
        )
    if kind not in Benchmark.Kind.values:
        errors["kind"] = "Choose england, statistical_neighbours or joint_area."
    allowed = areas if areas is not None else areas_allowed(arrangement)
    if area not in allowed:
        errors["area"] = f"Use one of {', '.join(allowed)}."
    elif kind == Benchmark.Kind.JOINT_AREA:
        errors.update(_joint_area_problems(allowed, area))
    if value is None:
        pass
    elif value < 0:
        errors["value"] = "A benchmark cannot be negative."
    elif indicator is not None and indicator.unit == Indicator.Unit.PERCENTAGE and value > 100:
        errors["value"] = f"{indicator.name} is a percentage: enter a value from 0 to 100."
    elif value != value.quantize(Decimal("0.01")) or abs(value) >= Decimal("10000000"):
        errors["value"] = "Enter a number with at most 2 decimal places, below 10,000,000."
    if not source.strip():
        errors["source"] = "Say which publication and table the figure comes from."
    return errors


def _joint_area_problems(allowed: list[str], area: str) -> dict[str, str]:
    """A joint area's figure is for the councils together: for ALL, never one council, and
    only where the arrangement has more than one council."""
    if len(allowed) < 3:  # ALL and one council
        return {
            "kind": "A joint area's figure covers more than one council: this arrangement "
            "has one. Choose england or statistical_neighbours."
        }
    if area != ALL_AREAS:
        return {
            "area": f"A joint area's figure is for the councils together: use {ALL_AREAS}, "
            "not one council."
        }
    return {}


def _clashes(arrangement, benchmark, **key) -> bool:
    """Another benchmark already stands for this ``key``: indicator, year, kind and area."""
    clash = Benchmark.objects.filter(arrangement=arrangement, **key)
    if benchmark is not None:
        clash = clash.exclude(pk=benchmark.pk)
    return clash.exists()


@transaction.atomic
def benchmark_save(
    *,
    by,
    arrangement,
    indicator: Indicator,
    financial_year: int,
    kind: str,
    area: str = ALL_AREAS,
    value: Decimal,
    source: str,
    note: str = "",
    reason: str = "",
    benchmark: Benchmark | None = None,
) -> Benchmark:
    """Add a benchmark, or change ``benchmark`` (a change needs a reason, kept in its
    history). A new one for an indicator, year, kind and area that already has one is refused:
    change that one instead."""
    if by is not None:
        require(by, Action.EDIT, Kind.TARGET, arrangement)
    area = (area or ALL_AREAS).strip().upper()
    # What names a benchmark: one stands for each indicator, year, kind and area.
    key = {"indicator": indicator, "financial_year": financial_year, "kind": kind, "area": area}
    errors = benchmark_check(arrangement=arrangement, **key, value=value, source=source)
    if benchmark is not None and not reason.strip():
        errors["reason"] = "Say why the benchmark changes."
    if not errors and _clashes(arrangement, benchmark, **key):
        errors["financial_year"] = (
            f"{indicator.name} already has a {Benchmark.Kind(kind).label.lower()} for "
            f"{area} in {financial_year_label(financial_year)}: change that one instead."
        )
    if errors:
        raise ValidationError(errors)
    if benchmark is None:
        benchmark = Benchmark(arrangement=arrangement)
        benchmark._change_reason = reason.strip() or "Entered"
    else:
        benchmark._change_reason = reason.strip()
    for field, given in {**key, "value": value}.items():
        setattr(benchmark, field, given)
    benchmark.source = source.strip()
    benchmark.note = note.strip()
    benchmark.entered_by = by
    benchmark.full_clean()
    benchmark.save()
    snapshot_queue_recompute(arrangement=arrangement)
    return benchmark


# --- CSV import ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    value: str
    reason: str

    def __str__(self):
        where = f"Row {self.row}" + (f", {self.column}" if self.column else "")
        shown = f" (“{self.value}”)" if self.value else ""
        return f"{where}{shown}: {self.reason}"


class ImportRefused(ValidationError):
    """The file had problems; nothing was saved. ``errors`` lists each with its row."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__([str(e) for e in errors])


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def _parse(arrangement, text: str) -> tuple[list[dict], list[RowError]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header and c != "note"]
    if missing:
        return [], [
            RowError(
                1,
                "",
                "",
                f"The header must name the columns {', '.join(COLUMNS)} "
                f"(missing: {', '.join(missing)}).",
            )
        ]
    indicators = {i.code: i for i in Indicator.objects.all()}
    areas = areas_allowed(arrangement)
    rows, errors, seen = [], [], {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank line: skipped, but still counted as a spreadsheet does
        if number - 1 > MAX_ROWS:
            errors.append(RowError(number, "", "", f"The file has more than {MAX_ROWS} rows."))
            break
        cell = dict(zip(header, (c.strip() for c in cells), strict=False))
        row, problems = _parse_row(arrangement, number, cell, indicators, areas)
        if not problems:
            key = (cell.get("indicator", "").upper(), row["financial_year"], row["kind"])
            key += (row["area"],)
            if key in seen:
                problems.append(RowError(number, "", "", f"The same benchmark as row {seen[key]}."))
            seen[key] = number
        errors += problems
        if not problems:
            rows.append(row)
    if not rows and not errors:
        errors.append(RowError(2, "", "", "The file has no benchmarks in it."))
    return rows, errors


def _parse_row(arrangement, number: int, cell: dict, indicators: dict, areas) -> tuple:
    """One row's benchmark and the problems found in it (row numbers as a spreadsheet's)."""
    problems = []
    indicator = indicators.get(cell.get("indicator", "").upper())
    if indicator is None:
        problems.append(
            RowError(number, "indicator", cell.get("indicator", ""), "No indicator has this code.")
        )
    year_text = cell.get("financial_year", "")
    year = digits_value(year_text)
    if year is None:
        problems.append(
            RowError(
                number,
                "financial_year",
                year_text,
                "Enter the year the financial year starts, such as 2024.",
            )
        )
    kind = cell.get("kind", "").lower()
    area = (cell.get("area", "") or ALL_AREAS).upper()
    value_text = cell.get("value", "").replace(",", "")
    try:
        value = Decimal(value_text)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        value = None
        problems.append(RowError(number, "value", cell.get("value", ""), "Enter a number."))
    source = cell.get("source", "")
    key = {"indicator": indicator, "financial_year": year, "kind": kind, "area": area}
    found = benchmark_check(arrangement=arrangement, **key, value=value, source=source, areas=areas)
    shown = {
        "financial_year": year_text,
        "kind": cell.get("kind", ""),
        "area": cell.get("area", ""),
        "value": cell.get("value", ""),
        "source": "",
    }
    problems += [RowError(number, k, shown[k], v) for k, v in found.items()]
    row = {**key, "value": value, "source": source, "note": cell.get("note", "")}
    return row, problems


@transaction.atomic
def benchmark_import(*, by, arrangement, raw: bytes) -> tuple[int, int]:
    """Add or update every benchmark in a CSV file: (added, updated). Every problem is
    collected with its row number; if there is any, nothing is saved (ImportRefused)."""
    if by is not None:
        require(by, Action.EDIT, Kind.TARGET, arrangement)
    if len(raw) > MAX_BYTES:
        raise ImportRefused([RowError(1, "", "", "The file must be smaller than 1 MB.")])
    rows, errors = _parse(arrangement, _text(raw))
    if errors:
        raise ImportRefused(errors)
    added = updated = 0
    for row in rows:
        existing = Benchmark.objects.filter(
            arrangement=arrangement,
            indicator=row["indicator"],
            financial_year=row["financial_year"],
            kind=row["kind"],
            area=row["area"],
        ).first()
        if existing is None:
            benchmark = Benchmark(arrangement=arrangement, **row)
            added += 1
        else:
            unchanged = (existing.value, existing.source, existing.note) == (
                row["value"],
                row["source"],
                row["note"],
            )
            if unchanged:
                continue
            benchmark = existing
            for name, value in row.items():
                setattr(benchmark, name, value)
            updated += 1
        benchmark.entered_by = by
        benchmark._change_reason = "Imported from a CSV file"
        benchmark.full_clean()
        benchmark.save()
    snapshot_queue_recompute(arrangement=arrangement)
    return added, updated


def benchmarks_of(arrangement) -> dict[tuple[str, str, str, int], Benchmark]:
    """{(indicator code, kind, area, financial year): benchmark}, one query (for builders)."""
    rows = Benchmark.objects.filter(arrangement=arrangement).select_related("indicator")
    return {(b.indicator.code, b.kind, b.area, b.financial_year): b for b in rows}
