"""Uploaded spreadsheets checked before anything parses them.

An .xlsx workbook is a zip of XML files, so a small upload can unpack to gigabytes (a "zip
bomb"), hold millions of rows or shared strings, or say in its ``<dimension>`` that it is smaller
than it is (openpyxl's read-only mode believes it and stops there: silent truncation). A CSV
file of 200 MB can hold tens of millions of short rows. Every reader of an uploaded spreadsheet
(the child-level extract, the return's Excel template) therefore calls ``check_xlsx`` or
``check_csv`` first, and reads a workbook's sheet with ``sheet_rows``:

- ``check_xlsx`` reads the zip's directory (the sizes each member says it unpacks to, which
  ``zipfile`` then holds it to) and refuses a workbook over the unpacked size or compression
  ratio; it then streams the parts through zlib, a megabyte at a time, counting strings in the
  shared-strings parts ``[Content_Types].xml`` declares and rows in every other part (openpyxl
  finds parts through the content types and the relationships, so a renamed part counts the
  same), and refuses one over the row or shared-string limit, or a part that is neither a
  sheet nor the shared strings over its own, smaller limit (a styles.xml bomb). Nothing is
  parsed and little memory is used, so a bomb is refused in seconds.
- ``sheet_rows`` forgets the sheet's ``<dimension>`` (``reset_dimensions``), so every row is
  read, and refuses a sheet with more rows or header columns than the limits rather than stop.
- ``check_csv`` counts line ends (``\r\n``, ``\n`` or ``\r``) and the header's fields before
  pandas reads anything.

Refusals are ``SpreadsheetRefused``, whose message names the limit, for the person uploading.
The limits are settings (``SPREADSHEET_*``, README); this module reads them only when Django is
configured, so the extract's command-line tools use the defaults.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, replace
from xml.sax.saxutils import unescape

CHUNK = 1024 * 1024
MB = 1024 * 1024

# A row or a shared string as its XML element starts, with or without a namespace prefix
# (<row r="2">, <x:row>, <si>). It holds one "<", so it never spans the last "<" of a buffer.
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?row[\s/>]")
_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?si[\s/>]")
_CONTENT_TYPES = "[Content_Types].xml"
_OVERRIDE = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?Override\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"""([A-Za-z]+)\s*=\s*["']([^"']*)["']""")
_SPREADSHEETML = b"application/vnd.openxmlformats-officedocument.spreadsheetml."
_SHARED_STRINGS_TYPE = _SPREADSHEETML + b"sharedStrings+xml"
_WORKSHEET_TYPE = _SPREADSHEETML + b"worksheet+xml"


class SpreadsheetRefused(ValueError):
    """The file is past one of the limits; the message says which, for the uploader."""


@dataclass(frozen=True)
class Limits:
    """What an uploaded spreadsheet may hold. The defaults fit a million-row extract."""

    unpacked_bytes: int = 1000 * MB
    compression_ratio: int = 100  # a real workbook's XML packs 5 to 20 times smaller
    rows: int = 1_000_000  # data rows, the header row aside
    columns: int = 100
    shared_strings: int = 3_000_000
    csv_rows: int = 2_000_000
    part_bytes: int = 20 * MB  # any part but the sheets and the shared strings

    @classmethod
    def from_settings(cls, **overrides) -> Limits:
        """The SPREADSHEET_* settings when Django is configured, else the defaults."""
        limits = cls()
        try:
            from django.conf import settings

            configured = settings.configured
        except ImportError:  # pragma: no cover  (the extract's tools run without Django)
            configured = False
        if configured:
            limits = cls(
                unpacked_bytes=getattr(settings, "SPREADSHEET_MAX_UNPACKED_BYTES", 1000 * MB),
                compression_ratio=getattr(settings, "SPREADSHEET_MAX_COMPRESSION_RATIO", 100),
                rows=getattr(settings, "SPREADSHEET_MAX_ROWS", 1_000_000),
                columns=getattr(settings, "SPREADSHEET_MAX_COLUMNS", 100),
                shared_strings=getattr(settings, "SPREADSHEET_MAX_SHARED_STRINGS", 3_000_000),
                csv_rows=getattr(settings, "SPREADSHEET_MAX_CSV_ROWS", 2_000_000),
                part_bytes=getattr(settings, "SPREADSHEET_MAX_PART_BYTES", 20 * MB),
            )
        return replace(limits, **overrides)


def _mb(size: int) -> str:
    return f"{size / MB:,.0f} MB"


def check_xlsx(data: bytes, limits: Limits) -> None:
    """Refuse a workbook whose unpacked size, compression, rows or shared strings are past
    ``limits``. A file that is not a zip at all is left for the reader to refuse."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return
    with archive:
        members = archive.infolist()
        unpacked = sum(info.file_size for info in members)
        if unpacked > limits.unpacked_bytes:
            raise SpreadsheetRefused(
                f"the workbook is too large once unpacked ({_mb(unpacked)}; at most "
                f"{_mb(limits.unpacked_bytes)})"
            )
        for info in members:
            # A tiny member may pack very well; only a large one can hurt.
            if info.file_size > MB and info.file_size > limits.compression_ratio * max(
                info.compress_size, 1
            ):
                raise SpreadsheetRefused(
                    "the workbook is packed too tightly to be a real spreadsheet (a part of it "
                    f"unpacks to {info.file_size // max(info.compress_size, 1):,} times its "
                    f"size; at most {limits.compression_ratio:,})"
                )
        strings, sheets = _parts_by_type(archive, limits)
        for info in members:
            name = info.filename.lstrip("/")
            if name in strings:
                _refuse_past(
                    archive,
                    info,
                    _STRING,
                    limits.shared_strings,
                    f"the workbook holds more than {limits.shared_strings:,} pieces of text",
                )
                continue
            if name not in sheets:
                _refuse_large_part(info, limits)
            # openpyxl finds sheets through the relationship files, whatever their content
            # type, so rows are counted in every part but the shared strings.
            _refuse_past(archive, info, _ROW, limits.rows + 1, _too_many_rows(limits))


