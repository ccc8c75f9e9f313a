"""The child-level extract: read the file, check every rule, compute the indicators.

The contract is ../shared/CHILD_EXTRACT.md (the file format, what is rejected, how each indicator
is computed); this module implements it as plain functions, without Django, so the upload job,
the ``compute_child_extract`` command and the benchmark all run the same code.

Privacy: child-level data is personal data about vulnerable children, and no ``child_id`` leaves
this module. Child ids are read only to find duplicate episodes; an error never carries one (an
error in the ``child_id`` column has no value, the duplicate rule names the first row instead of
the child, and a value in another column that is also a child id of the same file is hidden), the
result holds aggregate counts only, and nothing here logs. Callers keep the same rule: an
``ExtractRejected`` carries ``ExtractError`` rows, which are safe to show, store and download.

Speed: a 1,000,000-row file is checked and computed in a few times the time pandas needs just to
read it (bench/child_extract.py). Every column is factorised once (its distinct values, and one
integer code per row); checks and date parsing run on the distinct values, and the indicators are
numpy masks counted per area with ``bincount``. No per-row Python loop runs except over rows that
are reported as errors.

Decisions the spec leaves open, taken here (and tested):
- Cells are trimmed of surrounding spaces; a cell of spaces only is blank.
- Wholly blank rows (every column this module reads is blank, as spreadsheets leave after the
  data) are skipped; row numbers still count them, as a spreadsheet does.
- ``category`` and ``area`` must match their codes exactly (upper case); ``last_visit_seen_alone``
  accepts ``Y``/``N`` in either case.
- A date is ``YYYY-MM-DD`` or ``DD/MM/YYYY`` as ``pandas.to_datetime`` reads those formats, which
  also allows a month or day without its leading zero (``2019-3-1``, ``1/3/2019``). An impossible
  date such as ``31/02/2019`` is not a date.
- Counts are of rows (child episodes), as every rule in the spec is stated for one row; a child
  with two open episodes counts twice. So every figure except the two caseload ones adds up
  across areas.
- "Seen alone" needs a visit: a child with no ``last_visit_date`` is not seen alone, even when the
  episode is recent enough to be in time and the cell says ``Y``.
- The caseload figures of an area count each worker's open children in that area only; for "ALL"
  they are computed over every row (a worker holding cases in both areas counts once, with all
  their children), never summed.
- An assessment counts in the month it was completed whether or not its episode is open, once
  per row.
"""

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from performance.working_days import count_working_days
from trust_portal.spreadsheets import Limits, SpreadsheetRefused, check_csv, check_xlsx, sheet_rows

COLUMNS = (
    "child_id",
    "area",
    "category",
    "worker_id",
    "episode_start",
    "episode_end",
    "last_visit_date",
    "last_visit_seen_alone",
    "plan_due_date",
    "assessment_start",
    "assessment_completed",
)
REQUIRED = ("child_id", "area", "category", "episode_start")
DATE_COLUMNS = (
    "episode_start",
    "episode_end",
    "last_visit_date",
    "plan_due_date",
    "assessment_start",
    "assessment_completed",
)
CATEGORIES = ("CIN", "CP", "LAC", "CL")

INDICATORS = (
    "CIN_VISIT_IN_TIME",
    "CIN_SEEN_ALONE",
    "CIN_PLAN_IN_TIME",
    "CP_VISIT_IN_TIME",
    "CP_SEEN_ALONE",
    "LAC_VISIT_IN_TIME",
    "LAC_PLAN_IN_TIME",
    "CL_IN_TOUCH",
    "CL_PATHWAY_PLAN_IN_TIME",
    "ASSESSMENT_IN_45_WD",
    "UNALLOCATED_CASES",
    "OPEN_CASES",
    "OPEN_CIN",
    "OPEN_CP",
    "OPEN_LAC",
    "OPEN_CL",
    "AVERAGE_CASELOAD",
    "WORKERS_OVER_CASELOAD",
)
# Plain counts: their denominator is None.
COUNTS = frozenset(
    {"UNALLOCATED_CASES", "OPEN_CASES", "OPEN_CIN", "OPEN_CP", "OPEN_LAC", "OPEN_CL"}
)
# One worker may hold cases in several areas, so "ALL" is computed, never summed.
NOT_ADDITIVE = frozenset({"AVERAGE_CASELOAD", "WORKERS_OVER_CASELOAD"})
ALL = "ALL"

