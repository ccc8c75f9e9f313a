"""The demo's issued scrutiny packs as a committee reads them: the latest (August 2026's, for
the meeting of 10 November 2026, issued on 3 November) laid out by WeasyPrint in at most ten
pages, page one a summary, no page saying only that a section has no figures, dates written
the UK way, and the money and workforce figures those of the pack's month, not of the day it
was issued (by then September's and October's budget monitoring were approved too)."""

import re
from datetime import date

import pytest

from trust_portal.dashboards import packs
from trust_portal.dashboards.models import IssuedPack

MAX_PAGES = 10  # issue 15: the latest demo pack fits in ten pages


def issued_for(meeting: date) -> IssuedPack:
    return IssuedPack.objects.select_related("issued_by").get(
        arrangement__trust__code="NCT", meeting_date=meeting
    )


def page_texts(document) -> list[str]:
    """Each laid-out page's words, in reading order."""

    def words(box):
        text = getattr(box, "text", "") or ""
        return " ".join([text, *(words(child) for child in getattr(box, "children", []) or [])])

    return [" ".join(words(page._page_box).split()) for page in document.pages]


@pytest.fixture
def latest(cast):
    issued = issued_for(date(2026, 11, 10))
    html = packs.pack_document_html(issued.data, issued=issued)
    return issued, html, page_texts(packs.pack_render(html))


def test_the_latest_demo_pack_is_august_2026s_in_at_most_ten_pages(latest):
    issued, _, pages = latest
    assert issued.month == date(2026, 8, 1)
    assert bytes(issued.pdf).startswith(b"%PDF")
    assert len(pages) <= MAX_PAGES
    assert "Scrutiny committee pack: August 2026" in pages[0]
    assert "August 2026 at a glance" in pages[0]
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_page_one_is_the_summary(latest):
    _, _, pages = latest
    first = pages[0]
    for words in (
        "Forecast outturn (budget monitoring, August 2026)",
        "Each council's share of the variance",
        "Block 3 remaining, 2026/27",
        "Vacancy rate, census method (All of NCT, August 2026) 9.0%",
        "Scorecard, August 2026",
    ):
        assert words in first
    # The matrix: each area's value, RAG in words and change that knows its polarity.
    assert "Children in need visited in time 89.2% Green +0.7 points, better 85.5% Green" in first
    # No codes, numerators or denominators.
    assert "Numerator" not in " ".join(pages) and "PI_" not in " ".join(pages)


def test_no_page_only_says_a_section_has_no_figures(latest):
    _, html, pages = latest
    for text in pages:
        body = re.sub(r"Northamptonshire Children's Trust · .*? Page \d+ of \d+", "", text)
        assert not re.fullmatch(r"\s*(\d+\. [\w ]+ )?No [^.]*\.\s*", body), text
    # Every section has figures for August 2026: none is left out, so no line names one.
    assert html.count('class="tp-pack__section') == 4
    assert "No figures for" not in html


def test_dates_are_written_the_uk_way(latest):
    _, html, pages = latest
    text = " ".join(pages)
    assert not re.search(r"\b\d{4}-\d{2}(-\d{2})?\b", text)
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", text)
    for day in ("meeting on 10 November 2026", "issued on 3 November 2026", "31 August 2026"):
        assert day in text


def test_the_money_and_workforce_are_as_at_the_packs_month(latest):
    _, _, pages = latest
    text = " ".join(pages)
    assert (
        "Forecast outturn (budget monitoring, August 2026) £196,402,881.00 against the "
        "contract sum of £195,309,765.00: £1,093,116.00 above it"
    ) in text
    assert "Paid by the councils by 31 August 2026 £81,379,068.75 of the £81,379,068.75 due" in text
    assert "Forecast outturn against budget, August 2026" in text
    assert "Workforce, August 2026" in text
    for later in ("September 2026", "October 2026"):
        assert f"Forecast outturn against budget, {later}" not in text
        assert f"budget monitoring, {later}" not in text
        assert f"Workforce, {later}" not in text


def test_an_earlier_pack_keeps_its_own_months_money(cast):
    issued = issued_for(date(2026, 9, 8))
    assert issued.month == date(2026, 7, 1)
    headline = [
        row for s in issued.data["sections"] for b in s["blocks"] for row in b.get("headline", [])
    ]
    assert headline[0] == [
        "Forecast outturn (budget monitoring, July 2026)",
        "£196,800,499.00 against the contract sum of £195,309,765.00: £1,490,734.00 above it",
    ]
    assert ["Paid by the councils by 31 July 2026", "£65,103,255.00 of the £65,103,255.00 due"] in (
        headline
    )
