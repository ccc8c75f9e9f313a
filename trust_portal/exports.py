"""Tables as downloadable files. Later features add Excel beside CSV here."""

import csv

from django.http import HttpResponse

# A cell starting with one of these is read as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    """A CSV download (UTF-8 with BOM, so Excel shows accents and £ correctly)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return response