ASSESSMENT_WORKING_DAYS = 45
MAX_ROWS = 2_000_000

NOT_A_DATE = "not a date (use YYYY-MM-DD or DD/MM/YYYY)"
DUPLICATE = "the same child, category and episode start appears more than once (first at row {})"
HIDDEN = " (value hidden: it is also a child_id in this file)"

_BOM = b"\xef\xbb\xbf"
_SHEET_ROW = "row"  # the index name read_extract gives the spreadsheet row numbers
# A cell starting with one of these is read as a formula by spreadsheet programs (as in
# trust_portal/exports.py, which this module cannot import without Django).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExtractSettings:
    """A trust's own visit frequencies (days, by category) and caseload limit."""

    visit_days: dict = field(default_factory=lambda: {"CIN": 28, "CP": 14, "LAC": 42, "CL": 56})
    caseload_limit: int = 20


@dataclass(frozen=True)
class ExtractError:
    """One broken rule: the row as a spreadsheet shows it (header = 1; None for the whole file),
    the column, the offending value (never a child id) and why."""

    row: int | None
    column: str | None
    value: str | None
    reason: str


class ExtractRejected(Exception):
    """The file breaks at least one rule; ``errors`` lists every broken rule, in row order."""

    def __init__(self, errors: list[ExtractError]):
        self.errors = errors
        super().__init__(f"The extract was rejected: {len(errors)} error(s).")


def _reject(reason: str, *, row: int | None = None, column: str | None = None):
    # "from None": a reader's own exception may quote the row's cells, so it must never show
    # in a traceback or a log as the cause of this one.
    error = ExtractError(row=row, column=column, value=None, reason=reason)
    raise ExtractRejected([error]) from None


# --- Reading -------------------------------------------------------------------------------


