"""The Excel template of a monthly return: downloaded pre-filled, filled in, uploaded back.

The upload is read with openpyxl in read-only mode (it streams the sheet, and parses the XML
with defusedxml) keeping formulas as formulas: none is ever evaluated. A cell holding one is
refused, because the value Excel saved beside it may not be what the sheet shows, and the
portal does its own sums. Rows and the unpacked size are bounded before anything is kept.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from performance.models import Indicator, Measurement, MonthlyReturn
from performance.rag import Status
from performance.services import returns
from trust_portal.approvals.services import ConcurrentChange
from trust_portal.numbers import digits_value
from trust_portal.spreadsheets import Limits, SpreadsheetRefused, check_xlsx, sheet_rows

SHEET = "Return"
MAX_BYTES = settings.WORKBOOK_UPLOAD_MAX_BYTES  # the upload form refuses bigger files
MAX_UNPACKED = 50 * 1024 * 1024  # an .xlsx is a zip: refuse one that would expand past this
MAX_ROWS = 2_000
MAX_SHARED_STRINGS = 20_000  # the template's text: a few hundred codes, names and comments

# The header block: a label in column A, its value in column B (locked: never typed).
TRUST_ROW, MONTH_ROW, REVISION_ROW, VERSION_ROW = 2, 3, 4, 5
COLUMNS_ROW, FIRST_ROW = 6, 7
COLUMNS = ["Indicator code", "Indicator", "Area", "Unit", "Numerator", "Denominator", "Commentary"]
CODE, NAME, AREA, UNIT, NUM, DEN, NOTE = range(len(COLUMNS))
LETTERS = "ABCDEFG"
WIDTHS = [26, 55, 8, 16, 13, 13, 60]

_GREY = PatternFill("solid", fgColor="D9D9D9")
_TO_FILL = PatternFill("solid", fgColor="FFF2CC")
_BOLD = Font(bold=True)
_OPEN = Protection(locked=False)

STALE = (
    "The draft has changed since this template was downloaded (someone saved it after), so "
    "nothing was saved. Download the template again, copy your figures into it, and upload "
    "that."
)


def filename_of(monthly_return: MonthlyReturn, extension: str = "xlsx") -> str:
    """NCT-performance-2019-03-r1.xlsx"""
    return (
        f"{monthly_return.arrangement.trust.code}-performance-"
        f"{monthly_return.period:%Y-%m}-r{monthly_return.revision}.{extension}"
    )


# --- Download ------------------------------------------------------------------------------


def _put(sheet, row: int, column: int, value, **style):
    cell = sheet.cell(row=row, column=column + 1, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # words from the database stay words, even ones starting "="
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def template_for(monthly_return: MonthlyReturn) -> bytes:
    """The return's template as .xlsx bytes: a header block saying which return it is, then
    one row per indicator and area with the current figures and commentary filled in."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    _header(sheet, monthly_return)
    _figure_rows(sheet, monthly_return)
    for column, width in enumerate(WIDTHS):
        sheet.column_dimensions[LETTERS[column]].width = width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    # A guard against slips, not security: no password, so anyone can lift it in Excel.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widening a column is still allowed
    sheet.protection.formatRows = False

    _instructions(book.create_sheet("Instructions"), monthly_return)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _header(sheet, monthly_return: MonthlyReturn) -> None:
    """The block naming the trust, month, revision and draft version, and the column titles."""
    arrangement = monthly_return.arrangement
    _put(sheet, 1, 0, str(monthly_return), font=Font(bold=True, size=14))
    _put(sheet, 1, 3, "Read the Instructions sheet first.")
    header = [
        (TRUST_ROW, "Trust code", arrangement.trust.code, arrangement.trust.name),
        (MONTH_ROW, "Month", f"{monthly_return.period:%Y-%m}", f"{monthly_return.period:%B %Y}"),
        (REVISION_ROW, "Revision", monthly_return.revision, "1: the original; 2 on: corrections"),
        (
            VERSION_ROW,
            "Version of the draft",
            monthly_return.lock_version,
            "Tells the portal whether the draft changed since this file was made",
        ),
    ]
    for row, label, value, words in header:
        _put(sheet, row, 0, label, font=_BOLD)
        _put(sheet, row, 1, value, fill=_GREY, alignment=Alignment(horizontal="left"))
        _put(sheet, row, 2, words)
    for column, title in enumerate(COLUMNS):
        _put(sheet, COLUMNS_ROW, column, title, font=_BOLD)


def _whole_number(sheet, row: int, column: int, value, validation) -> None:
    cell = _put(sheet, row, column, value, fill=_TO_FILL, protection=_OPEN, number_format="0")
    validation.add(cell.coordinate)


