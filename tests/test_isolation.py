"""Nobody sees anything of an arrangement they are not part of, on any page or endpoint."""

import re

import pytest

from tests.test_url_matrix import PAGES, url_of

NORTHAMPTONSHIRE = re.compile(r"Northamptonshire|\bNNC\b|\bWNC\b|\bNCT\b")
OAKSHIRE = re.compile(r"Oakshire|\bOCC\b|\bOCT\b")

SIDES = {
    "occ-officer": NORTHAMPTONSHIRE,
    "oct-manager": NORTHAMPTONSHIRE,
    "outsider": re.compile(NORTHAMPTONSHIRE.pattern + "|" + OAKSHIRE.pattern),
    **dict.fromkeys(
        [
            "wnc-officer",
            "nnc-officer",
            "nct-manager",
            "dfe-observer",
            "wnc-scrutiny",
            "nnc-scrutiny",
        ],
        OAKSHIRE,
    ),
}
EXTRA_URLS = [
    "/api/v1/organisations/?kind=council",
    "/api/v1/organisations/?kind=trust",
    "/api/v1/arrangements/NCT/",
    "/api/v1/arrangements/OCT/",
    "/api/v1/organisations/NNC/",
    "/api/v1/organisations/OCC/",
    "/arrangements/OCT/",
    "/arrangements/NCT/",
]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text_of(response) -> str:
    """What a response shows: its text, or every cell of a workbook (stored compressed)."""
    if response.get("Content-Type", "").startswith(XLSX):
        from io import BytesIO

        from openpyxl import load_workbook

        book = load_workbook(BytesIO(response.content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if getattr(response, "streaming", False):  # a document download
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode()


@pytest.mark.parametrize(("who", "forbidden"), SIDES.items())
def test_no_page_or_endpoint_shows_another_arrangement(who, forbidden, cast, client_for):
    client = client_for(cast[who])
    urls = [url_of(name) for name in PAGES]
    for url in urls + EXTRA_URLS:
        if url.startswith("/api/schema") or url.startswith("/api/docs"):
            continue  # the API's description is public and holds no data
        body = _text_of(client.get(url))
        match = forbidden.search(body)
        assert match is None, f"{who} saw {match.group(0)!r} at {url}"