def _refuse_large_part(info: zipfile.ZipInfo, limits: Limits) -> None:
    """A part that is neither a sheet nor the shared strings (styles, theme, drawings) is
    small in a real workbook; a large one is a bomb (e.g. a styles.xml of a million fonts)."""
    if info.file_size > limits.part_bytes:
        raise SpreadsheetRefused(
            f"a part of the workbook that holds no cells is too large once unpacked "
            f"({_mb(info.file_size)}; at most {_mb(limits.part_bytes)})"
        )


def _parts_by_type(archive: zipfile.ZipFile, limits: Limits) -> tuple[set[str], set[str]]:
    """(shared-strings parts, worksheet parts) as ``[Content_Types].xml`` declares them, which
    is where openpyxl looks, wherever in the zip they are and whatever they are called."""
    try:
        info = archive.getinfo(_CONTENT_TYPES)
    except KeyError:
        return set(), set()
    _refuse_large_part(info, limits)
    try:
        text = archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
        return set(), set()
    parts: dict[bytes, set[str]] = {_SHARED_STRINGS_TYPE: set(), _WORKSHEET_TYPE: set()}
    for attributes in _OVERRIDE.findall(text):
        found = dict(_ATTRIBUTE.findall(attributes))
        kind = found.get(b"ContentType", b"").strip()
        if kind in parts and b"PartName" in found:
            name = unescape(found[b"PartName"].decode("utf-8", "replace"))
            parts[kind].add(name.lstrip("/"))
    return parts[_SHARED_STRINGS_TYPE], parts[_WORKSHEET_TYPE]


def _too_many_rows(limits: Limits) -> str:
    return f"the file has more than {limits.rows:,} rows"


def _refuse_past(archive, info, pattern: re.Pattern, most: int, message: str) -> None:
    """Stream one member, counting ``pattern``; refuse as soon as the count passes ``most``."""
    count, tail = 0, b""
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                buffer = tail + chunk
                cut = buffer.rfind(b"<")
                cut = len(buffer) if cut < 0 else cut
                count += sum(1 for _ in pattern.finditer(buffer, 0, cut))
                if count > most:
                    raise SpreadsheetRefused(message)
                tail = buffer[cut:][-4096:]  # an unclosed "<" this long is not a tag of ours
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
        return  # a broken member: the reader refuses the file as unreadable
    count += sum(1 for _ in pattern.finditer(tail))
    if count > most:
        raise SpreadsheetRefused(message)


def sheet_rows(sheet, limits: Limits, *, columns: int | None = None, values_only=False):
    """Every row of a read-only openpyxl sheet, whatever its ``<dimension>`` claims, at most
    ``columns`` cells wide (the limit's when not given). Refuses, mid-way, a sheet with more
    rows than the limit (counting the header) or a header row wider than the column limit."""
    sheet.reset_dimensions()  # read-only mode stops where <dimension> says the sheet ends
    width = columns or limits.columns
    rows = sheet.iter_rows(max_col=width + (columns is None), values_only=values_only)
    for number, row in enumerate(rows, start=1):
        if number > limits.rows + 1:
            raise SpreadsheetRefused(_too_many_rows(limits))
        if number == 1 and columns is None and len(row) > width:
            last = row[width] if values_only else row[width].value
            if last not in (None, ""):
                raise SpreadsheetRefused(f"the sheet has more than {width:,} columns")
        yield row[:width] if columns is None else row


def check_csv(data: bytes, limits: Limits) -> None:
    """Refuse a CSV file with more line ends than the row limit allows (header included), or a
    header with more fields than the column limit (as ``sheet_rows`` does a workbook's), before
    pandas reads it into memory."""
    # A line ends in "\r\n" (Windows), "\n" or "\r" (old Macs; pandas reads all three), and
    # a "\r\n" pair is one end, not two.
    ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    lines = ends + (not data.endswith((b"\n", b"\r")))
    if lines - 1 > limits.csv_rows:
        raise SpreadsheetRefused(f"the file has more than {limits.csv_rows:,} rows")
    if _csv_header_width(data) > limits.columns:
        raise SpreadsheetRefused(f"the sheet has more than {limits.columns:,} columns")


def _csv_header_width(data: bytes) -> int:
    """How many fields the header row has, trailing blank ones aside (a blank header cell past
    the last is what Excel writes when a data row is wider; a workbook's is not counted)."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", errors="replace", newline="")
    try:
        header = next(csv.reader(text), [])
    except csv.Error:
        return 0  # the reader refuses it, saying where
    while header and not header[-1].strip():
        header.pop()
    return len(header)