def _figure_rows(sheet, monthly_return: MonthlyReturn) -> None:
    """One row per indicator and area, with the saved figures and commentary filled in."""
    cells = returns.cells_of(monthly_return.arrangement, Indicator.objects.all())
    saved = {(m.indicator_id, m.area): m for m in monthly_return.measurements.all()}
    notes = {c.indicator_id: c.text for c in monthly_return.commentaries.all()}
    whole = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Whole numbers only",
        error="Type a whole number, 0 or more. Percentages are worked out for you.",
    )
    sheet.add_data_validation(whole)
    wrap = Alignment(wrap_text=True, vertical="top")
    seen = set()
    for row, (indicator, area) in enumerate(cells, start=FIRST_ROW):
        m = saved.get((indicator.pk, area))
        _put(sheet, row, CODE, indicator.code)
        _put(sheet, row, NAME, indicator.name)
        _put(sheet, row, AREA, area)
        _put(sheet, row, UNIT, indicator.get_unit_display().split(" (")[0])
        _whole_number(sheet, row, NUM, m.numerator if m else None, whole)
        if indicator.has_denominator:
            _whole_number(sheet, row, DEN, m.denominator if m else None, whole)
        else:
            _put(sheet, row, DEN, "n/a", fill=_GREY)
        if indicator.code in seen:
            _put(sheet, row, NOTE, None, fill=_GREY)  # one commentary per indicator
        else:
            seen.add(indicator.code)
            note = notes.get(indicator.pk)
            _put(sheet, row, NOTE, note, fill=_TO_FILL, protection=_OPEN, alignment=wrap)


def _instructions(sheet, monthly_return: MonthlyReturn) -> None:
    lines = [
        f"How to fill in this template: {monthly_return}",
        "",
        "1. Fill in the Return sheet. Only the yellow cells can be changed: the numerator, "
        "denominator and commentary columns. The rest is locked so that it is not changed by "
        "mistake.",
        "2. Type whole numbers only, 0 or more: no decimals, no percentage signs, no words. "
        "Leave a cell empty if you do not have the figure yet (an empty cell clears a figure "
        "saved before).",
        "3. Type the figures themselves. Do not use formulas (anything starting with =) or links "
        "to other workbooks: a cell holding a formula is refused when you upload the file.",
        "4. Do not change the indicator codes or areas, or the trust code, month, revision and "
        "version at the top of the Return sheet: they tell the portal which figure is which, "
        "and which return the file is for.",
        "5. You never type a percentage. The portal works it out: the numerator divided by the "
        "denominator, times 100, shown to one decimal place (for example 45 out of 50 is "
        "90.0%). A ratio, such as average caseload, is the numerator divided by the "
        "denominator. Counts and days are a single number, so their denominator shows n/a.",
        "6. Commentary: one for each indicator, in the Commentary column of the indicator's "
        "first row (its other rows are grey). It is needed when a figure is red against its "
        "target or has changed sharply since last month.",
        "7. The figures and commentary already saved in the portal are filled in. Uploading the "
        "file saves every row as a draft, replacing what was there. The councils see nothing "
        "until the return is submitted.",
        "8. If someone saves the draft in the portal after you download this file, your upload "
        "is refused so that their changes are not lost: download the template again.",
        "9. Keep the file as an Excel workbook (.xlsx), smaller than 5 MB. Upload it on the "
        "return's page: 'Upload a completed template'.",
    ]
    for row, line in enumerate(lines, start=1):
        cell = _put(sheet, row, 0, line, alignment=Alignment(wrap_text=True, vertical="top"))
        if row == 1:
            cell.font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110


# --- Upload --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """What a completed template says, as text for ``returns.return_save`` to check."""

    version: int
    figures: dict[tuple[str, str], tuple[str | None, str | None]]
    commentary: dict[str, str]
    # The spreadsheet row of each (code, area), so that errors can name the cell.
    rows: dict[tuple[str, str], int] = field(default_factory=dict)