def read_extract(source, *, filename: str, limits: Limits | None = None) -> pd.DataFrame:
    """The extract's columns (names trimmed and lower-cased; others dropped) as text.

    ``source`` is a path or a binary file-like object; ``filename`` says whether it is CSV or
    XLSX. Every cell is a string, blank ``""``; the index, named ``row``, is each row's number
    as a spreadsheet shows it. Raises ``ExtractRejected`` when the file cannot be read at all,
    or is past one of ``limits`` (the SPREADSHEET_* settings when not given; and never more than
    ``MAX_ROWS`` rows), checked before it is parsed (trust_portal/spreadsheets.py).
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        _reject("the file must be a CSV (.csv) or Excel (.xlsx) file")
    if isinstance(source, str | Path):
        data = Path(source).read_bytes()
    else:
        data = source.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
    limits = limits or Limits.from_settings()
    limits = replace(
        limits, rows=min(limits.rows, MAX_ROWS), csv_rows=min(limits.csv_rows, MAX_ROWS)
    )
    try:
        if suffix == ".xlsx":
            check_xlsx(data, limits)
            frame = _read_xlsx(data, limits)
        else:
            check_csv(data, limits)
            frame = _read_csv(data)
    except SpreadsheetRefused as refused:
        _reject(str(refused))
    if len(frame) > MAX_ROWS:
        _reject(f"the file has more than {MAX_ROWS:,} rows")
    return frame


def _column_name(name) -> str:
    return ("" if name is None else str(name)).replace("\ufeff", "").strip().lower()


def _known_columns(names) -> dict[str, int]:
    """{column: position} of the columns this module reads; a name twice is an error."""
    positions = {}
    for position, name in enumerate(names):
        name = _column_name(name)
        if name in COLUMNS:
            if name in positions:
                _reject("the column appears more than once", column=name)
            positions[name] = position
    return positions


def _read_csv(data: bytes) -> pd.DataFrame:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if not data.strip():
        _reject("the file is empty (it needs a header row)")
    options = {"dtype": str, "keep_default_na": False}
    frame = None
    # pyarrow's reader is the fastest but skips blank lines, which would shift the row numbers
    # after them; the C reader keeps them (and reads what pyarrow refuses, e.g. short rows).
    if b"\n\n" not in data and b"\n\r\n" not in data:
        try:
            frame = pd.read_csv(io.BytesIO(data), engine="pyarrow", **options)
        except Exception:  # noqa: BLE001  (any refusal: the C reader decides, with a row number)
            frame = None
    if frame is None:
        try:
            frame = pd.read_csv(
                io.BytesIO(data), engine="c", skip_blank_lines=False, index_col=False, **options
            )
        except UnicodeDecodeError:
            _reject("the file is not UTF-8 text (save it as 'CSV UTF-8')")
        except ValueError as error:  # pandas' ParserError among others
            _reject_unreadable_csv(str(error))
    positions = _known_columns(frame.columns)
    frame = frame.iloc[:, list(positions.values())]
    frame.columns = list(positions)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name=_SHEET_ROW)
    return frame


def _reject_unreadable_csv(message: str):
    """Say where the C reader stopped, from its message, which never shows a cell (pyarrow's
    messages do, so they are never passed on)."""
    longer = re.search(r"Expected \d+ fields in line (\d+)", message)
    if longer:
        _reject("the row has more cells than the header row", row=int(longer.group(1)))
    unclosed = re.search(r"EOF inside string starting at row (\d+)", message)
    if unclosed:  # counted from 0 at the header
        row = int(unclosed.group(1)) + 1
        _reject("a quoted cell starting in this row is never closed", row=row)
    _reject("the file could not be read as CSV")


def _cell_text(value) -> str:
    """An Excel cell as the text the CSV export of the same sheet would show."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        # Excel stores a date as a datetime at midnight; a time of day makes it not a date.
        return value.date().isoformat() if value.time() == time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, limits: Limits) -> pd.DataFrame:
    from openpyxl import load_workbook

    # Read-only streams the sheet; data_only reads the values Excel saved for formulas and never
    # evaluates one. openpyxl parses the XML with defusedxml when it is installed.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (zip, XML or format errors alike)
        _reject("the file could not be read as an Excel workbook (.xlsx)")
    try:
        if not workbook.worksheets:
            _reject("the workbook has no sheet")
        rows = sheet_rows(workbook.worksheets[0], limits, values_only=True)
        header = next(rows, None)
        if header is None:
            _reject("the first sheet is empty (it needs a header row)")
        positions = _known_columns(header)
        picked = list(positions.values())
        numbers, cells = [], []
        for number, row in enumerate(rows, start=2):
            values = [_cell_text(row[p]) if p < len(row) else "" for p in picked]
            numbers.append(number)
            cells.append(values)
    finally:
        workbook.close()
    frame = pd.DataFrame(cells, columns=list(positions), dtype="str")
    frame.index = pd.Index(numbers, dtype=np.int64, name=_SHEET_ROW)
    return frame


# --- Checking ------------------------------------------------------------------------------


class _Column:
    """A column factorised: ``codes`` (one per row) into ``values`` (distinct, trimmed)."""

    def __init__(self, series: pd.Series | None, length: int):
        if series is None:
            self.codes = np.zeros(length, dtype=np.intp)
            self.values = np.array([""], dtype=object)
            return
        if not isinstance(series.dtype, pd.StringDtype):
            series = series.astype("str")
        codes, uniques = pd.factorize(series.str.strip())
        values = np.asarray(uniques, dtype=object)
        codes = np.asarray(codes, dtype=np.intp)
        if (codes < 0).any():  # missing cells (NaN, as in short rows) are blank
            values = np.append(values, "")
            codes = np.where(codes < 0, len(values) - 1, codes)
        self.codes = codes
        self.values = values

    def each(self, function, dtype) -> np.ndarray:
        """``function`` applied to each distinct value, spread back to the rows."""
        return np.array([function(v) for v in self.values], dtype=dtype)[self.codes]

    @property
    def blank(self) -> np.ndarray:
        return (self.values == "")[self.codes]

    def text(self, index: np.ndarray) -> list[str]:
        return self.values[self.codes[index]].tolist()


