"""Check a child-level extract and print its indicators, storing nothing.

    python manage.py compute_child_extract PATH --as-at 2024-03-31 --trust NCT [--format table]

A rejected file prints its error report (never a child id) and exits with status 1.
"""

import argparse
import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from performance.extract import (
    COUNTS,
    INDICATORS,
    ExtractRejected,
    check_and_compute,
)
from performance.services.uploads import extract_settings
from trust_portal.accounts.models import Arrangement


def as_at_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"use a date written YYYY-MM-DD, not {text!r}") from None


def figure_text(code: str, figure: dict) -> str:
    numerator, denominator = figure["numerator"], figure["denominator"]
    if code in COUNTS:
        return str(numerator)
    if not denominator:
        return "no data"
    if code == "AVERAGE_CASELOAD":  # children per worker, not a percentage
        return f"{numerator}/{denominator} ({numerator / denominator:.1f} each)"
    return f"{numerator}/{denominator} ({100 * numerator / denominator:.1f}%)"


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def result_table(result: dict) -> str:
    areas = list(result["areas"])
    rows = [["indicator", *areas]]
    for code in INDICATORS:
        rows.append([code, *(figure_text(code, result["areas"][a][code]) for a in areas)])
    return f"Trust {result['trust']}, as at {result['as_at']}\n\n{table(rows)}"


def errors_table(errors) -> str:
    rows = [["row", "column", "value", "reason"]]
    for e in errors:
        rows.append(["" if e.row is None else str(e.row), e.column or "", e.value or "", e.reason])
    return table(rows)


class Command(BaseCommand):
    help = "Check a child-level extract (CSV or XLSX) and print its indicators; stores nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The extract: a .csv or .xlsx file.")
        parser.add_argument(
            "--as-at", required=True, type=as_at_date, help="Last day of the month, YYYY-MM-DD."
        )
        parser.add_argument("--trust", required=True, help="The trust's code, e.g. NCT.")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args, path, as_at, trust, format, **options):
        try:
            arrangement = Arrangement.objects.get(trust__code=trust)
        except Arrangement.DoesNotExist:
            raise CommandError(f"No trust arrangement has the code {trust!r}.") from None
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        areas = [council.code for council in arrangement.councils.order_by("code")]
        try:
            result = check_and_compute(
                path,
                filename=path.name,
                as_at=as_at,
                areas=areas,
                settings=extract_settings(arrangement, as_at),
            )
        except ExtractRejected as rejected:
            if format == "json":
                report = {"errors": [error.__dict__ for error in rejected.errors]}
                self.stdout.write(json.dumps(report, indent=2))
            else:
                self.stdout.write(errors_table(rejected.errors))
            # Exit status 1, with the report above on stdout.
            raise CommandError(str(rejected), returncode=1) from None
        result = {"as_at": result["as_at"], "trust": arrangement.code, "areas": result["areas"]}
        if format == "json":
            self.stdout.write(json.dumps(result, indent=2))
        else:
            self.stdout.write(result_table(result))