def _text(value) -> str | None:
    """A cell's value as text: Excel stores every number as a float, so 12.0 is "12"; 12.5
    stays "12.5" for return_save to refuse."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return f"{value:%Y-%m}"  # a month retyped as a date
    if isinstance(value, date):
        return f"{value:%Y-%m}"
    text = str(value).strip()
    return text or None


def _is_formula(cell) -> bool:
    value = cell.value
    return cell.data_type == "f" or (isinstance(value, str) and value.lstrip().startswith("="))


def _limits() -> Limits:
    return Limits.from_settings(
        unpacked_bytes=MAX_UNPACKED,
        rows=MAX_ROWS,
        columns=len(COLUMNS),
        shared_strings=MAX_SHARED_STRINGS,
    )


def _open(data: bytes):
    """The workbook, once the shared guard has found it within the template's limits."""
    refused = "The file could not be read as an Excel workbook (.xlsx). Upload the template."
    try:
        check_xlsx(data, _limits())
    except SpreadsheetRefused as error:
        message = str(error)
        raise ValidationError(f"{message[0].upper()}{message[1:]}. Upload the template.") from None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # zip, XML or format errors alike
        raise ValidationError(refused) from error


def _sheet_rows(data: bytes) -> list[tuple[int, list]]:
    """The Return sheet's rows (number, first seven cells), no more than MAX_ROWS."""
    book = _open(data)
    try:
        if SHEET not in book.sheetnames:
            raise ValidationError(
                f"The workbook has no “{SHEET}” sheet. Upload the template downloaded from "
                "this return's page, with its sheets as they were."
            )
        rows = []
        cells = sheet_rows(book[SHEET], _limits(), columns=len(COLUMNS))
        for number, row in enumerate(cells, start=1):
            if number > MAX_ROWS:
                raise ValidationError(
                    f"The {SHEET} sheet has more than {MAX_ROWS:,} rows. Upload the template "
                    "with one row for each indicator and area."
                )
            rows.append((number, list(row)))
        return rows
    except ValidationError:
        raise
    except Exception as error:  # a broken sheet inside a readable zip
        raise ValidationError(
            "The file could not be read as an Excel workbook (.xlsx). Upload the template."
        ) from error
    finally:
        book.close()


def _month_words(text: str | None) -> str:
    try:
        return f"{datetime.strptime(text or '', '%Y-%m'):%B %Y}"
    except ValueError:
        return text or "an unknown month"


def _check_header(cells: dict[int, list], monthly_return: MonthlyReturn) -> int:
    """The version the file was made from, once the header says it is for this return."""
    for row in (TRUST_ROW, MONTH_ROW, REVISION_ROW, VERSION_ROW):
        if _is_formula(cells[row][1]):
            raise ValidationError(f"Cell B{row} holds a formula. Download the template again.")
    trust, month, revision, version = (
        _text(cells[row][1].value) for row in (TRUST_ROW, MONTH_ROW, REVISION_ROW, VERSION_ROW)
    )
    expected = (
        monthly_return.arrangement.trust.code,
        f"{monthly_return.period:%Y-%m}",
        str(monthly_return.revision),
    )
    this = f"{expected[0]}'s return for {monthly_return.period:%B %Y} (revision {expected[2]})"
    if not (trust and month and revision):
        raise ValidationError(
            f"The trust code, month and revision at the top of the {SHEET} sheet (cells B2 to "
            f"B4) are missing. Download the template for {this} and fill that in."
        )
    if (trust, month, revision) != expected:
        raise ValidationError(
            f"This file is the template for {trust}'s return for {_month_words(month)} "
            f"(revision {revision}), not for {this}. Upload it on that return's page, or "
            "download this return's template."
        )
    number = digits_value(version)
    if number is None:
        raise ValidationError(
            f"Cell B{VERSION_ROW} (the version of the draft) has been changed. Download the "
            "template again."
        )
    return number


def read_upload(file, *, monthly_return: MonthlyReturn) -> Upload:
    """Read a completed template for this return; every problem found is raised together,
    each naming its spreadsheet cell. Whether the figures are whole numbers is for
    ``returns.return_save`` to say."""
    upload, problems = _read(file, monthly_return=monthly_return)
    if problems:
        raise ValidationError(problems)
    return upload


def _formula_error(column: int, number: int) -> str:
    what = "commentary" if column == NOTE else "figure" if column in (NUM, DEN) else "code"
    return f"Cell {LETTERS[column]}{number} holds a formula; type the {what} itself."