def _dates(column: _Column) -> np.ndarray:
    """The column's dates (``datetime64[D]``, NaT where blank or not a date), each distinct
    text parsed once with each explicit format."""
    text = pd.Series(column.values, dtype="str")
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    rest = iso.isna() & (text != "")
    if rest.any():
        uk = pd.to_datetime(text[rest], format="%d/%m/%Y", errors="coerce")
        iso = iso.where(~rest, uk)
    return np.asarray(iso.to_numpy()).astype("datetime64[D]")[column.codes]


# A date with its separators (2024-03-01, 01/03/2024, 1.3.24) or a year: a run of digits
# alone longer than a year may be a case number or an NHS number (943 476 5919), so it is
# described, never shown; stricter than CHILD_EXTRACT.md's "digits and separators".
_DATE_SHAPED = re.compile(r"[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}|[0-9]{1,4}", re.ASCII)
_SHORT_CODE = re.compile(r"[A-Za-z]{1,4}")


def _echoable(value: str) -> bool:
    """Whether a value cannot identify a child, whatever its column's header says
    (CHILD_EXTRACT.md): date-shaped (a date with "-", "/" or "." between its parts, or at most
    4 digits, a year), a short code (at most 4 letters) or yes/no."""
    return bool(
        _DATE_SHAPED.fullmatch(value)
        or _SHORT_CODE.fullmatch(value)
        or value.lower() in ("yes", "no")
    )


def described(value: str) -> str:
    """What a value is like, without the value: "18 characters, letters and digits"."""
    kinds = [
        kind
        for kind, present in (
            ("letters", any(c.isalpha() for c in value)),
            ("digits", any(c.isdigit() for c in value)),
            ("other characters", any(not c.isalnum() for c in value)),
        )
        if present
    ]
    words = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
    return f"{len(value):,} character{'s' * (len(value) != 1)}, {words}"


def _error(row: int, column: str, value: str | None, reason: str) -> ExtractError:
    """An error showing its value only where the value may be echoed; else described."""
    if value is None or value == "" or _echoable(value):
        return ExtractError(row=row, column=column, value=value, reason=reason)
    return ExtractError(row=row, column=column, value=None, reason=f"{reason}: {described(value)}")


class _Errors:
    def __init__(self, rows: np.ndarray):
        self.rows = rows
        self.found: list[ExtractError] = []

    def add(self, mask: np.ndarray, column: str, reason: str, source: _Column | None = None):
        index = np.flatnonzero(mask)
        if not len(index):
            return
        values = source.text(index) if source is not None else [None] * len(index)
        self.found.extend(
            _error(row, column, value, reason)
            for row, value in zip(self.rows[index].tolist(), values, strict=True)
        )

    def raise_if_any(self, child: _Column):
        if not self.found:
            return
        # A value elsewhere that is also a child id (a shifted column, say) is not shown.
        shown = {e.value for e in self.found if e.value}
        ids = set(child.values.tolist())
        hidden = shown & ids
        order = {name: i for i, name in enumerate(COLUMNS)}
        errors = [
            ExtractError(e.row, e.column, None, e.reason + HIDDEN) if e.value in hidden else e
            for e in self.found
        ]
        errors.sort(key=lambda e: (e.row is not None, e.row or 0, order.get(e.column, -1)))
        raise ExtractRejected(errors)


@dataclass
class _Rows:
    """The checked extract, as arrays: what the indicators need and nothing else."""

    area: np.ndarray  # index into the areas list
    category: np.ndarray  # index into CATEGORIES
    worker: np.ndarray  # worker code, -1 when unallocated
    seen_alone: np.ndarray  # bool
    dates: dict  # column -> datetime64[D], NaT when blank


