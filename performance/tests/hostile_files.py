"""The hostile files that broke the extract and template readers (issue 16), built from raw XML
so that they are exactly what an attacker would send, and quick to make.

The small ones are committed in ``hostile/`` (``python -m performance.tests.hostile_files``
writes them again); the 1.9-million-row workbook is 100 MB of XML, so the tests build it."""

import io
import zipfile
from pathlib import Path

FOLDER = Path(__file__).parent / "hostile"
HEADER = ("child_id", "area", "category", "episode_start")

_XML = '<?xml version="1.0" encoding="UTF-8"?>'
_TYPE = "application/vnd.openxmlformats-"
_SHEETML = _TYPE + "officedocument.spreadsheetml."
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_PACKAGE}content-types">'
    f'<Default Extension="rels" ContentType="{_TYPE}package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEETML}sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_SHEETML}worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    f'ContentType="{_SHEETML}sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE}relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'{_XML}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{_REL}">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE}relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_of(rows_xml: bytes, *, dimension: str = "", strings: bytes = b"", sheet="Sheet1"):
    """A minimal .xlsx: one sheet whose <sheetData> is ``rows_xml``, the shared strings
    ``strings`` (the <si> elements), each part deflated at the highest level."""
    sheet_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'.encode()
        + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"")
        + b"<sheetData>"
        + rows_xml
        + b"</sheetData></worksheet>"
    )
    strings_xml = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode()
    strings_xml += strings + b"</sst>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.replace("{name}", sheet))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        archive.writestr("xl/sharedStrings.xml", strings_xml)
    return out.getvalue()


def row_xml(number: int, values) -> bytes:
    """One row of inline strings (A, B, C, ...)."""
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def shared_strings_bomb(count: int = 8_000_000) -> bytes:
    """A header row and ``count`` shared strings: 1.4 MB sent, 8 million strings unpacked
    (openpyxl reads them all into a list before the first row: 1.7 GB)."""
    return workbook_of(row_xml(1, HEADER), strings=b"<si><t>C1</t></si>" * count)


def many_rows(count: int = 1_900_000) -> bytes:
    """A header row and ``count`` rows of one number each, without row numbers (which
    openpyxl allows): 3.7 MB sent, which held a worker for its whole time limit."""
    return workbook_of(row_xml(1, HEADER) + b"<row><c><v>1</v></c></row>" * count)


def lying_dimension(count: int = 1_000) -> bytes:
    """An extract of ``count`` valid rows whose <dimension> says A1:K11 (ten rows): read-only
    openpyxl stopped at row 11 and the file was accepted as ten rows."""
    rows = [row_xml(1, HEADER)]
    rows += [row_xml(n, (f"C{n}", "NNC", "CIN", "2024-01-01")) for n in range(2, count + 2)]
    return workbook_of(b"".join(rows), dimension="A1:K11")


FILES = {
    "shared_strings_bomb.xlsx": shared_strings_bomb,
    "lying_dimension.xlsx": lying_dimension,
}


def fixture(name: str) -> bytes:
    return (FOLDER / name).read_bytes()


if __name__ == "__main__":
    FOLDER.mkdir(exist_ok=True)
    for name, make in FILES.items():
        (FOLDER / name).write_bytes(make())