def _read(file, *, monthly_return: MonthlyReturn) -> tuple[Upload, list[str]]:
    """(what the file says, the problems in its cells). A file that is not this return's
    template at all is refused at once."""
    data = file.read() if hasattr(file, "read") else bytes(file)
    rows = _sheet_rows(data)
    padded = dict(rows)
    header = {n: padded.get(n, [EMPTY_CELL] * len(COLUMNS)) for n in range(1, FIRST_ROW)}
    version = _check_header(header, monthly_return)

    indicators = {
        (indicator.code, area): indicator
        for indicator, area in returns.cells_of(monthly_return.arrangement, Indicator.objects.all())
    }
    errors: list[str] = []
    figures, commentary, places, first_rows = {}, {}, {}, {}
    for number, cells in rows:
        if number < FIRST_ROW:
            continue
        formulas = [i for i in (CODE, AREA, NUM, DEN, NOTE) if _is_formula(cells[i])]
        errors += [_formula_error(i, number) for i in formulas]
        values = [None if i in formulas else _text(c.value) for i, c in enumerate(cells)]
        if not any(values):
            continue
        code, area = values[CODE], values[AREA]
        indicator = indicators.get((code, area))
        if indicator is None:
            if CODE not in formulas and AREA not in formulas:
                errors.append(
                    f"Row {number} (cells A{number} and C{number}): this return has no "
                    f"indicator {code or '(blank)'} for area {area or '(blank)'}. Do not change "
                    "the indicator codes or areas."
                )
            continue
        if (code, area) in places:
            errors.append(
                f"Row {number}: {indicator.name} ({area}) is on row {places[(code, area)]} "
                "already. Keep one row for each indicator and area."
            )
            continue
        places[(code, area)] = number
        figures[(code, area)] = (
            values[NUM],
            values[DEN] if indicator.has_denominator else None,
        )
        if code not in first_rows:
            first_rows[code] = number
            if NOTE not in formulas:
                commentary[code] = values[NOTE] or ""
        elif values[NOTE]:
            errors.append(
                f"Cell G{number}: put the commentary on {indicator.name} on its first row "
                f"(cell G{first_rows[code]}); there is one commentary for each indicator."
            )
    if not figures and not errors:
        errors.append(f"The {SHEET} sheet has no rows of figures. Upload the template.")
    return Upload(version=version, figures=figures, commentary=commentary, rows=places), errors


def upload_messages(error: ValidationError, upload: Upload) -> list[str]:
    """return_save's errors ("CODE.AREA" or "CODE.AREA.den") as spreadsheet cells."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    names = dict(Indicator.objects.values_list("code", "name"))
    result = []
    for key, messages in error.message_dict.items():
        code, _, rest = key.partition(".")
        area, _, part = rest.partition(".")
        row = upload.rows.get((code, area))
        where = f"{names.get(code, code)}, {area}"
        if row is not None:
            where = f"Cell {LETTERS[DEN if part == 'den' else NUM]}{row} ({where})"
        result += [f"{where}: {message}" for message in messages]
    return result


class _Refused(Exception):
    """Rolls back a save made only to find the figures' own errors."""


def upload_save(*, by, monthly_return: MonthlyReturn, file) -> int:
    """Read a completed template and save it as the draft's figures; how many figures it
    held. Nothing is saved unless everything in the file is right."""
    upload, problems = _read(file, monthly_return=monthly_return)
    try:
        # Even when reading found problems (a formula, say) the figures are checked, so that
        # one upload lists every problem; what was saved is then rolled back.
        with transaction.atomic():
            returns.return_save(
                by=by,
                monthly_return=monthly_return,
                expected_version=upload.version,
                figures=upload.figures,
                commentary=upload.commentary,
                source=Measurement.Source.EXCEL,
            )
            if problems:
                raise _Refused
    except _Refused:
        monthly_return.refresh_from_db(fields=["lock_version"])  # the save was undone
        raise ValidationError(problems) from None
    except ConcurrentChange as error:
        raise ConcurrentChange(STALE) from error
    except ValidationError as error:
        raise ValidationError(problems + upload_messages(error, upload)) from error
    return sum(1 for numerator, _ in upload.figures.values() if numerator is not None)


# --- CSV -----------------------------------------------------------------------------------

_RAG = {Status.GREEN: "Green", Status.AMBER: "Amber", Status.RED: "Red", Status.NONE: "Context"}
CSV_HEADER = [
    "Indicator code",
    "Indicator",
    "Area",
    "Numerator",
    "Denominator",
    "Value",
    "RAG",
    "Source",
]


def figures_table(monthly_return: MonthlyReturn, at=None) -> list[list]:
    """The return's cells as rows for the CSV download (value to one decimal place); rated as
    at the past moment ``at``, if given (``returns.return_rows``)."""
    table = []
    for row in returns.return_rows(monthly_return, at=at):
        m, rating = row.measurement, row.rating
        shown = rating.display()
        if rating.status == Status.GREY:
            rag = "No data" if shown is None else "No target"
        else:
            rag = _RAG[rating.status]
        table.append(
            [
                row.indicator.code,
                row.indicator.name,
                row.area,
                m.numerator if m else None,
                m.denominator if m else None,
                shown,
                rag,
                m.get_source_display() if m else None,
            ]
        )
    return table