def _check(frame: pd.DataFrame, *, as_at: date, areas: list[str]) -> _Rows:
    rows, cells = _cells(frame)
    errors = _Errors(rows)
    for name in REQUIRED:
        # A blank child_id shows no value anyway; the others show none either (they are blank).
        errors.add(cells[name].blank, name, "required, but blank")
    dates = {}
    for name in DATE_COLUMNS:
        column = cells[name]
        dates[name] = _dates(column)
        errors.add(~column.blank & np.isnat(dates[name]), name, NOT_A_DATE, column)
    category, area = _check_codes(errors, cells, areas)
    _check_dates(errors, cells, dates, as_at)
    _check_duplicates(errors, cells, dates["episode_start"])
    errors.raise_if_any(cells["child_id"])

    worker = cells["worker_id"]
    worker_code = worker.codes.copy()
    worker_code[worker.blank] = -1
    return _Rows(
        area=area,
        category=category,
        worker=worker_code,
        seen_alone=cells["last_visit_seen_alone"].each(lambda v: v.upper() == "Y", bool),
        dates=dates,
    )


def _cells(frame: pd.DataFrame) -> tuple[np.ndarray, dict]:
    """The sheet's row numbers and each column's cells, rows with nothing in them left out;
    a missing required column rejects the extract."""
    columns = {_column_name(name): name for name in frame.columns}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ExtractRejected(
            [ExtractError(None, name, None, "required column is missing") for name in missing]
        )

    if frame.index.name == _SHEET_ROW:
        rows = np.asarray(frame.index, dtype=np.int64)
    else:  # a frame built by hand: its rows as a sheet under a header row would number them
        rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    length = len(frame)
    cells = {
        name: _Column(frame[columns[name]] if name in columns else None, length) for name in COLUMNS
    }

    # Rows with nothing in them are not rows of the extract.
    empty = np.ones(length, dtype=bool)
    for column in cells.values():
        empty &= column.blank
    if empty.any():
        keep = ~empty
        rows = rows[keep]
        for column in cells.values():
            column.codes = column.codes[keep]
    return rows, cells


def _check_codes(errors: _Errors, cells: dict, areas: list[str]):
    """Category, area and seen-alone must be one of their allowed values; returns the category
    and area of each row as indexes (-1 where not allowed)."""
    category = cells["category"].each(
        lambda v: CATEGORIES.index(v) if v in CATEGORIES else -1, np.intp
    )
    errors.add(
        (category < 0) & ~cells["category"].blank,
        "category",
        "not one of CIN, CP, LAC, CL",
        cells["category"],
    )
    area = cells["area"].each(lambda v: areas.index(v) if v in areas else -1, np.intp)
    errors.add(
        (area < 0) & ~cells["area"].blank,
        "area",
        f"not a council area of this trust ({', '.join(areas)})",
        cells["area"],
    )
    seen = cells["last_visit_seen_alone"]
    errors.add(
        ~seen.each(lambda v: v.upper() in ("Y", "N", ""), bool),
        "last_visit_seen_alone",
        "not Y, N or blank",
        cells["last_visit_seen_alone"],
    )
    return category, area


def _check_dates(errors: _Errors, cells: dict, dates: dict, as_at: date) -> None:
    """Dates in an impossible order, or a visit after the as-at date."""
    start, end = dates["episode_start"], dates["episode_end"]
    errors.add(end < start, "episode_end", "before episode_start", cells["episode_end"])
    assessed, completed = dates["assessment_start"], dates["assessment_completed"]
    errors.add(
        completed < assessed,
        "assessment_completed",
        "before assessment_start",
        cells["assessment_completed"],
    )
    errors.add(
        cells["assessment_start"].blank & ~cells["assessment_completed"].blank,
        "assessment_completed",
        "given without an assessment_start",
        cells["assessment_completed"],
    )
    visit = dates["last_visit_date"]
    errors.add(
        visit > np.datetime64(as_at, "D"),
        "last_visit_date",
        f"after the as-at date ({as_at.isoformat()})",
        cells["last_visit_date"],
    )
    errors.add(visit < start, "last_visit_date", "before episode_start", cells["last_visit_date"])


