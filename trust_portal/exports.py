"""Tables as downloadable files: CSV and Excel, from the same header and rows.

Every table a page shows can be downloaded both ways (``table_response``). Text that a
spreadsheet would read as a formula is neutralised in both; numbers stay numbers (a negative
variance must not turn into text), and money keeps its pence.
"""

import csv
import re
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse

# A cell starting with one of these is read as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBERS = (int, float, Decimal)


def _safe(value) -> str:
    if isinstance(value, NUMBERS) and not isinstance(value, bool):
        return str(value)
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


def xlsx_response(filename: str, header: list[str], rows, *, title: str = "Data") -> HttpResponse:
    """An Excel download: one sheet, a bold frozen header, money as numbers with pence."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    # Excel refuses these characters in a sheet's name (a "2024/25" title, say).
    sheet.title = re.sub(r"[\\/?*\[\]:]", "-", title)[:31] or "Data"
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=False):
            if isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(value, date | datetime):
                cell.number_format = "yyyy-mm-dd"
    for column in sheet.columns:
        width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    out = BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_value(value):
    if value is None or isinstance(value, bool | date | datetime):
        return value
    if isinstance(value, NUMBERS):
        return value
    # Strings are never formulas here: openpyxl would store "=…" as one.
    return _safe(value)


def table_response(fmt: str, basename: str, header: list[str], rows, *, title: str = "Data"):
    """``fmt`` is "csv" or "xlsx" (anything else is "csv")."""
    if fmt == "xlsx":
        return xlsx_response(f"{basename}.xlsx", header, rows, title=title)
    return csv_response(f"{basename}.csv", header, rows)
