"""The upload guard (trust_portal/spreadsheets.py) on workbooks and CSV files built to slip past
it: parts renamed where openpyxl still finds them, line ends other than "\\n"."""

import io
import re
import zipfile
from dataclasses import replace

import pytest
from openpyxl import Workbook, load_workbook

from trust_portal.spreadsheets import MB, Limits, SpreadsheetRefused, check_csv, check_xlsx

SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
INLINE = re.compile(rb'<c r="(\w+)" t="inlineStr"><is><t>([^<]*)</t></is></c>')


def workbook(rows: int) -> bytes:
    book = Workbook()
    book.active.append(["child_id", "area"])
    for number in range(rows):
        book.active.append([f"C{number}", f"A{number}"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def renamed(data: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """``data`` (an openpyxl workbook, its text inline) with its text moved to shared strings
    at xl/strings2.xml and its sheet to xl/data/rows.xml, both declared in [Content_Types].xml
    and the workbook's relationships, where openpyxl looks for them."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    strings = []

    def shared(match):
        strings.append(match.group(2))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match.group(1), len(strings) - 1)

    parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = INLINE.sub(shared, parts.pop("xl/worksheets/sheet1.xml"))
    parts["xl/data/rows.xml"] = sheet
    parts["xl/strings2.xml"] = (
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'.encode()
        + b"".join(b"<si><t>%s</t></si>" % text for text in strings)
        + b"</sst>"
    )
    types = parts["[Content_Types].xml"].replace(b"/xl/worksheets/sheet1.xml", b"/xl/data/rows.xml")
    parts["[Content_Types].xml"] = types.replace(
        b"</Types>",
        f'<Override PartName="/xl/strings2.xml" ContentType="{SPREADSHEETML}.sharedStrings+xml"/>'
        "</Types>".encode(),
    )
    rels = parts["xl/_rels/workbook.xml.rels"].replace(
        b"/xl/worksheets/sheet1.xml", b"/xl/data/rows.xml"
    )
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        b"</Relationships>",
        f'<Relationship Type="{RELATIONSHIPS}/sharedStrings" Target="strings2.xml" Id="rId9"/>'
        "</Relationships>".encode(),
    )
    parts.update(extra or {})
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def refusal(check, data: bytes, limits: Limits) -> str:
    with pytest.raises(SpreadsheetRefused) as caught:
        check(data, limits)
    return str(caught.value)


def test_openpyxl_reads_every_row_of_the_workbook_with_renamed_parts():
    data = renamed(workbook(rows=50))
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "xl/strings2.xml" in names and "xl/sharedStrings.xml" not in names
    assert not any(name.startswith("xl/worksheets/") for name in names)
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert len(list(book.active.values)) == 51
    assert list(book.active.values)[50] == ("C49", "A49")


def test_rows_are_counted_in_a_sheet_however_it_is_named():
    data = renamed(workbook(rows=50))
    limits = Limits(rows=10, shared_strings=1_000)
    assert refusal(check_xlsx, data, limits) == "the file has more than 10 rows"


def test_shared_strings_are_counted_however_the_part_is_named():
    data = renamed(workbook(rows=50))
    limits = Limits(rows=1_000, shared_strings=10)
    assert refusal(check_xlsx, data, limits) == "the workbook holds more than 10 pieces of text"


def test_the_renamed_workbook_within_the_limits_is_accepted():
    check_xlsx(renamed(workbook(rows=50)), Limits(rows=51, shared_strings=102))


def test_a_part_holding_no_cells_past_the_part_limit_is_refused():
    styles = b"<styleSheet>" + b"<font/>" * 450_000 + b"</styleSheet>"  # 3.2 MB
    data = renamed(workbook(rows=5), extra={"xl/looks.xml": styles})
    limits = Limits(compression_ratio=10_000)  # so that the size, not the packing, refuses it
    assert refusal(check_xlsx, data, replace(limits, part_bytes=2 * MB)) == (
        "a part of the workbook that holds no cells is too large once unpacked (3 MB; at most 2 MB)"
    )
    check_xlsx(data, replace(limits, part_bytes=4 * MB))


def test_a_large_sheet_is_not_held_to_the_part_limit():
    check_xlsx(renamed(workbook(rows=20_000)), Limits(part_bytes=100_000))


@pytest.mark.parametrize("end", [b"\r", b"\n", b"\r\n"])
def test_csv_rows_are_counted_whatever_their_line_ends(end):
    data = end.join([b"child_id,area"] + [b"C1,NNC"] * 50) + end
    limits = Limits(csv_rows=10)
    assert refusal(check_csv, data, limits) == "the file has more than 10 rows"
    check_csv(data, Limits(csv_rows=50))


def test_a_crlf_pair_is_one_line_end_not_two():
    data = b"child_id,area\r\n" + b"C1,NNC\r\n" * 10
    check_csv(data, Limits(csv_rows=10))
    check_csv(data.removesuffix(b"\r\n"), Limits(csv_rows=10))


def test_a_csv_header_wider_than_the_column_limit_is_refused_as_a_workbook_is():
    header = ",".join(f"column {n}" for n in range(5)).encode()
    assert refusal(check_csv, header + b"\r\n1,2,3,4,5\r\n", Limits(columns=4)) == (
        "the sheet has more than 4 columns"
    )
    check_csv(b"a,b,c,d,,\n1,2,3,4,5,6\n", Limits(columns=4))  # blank header cells past the last