def _check_duplicates(errors: _Errors, cells: dict, start: np.ndarray):
    child, category = cells["child_id"], cells["category"]
    eligible = ~child.blank & ~category.blank & ~np.isnat(start)
    # One integer per (child, category, start), built in two steps so it cannot overflow.
    pair = child.codes.astype(np.int64) * len(category.values) + category.codes
    pair = pd.factorize(pair)[0].astype(np.int64)
    days, distinct_days = pd.factorize(start.astype(np.int64))
    key = pair * len(distinct_days) + days
    key = np.where(eligible, key, -1 - np.arange(len(key)))  # ineligible rows never match
    repeated = pd.Series(key).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return
    index = np.flatnonzero(repeated)
    first = pd.Series(index).groupby(key[index]).transform("min").to_numpy()
    later = index != first
    for row, first_row in zip(
        errors.rows[index[later]].tolist(), errors.rows[first[later]].tolist(), strict=True
    ):
        errors.found.append(ExtractError(row, "child_id", None, DUPLICATE.format(first_row)))


# --- Computing -----------------------------------------------------------------------------


def compute(
    frame: pd.DataFrame,
    *,
    as_at: date,
    areas: list[str],
    settings: ExtractSettings = ExtractSettings(),  # noqa: B008  (frozen, so safe to share)
    on_stage=None,
) -> dict:
    """Check the extract, then compute every indicator for every area and for "ALL".

    ``on_stage``, if given, is called with "computing" once every row has passed its checks
    (the upload job shows it as progress).

    ``frame`` is what ``read_extract`` returns (or any frame with the extract's columns; without
    a ``row`` index its rows are numbered from 2, as under a header row). Raises
    ``ExtractRejected`` with every broken rule. Returns plain JSON-ready data::

        {"as_at": "2024-03-31", "areas": {"NNC": {"CIN_VISIT_IN_TIME": {"numerator": 10,
         "denominator": 20}, ..., "OPEN_CASES": {"numerator": 123, "denominator": None}}, ...,
         "ALL": {...}}}
    """
    areas = list(areas)
    rows = _check(frame, as_at=as_at, areas=areas)
    if on_stage is not None:
        on_stage("computing")
    return {"as_at": as_at.isoformat(), "areas": _indicators(rows, as_at, areas, settings)}


def _indicators(rows: _Rows, as_at: date, areas: list[str], settings: ExtractSettings) -> dict:
    count = len(areas)

    def per_area(mask: np.ndarray) -> list[int]:
        counts = np.bincount(rows.area[mask], minlength=count).tolist()
        return [*counts, int(sum(counts))]

    as_at_day = np.datetime64(as_at, "D")
    dates = rows.dates
    start, end = dates["episode_start"], dates["episode_end"]
    is_open = (start <= as_at_day) & (np.isnat(end) | (end > as_at_day))

    visit = dates["last_visit_date"]
    reference = np.where(np.isnat(visit), start, visit)
    frequency = np.array([settings.visit_days[c] for c in CATEGORIES])[rows.category]
    in_time = (as_at_day - reference).astype(np.int64) <= frequency
    seen_alone = in_time & ~np.isnat(visit) & rows.seen_alone
    plan = dates["plan_due_date"]
    plan_in_time = plan >= as_at_day  # False where there is no plan (NaT)

    figures = {}

    def rate(code, numerator, denominator):
        figures[code] = list(zip(per_area(numerator), per_area(denominator), strict=True))

    def counted(code, mask):
        figures[code] = [(n, None) for n in per_area(mask)]

    open_in = {c: is_open & (rows.category == i) for i, c in enumerate(CATEGORIES)}
    for c in ("CIN", "CP", "LAC"):
        rate(f"{c}_VISIT_IN_TIME", open_in[c] & in_time, open_in[c])
    rate("CIN_SEEN_ALONE", open_in["CIN"] & seen_alone, open_in["CIN"])
    rate("CP_SEEN_ALONE", open_in["CP"] & seen_alone, open_in["CP"])
    rate("CIN_PLAN_IN_TIME", open_in["CIN"] & plan_in_time, open_in["CIN"])
    rate("LAC_PLAN_IN_TIME", open_in["LAC"] & plan_in_time, open_in["LAC"])
    rate("CL_IN_TOUCH", open_in["CL"] & in_time, open_in["CL"])
    rate("CL_PATHWAY_PLAN_IN_TIME", open_in["CL"] & plan_in_time, open_in["CL"])

    rate("ASSESSMENT_IN_45_WD", *_assessments_in_time(dates, as_at_day))

    allocated = is_open & (rows.worker >= 0)
    counted("UNALLOCATED_CASES", is_open & (rows.worker < 0))
    counted("OPEN_CASES", is_open)
    for c in CATEGORIES:
        counted(f"OPEN_{c}", open_in[c])

    children, workers, over = _caseloads(rows, allocated, count, settings.caseload_limit)
    figures["AVERAGE_CASELOAD"] = list(zip(children, workers, strict=True))
    figures["WORKERS_OVER_CASELOAD"] = list(zip(over, workers, strict=True))

    return {
        area: {
            code: {"numerator": figures[code][i][0], "denominator": figures[code][i][1]}
            for code in INDICATORS
        }
        for i, area in enumerate([*areas, ALL])
    }


def _assessments_in_time(dates: dict, as_at_day: np.datetime64):
    """Assessments completed this month within 45 working days, of those completed."""
    completed = dates["assessment_completed"]
    month_start = as_at_day.astype("datetime64[M]").astype("datetime64[D]")
    in_month = (completed >= month_start) & (completed <= as_at_day)
    within = np.zeros(len(completed), dtype=bool)
    taken = count_working_days(dates["assessment_start"][in_month], completed[in_month])
    within[in_month] = taken <= ASSESSMENT_WORKING_DAYS
    return within, in_month


def _caseloads(rows: _Rows, allocated: np.ndarray, count: int, limit: int):
    """Per area and then for all areas together: open children with a worker, distinct
    workers, and workers holding more open children than ``limit``."""
    area, worker = rows.area[allocated], rows.worker[allocated]
    children = np.bincount(area, minlength=count).tolist()
    # Each (area, worker) pair once, with its number of open children.
    span = int(worker.max(initial=0)) + 1
    pairs, distinct = pd.factorize(area.astype(np.int64) * span + worker)
    held = np.bincount(pairs, minlength=len(distinct))
    pair_area = np.asarray(distinct) // span
    workers = np.bincount(pair_area, minlength=count).tolist()
    over = np.bincount(pair_area[held > limit], minlength=count).tolist()
    # All areas together: a worker counts once, with every open child they hold.
    codes, everyone = pd.factorize(worker)
    held_by_each = np.bincount(codes, minlength=len(everyone))
    return (
        [*children, int(len(area))],
        [*workers, int(len(everyone))],
        [*over, int((held_by_each > limit).sum())],
    )


def check_and_compute(
    source,
    *,
    filename: str,
    as_at: date,
    areas: list[str],
    settings: ExtractSettings = ExtractSettings(),  # noqa: B008  (frozen, so safe to share)
) -> dict:
    """Read the file and compute its indicators (``read_extract`` then ``compute``)."""
    frame = read_extract(source, filename=filename)
    return compute(frame, as_at=as_at, areas=areas, settings=settings)


def errors_csv(errors: list[ExtractError]) -> str:
    """The downloadable error report: row, column, value, reason (never a child id)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", "column", "value", "reason"])
    for error in errors:
        writer.writerow(
            [_safe(error.row), _safe(error.column), _safe(error.value), _safe(error.reason)]
        )
    return out.getvalue()


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text
