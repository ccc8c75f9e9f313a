"""The Excel template of a monthly return: downloaded pre-filled, filled in as a person would
with a spreadsheet program (here openpyxl), and uploaded back; and the figures as CSV. Built on
factories: the root ``world`` (a trust, two councils, someone in every role) and the published
catalogue, not the demo."""

import csv
import io
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from performance import workbook
from performance.models import Indicator, Measurement
from performance.services import returns
from performance.tests.conftest import full_figures, save

MONTH = date(2025, 6, 1)  # the world has no targets and no return
VISITS = "CIN_VISIT_IN_TIME"  # a percentage: numerator and denominator
OPEN_CASES = "OPEN_CASES"  # a count: a number only


@pytest.fixture
def area(world):
    """The world's councils' areas: "first" (the officer's) and "second"."""
    first, second = (council.code for council in world.councils)
    return {"first": first, "second": second}


@pytest.fixture
def codes(world):
    """The world's trust code, and the code of another arrangement's trust."""
    return {"trust": world.trust.code, "other": world.other_manager.organisation.code}


@pytest.fixture
def draft(people, arrangement):
    return returns.return_start(by=people["manager"], arrangement=arrangement, month=MONTH)


@pytest.fixture
def march(people, arrangement, area):
    """March 2019's draft, already holding figures (visits 7 of 9 in the second area, the rest
    8/10 or 8) and commentary."""
    monthly_return = returns.return_start(
        by=people["manager"], arrangement=arrangement, month=date(2019, 3, 1)
    )
    figures = full_figures(arrangement, {(VISITS, area["second"]): ("7", "9")})
    commentary = {VISITS: "Two workers were off sick.", OPEN_CASES: "Referrals rose."}
    save(people["manager"], monthly_return, figures, commentary)
    monthly_return.refresh_from_db()
    return monthly_return


@pytest.fixture
def february(people, arrangement, area):
    """February 2019's return, filled (visits 7 of 9 in the second area, the rest 8/10 or 8),
    submitted and approved by both councils."""
    monthly_return = returns.return_start(
        by=people["manager"], arrangement=arrangement, month=date(2019, 2, 1)
    )
    figures = full_figures(arrangement, {(VISITS, area["second"]): ("7", "9")})
    save(people["manager"], monthly_return, figures)
    returns.return_submit(by=people["manager"], monthly_return=monthly_return)
    for who in ("officer", "other-officer"):
        returns.return_approve(by=people[who], monthly_return=monthly_return)
    monthly_return.refresh_from_db()
    return monthly_return


@pytest.fixture
def manager(people, client_for):
    return client_for(people["manager"])


def url(monthly_return, name):
    return reverse(f"performance:{name}", args=[monthly_return.arrangement.code,
                                                f"{monthly_return.period:%Y-%m}",
                                                monthly_return.revision])  # fmt: skip


def download(client, monthly_return):
    response = client.get(url(monthly_return, "return-template"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def row_of(sheet, code, area):
    for row in range(workbook.FIRST_ROW, sheet.max_row + 1):
        if (sheet[f"A{row}"].value, sheet[f"C{row}"].value) == (code, area):
            return row
    raise AssertionError(f"no row for {code} {area}")


def fill_everything(sheet):
    """Type 8 out of 10 (or 8) in every figure, as someone filling the template would."""
    for row in range(workbook.FIRST_ROW, sheet.max_row + 1):
        sheet[f"E{row}"] = 8
        if sheet[f"F{row}"].value != "n/a":
            sheet[f"F{row}"] = 10


def as_file(book, name="NCT-performance-2025-06-r1.xlsx"):
    output = io.BytesIO()
    book.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def upload(client, monthly_return, book_or_file):
    file = book_or_file if isinstance(book_or_file, SimpleUploadedFile) else as_file(book_or_file)
    return client.post(url(monthly_return, "return-upload"), {"file": file})


def refused(monthly_return, book) -> list[str]:
    with pytest.raises(ValidationError) as error:
        workbook.read_upload(as_file(book), monthly_return=monthly_return)
    return error.value.messages


def figures_of(monthly_return):
    return {
        (m.indicator.code, m.area): (m.numerator, m.denominator, m.source)
        for m in monthly_return.measurements.select_related("indicator")
    }


# --- the template --------------------------------------------------------------------------


def test_the_template_is_named_for_the_return_and_says_which_return_it_is(manager, march):
    response = manager.get(url(march, "return-template"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="{march.arrangement.code}-performance-2019-03-r1.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content))["Return"]
    header = {sheet[f"A{row}"].value: sheet[f"B{row}"].value for row in range(2, 6)}
    assert header == {
        "Trust code": march.arrangement.code,
        "Month": "2019-03",
        "Revision": 1,
        "Version of the draft": march.lock_version,
    }
    assert [c.value for c in sheet[workbook.COLUMNS_ROW]] == workbook.COLUMNS


def test_the_template_has_a_row_for_every_indicator_and_area(manager, area, arrangement, draft):
    sheet = download(manager, draft)["Return"]
    cells = returns.cells_of(arrangement, Indicator.objects.all())
    assert sheet.max_row == workbook.FIRST_ROW + len(cells) - 1
    assert sheet[f"F{row_of(sheet, OPEN_CASES, area['second'])}"].value == "n/a"
    assert sheet[f"D{row_of(sheet, VISITS, area['second'])}"].value == "Percentage"
    row_of(sheet, "AVERAGE_CASELOAD", "ALL")  # all areas, for figures that do not add up


def test_the_template_is_filled_in_with_the_saved_figures_and_commentary(manager, area, march):
    sheet = download(manager, march)["Return"]
    saved = march.measurements.get(indicator__code=VISITS, area=area["second"])
    row = row_of(sheet, VISITS, area["second"])
    assert (sheet[f"E{row}"].value, sheet[f"F{row}"].value) == (saved.numerator, saved.denominator)
    first = min(row_of(sheet, VISITS, code) for code in area.values())
    assert sheet[f"G{first}"].value == march.commentaries.get(indicator__code=VISITS).text


def test_only_the_figures_and_commentary_can_be_changed(manager, area, draft):
    sheet = download(manager, draft)["Return"]
    assert sheet.protection.sheet is True
    assert sheet.protection.password is None  # a guard against slips, not security
    visits = sorted(row_of(sheet, VISITS, code) for code in area.values())
    open_cases = row_of(sheet, OPEN_CASES, area["second"])
    for cell in (f"E{visits[0]}", f"F{visits[0]}", f"G{visits[0]}", f"E{open_cases}"):
        assert sheet[cell].protection.locked is False, cell
    for cell in ("B2", "B3", "B4", "B5", f"A{visits[0]}", f"C{visits[0]}", f"F{open_cases}",
                 f"G{visits[1]}"):  # fmt: skip
        assert sheet[cell].protection.locked is True, cell


def test_the_instructions_say_whole_numbers_no_formulas_and_how_percentages_are_worked_out(
    manager, draft
):
    book = download(manager, draft)
    words = " ".join(c.value or "" for c in book["Instructions"]["A"])
    assert "whole numbers only" in words
    assert "Do not use formulas" in words
    assert "Do not change the indicator codes" in words
    assert "the numerator divided by the denominator, times 100" in words
    assert "first row" in words


# --- uploading it back ---------------------------------------------------------------------


def test_a_filled_in_template_uploaded_back_saves_the_figures_and_commentary(
    people, area, manager, arrangement, draft
):
    book = download(manager, draft)
    sheet = book["Return"]
    fill_everything(sheet)
    first = min(row_of(sheet, VISITS, code) for code in area.values())
    sheet[f"G{first}"] = "Two workers were off sick."
    response = upload(manager, draft, book)
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()
    cells = returns.cells_of(arrangement, Indicator.objects.all())
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"{len(cells)} figures saved from the Excel template as a draft."
    ]
    saved = figures_of(draft)
    assert saved[(VISITS, area["second"])] == (8, 10, Measurement.Source.EXCEL)
    assert saved[(OPEN_CASES, area["first"])] == (8, None, Measurement.Source.EXCEL)
    assert len(saved) == len(cells)
    assert draft.commentaries.get(indicator__code=VISITS).text == "Two workers were off sick."
    returns.return_submit(by=people["manager"], monthly_return=draft)  # nothing missing


def test_an_unchanged_template_uploads_back_as_it_was(manager, march):
    before = {key: value[:2] for key, value in figures_of(march).items()}
    notes = dict(march.commentaries.values_list("indicator__code", "text"))
    assert upload(manager, march, download(manager, march)).status_code == 302
    assert {key: value[:2] for key, value in figures_of(march).items()} == before
    assert dict(march.commentaries.values_list("indicator__code", "text")) == notes


def test_numbers_excel_saved_as_decimals_like_12_0_are_whole_numbers(manager, area, draft):
    book = download(manager, draft)
    sheet = book["Return"]
    row = row_of(sheet, VISITS, area["second"])
    sheet[f"E{row}"], sheet[f"F{row}"] = 12.0, 15.0
    read = workbook.read_upload(as_file(book), monthly_return=draft)
    assert read.figures[(VISITS, area["second"])] == ("12", "15")
    assert read.version == draft.lock_version


def test_an_emptied_commentary_is_removed(manager, area, march):
    book = download(manager, march)
    sheet = book["Return"]
    first = min(row_of(sheet, VISITS, code) for code in area.values())
    sheet[f"G{first}"] = None
    assert upload(manager, march, book).status_code == 302
    assert not march.commentaries.filter(indicator__code=VISITS).exists()


def test_a_formula_is_refused_naming_its_cell(manager, area, draft):
    book = download(manager, draft)
    sheet = book["Return"]
    row = row_of(sheet, VISITS, area["second"])
    sheet[f"E{row}"] = "=4+4"
    sheet[f"F{row}"] = 10
    assert refused(draft, book) == [f"Cell E{row} holds a formula; type the figure itself."]
    response = upload(manager, draft, book)
    assert response.status_code == 200
    assert f"Cell E{row} holds a formula" in response.content.decode()
    assert not draft.measurements.exists()


def test_a_commentary_written_as_a_formula_is_refused(manager, area, draft):
    book = download(manager, draft)
    sheet = book["Return"]
    first = min(row_of(sheet, VISITS, code) for code in area.values())
    sheet[f"G{first}"] = '=HYPERLINK("http://example.com", "see")'
    assert refused(draft, book) == [f"Cell G{first} holds a formula; type the commentary itself."]


@pytest.mark.parametrize(
    ("cell", "value", "for_what"),
    [
        ("B2", "{other}", "{other}'s return for June 2025 (revision 1)"),
        ("B3", "2025-07", "{trust}'s return for July 2025 (revision 1)"),
        ("B4", 2, "{trust}'s return for June 2025 (revision 2)"),
    ],
)
def test_a_template_for_another_return_is_refused_saying_what_it_is_for(
    manager, codes, draft, cell, value, for_what
):
    book = download(manager, draft)
    book["Return"][cell] = value.format(**codes) if isinstance(value, str) else value
    [message] = refused(draft, book)
    assert message.startswith(
        f"This file is the template for {for_what.format(**codes)}, not for {codes['trust']}'s "
        "return for June 2025 (revision 1)."
    )


def test_another_months_template_is_refused_on_this_months_page(manager, draft, march):
    response = upload(manager, draft, download(manager, march))
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        f"This file is the template for {draft.arrangement.code}&#x27;s return for March 2019"
        in body
    )
    assert not draft.measurements.exists()


def test_a_template_from_before_someone_else_saved_is_refused_and_overwrites_nothing(
    people, area, manager, draft
):
    book = download(manager, draft)
    fill_everything(book["Return"])
    returns.return_save(by=people["manager"], monthly_return=draft,
                        expected_version=draft.lock_version,
                        figures={(VISITS, area["second"]): ("5", "6")}, commentary={})  # fmt: skip
    response = upload(manager, draft, book)
    body = response.content.decode()
    assert response.status_code == 200
    assert "The draft has changed since this template was downloaded" in body
    assert "Download the template again" in body
    assert figures_of(draft) == {(VISITS, area["second"]): (5, 6, Measurement.Source.FORM)}


@pytest.mark.parametrize(
    ("numerator", "denominator", "column", "message"),
    [
        (-1, 10, "E", "The numerator cannot be negative"),
        ("eight", 10, "E", "The numerator must be a whole number (you entered “eight”)"),
        (12.5, 20, "E", "The numerator must be a whole number (you entered “12.5”)"),
        (8, "ten", "F", "The denominator must be a whole number"),
        (11, 10, "E", "The numerator (11) cannot be more than the denominator (10)."),
        ("²", 10, "E", "The numerator must be a whole number (you entered “²”)"),
        (1e25, 10, "E", "The numerator is too large: at most 2,147,483,647"),
        (8, 3e9, "F", "The denominator is too large: at most 2,147,483,647"),
    ],
)
def test_bad_figures_are_reported_by_cell_and_nothing_is_saved(
    manager, area, draft, numerator, denominator, column, message
):
    book = download(manager, draft)
    sheet = book["Return"]
    fill_everything(sheet)
    row = row_of(sheet, VISITS, area["second"])
    sheet[f"E{row}"], sheet[f"F{row}"] = numerator, denominator
    response = upload(manager, draft, book)
    body = response.content.decode()
    assert response.status_code == 200
    visits = Indicator.objects.get(code=VISITS).name
    assert f"Cell {column}{row} ({visits}, {area['second']}): {message}" in body
    assert not draft.measurements.exists()


def test_every_problem_is_listed_in_the_error_summary_and_nothing_is_saved(manager, area, draft):
    version = draft.lock_version
    book = download(manager, draft)
    sheet = book["Return"]
    fill_everything(sheet)
    visits, cases = row_of(sheet, VISITS, area["second"]), row_of(sheet, OPEN_CASES, area["first"])
    sheet[f"E{visits}"], sheet[f"F{visits}"], sheet[f"E{cases}"] = "=8", -3, "many"
    body = upload(manager, draft, book).content.decode()
    summary = body.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    assert f"Cell E{visits} holds a formula" in summary
    assert f"Cell F{visits}" in summary  # the figures are checked too, in the same upload
    assert f"Cell E{cases}" in summary
    draft.refresh_from_db()
    assert draft.lock_version == version
    assert not draft.measurements.exists()


def test_a_changed_indicator_code_is_refused_naming_the_row(manager, area, draft):
    book = download(manager, draft)
    row = row_of(book["Return"], VISITS, area["second"])
    book["Return"][f"A{row}"] = "CIN_VISITS"
    assert refused(draft, book) == [
        f"Row {row} (cells A{row} and C{row}): this return has no indicator CIN_VISITS for area "
        f"{area['second']}. Do not change the indicator codes or areas."
    ]


def test_a_commentary_on_an_indicators_second_row_is_refused(manager, area, draft):
    book = download(manager, draft)
    sheet = book["Return"]
    first, second = sorted(row_of(sheet, VISITS, code) for code in area.values())
    sheet[f"G{second}"] = "Here instead"
    [message] = refused(draft, book)
    assert message.startswith(f"Cell G{second}: put the commentary on ")
    assert f"(cell G{first})" in message


def test_a_file_that_is_not_an_excel_workbook_is_refused(manager, draft):
    file = SimpleUploadedFile("figures.xlsx", b"indicator,area,numerator\nOPEN_CASES,NNC,5\n")
    body = upload(manager, draft, file).content.decode()
    assert "The file could not be read as an Excel workbook (.xlsx)" in body


def test_a_workbook_without_the_return_sheet_is_refused(manager, draft):
    book = download(manager, draft)
    book["Return"].title = "Figures"
    assert refused(draft, book) == [
        "The workbook has no “Return” sheet. Upload the template downloaded from this return's "
        "page, with its sheets as they were."
    ]


def test_a_sheet_longer_than_the_row_bound_is_refused(manager, area, draft):
    book = download(manager, draft)
    book["Return"][f"A{workbook.MAX_ROWS + 1}"] = "extra"
    assert refused(draft, book) == [
        "The Return sheet has more than 2,000 rows. Upload the template with one row for each "
        "indicator and area."
    ]


def test_a_file_over_5_mb_is_refused_before_it_is_read(manager, draft):
    file = SimpleUploadedFile("big.xlsx", b"0" * (workbook.MAX_BYTES + 1))
    body = upload(manager, draft, file).content.decode()
    assert "The file must be smaller than 5 MB." in body


# --- who may use it ------------------------------------------------------------------------


@pytest.fixture
def submitted(people, draft):
    returns.return_save(by=people["manager"], monthly_return=draft,
                        expected_version=draft.lock_version,
                        figures={(i.code, a): ("8", "10") for i, a in returns.cells_of(
                            draft.arrangement, Indicator.objects.all())},
                        commentary={})  # fmt: skip
    returns.return_submit(by=people["manager"], monthly_return=draft)
    draft.refresh_from_db()
    return draft


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 403), ("other-officer", 403), ("observer", 404), ("scrutiny", 404),
     ("admin", 404), ("unattached", 404), ("other-manager", 404)],
)  # fmt: skip
@pytest.mark.parametrize("name", ["return-template", "return-upload"])
def test_only_the_trust_downloads_the_template_or_uploads_it(
    people, client_for, submitted, name, who, status
):
    # Officers can see a submitted return but not change it; the others cannot see it.
    assert client_for(people[who]).get(url(submitted, name)).status_code == status


def test_an_officer_cannot_post_an_upload(people, client_for, manager, submitted):
    book = download(manager, submitted)
    response = upload(client_for(people["officer"]), submitted, book)
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["return-template", "return-upload"])
def test_a_locked_return_sends_the_trust_back_to_its_page(manager, february, name):
    approved = february
    response = manager.get(url(approved, name))
    assert response.status_code == 302
    assert response.url == approved.get_absolute_url()
    assert "locked" in str(next(iter(get_messages(response.wsgi_request))))


def test_the_entry_page_links_to_the_template_and_the_upload(manager, draft):
    body = manager.get(url(draft, "return-edit")).content.decode()
    assert f'href="{url(draft, "return-template")}">Download the Excel template' in body
    assert f'href="{url(draft, "return-upload")}">Upload a completed template' in body


# --- the figures as CSV --------------------------------------------------------------------


def test_the_figures_download_as_csv_with_value_rag_and_source(people, client_for, area, february):
    response = client_for(people["observer"]).get(url(february, "return-export"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{february.arrangement.code}-performance-2019-02-r1.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Indicator code", "Indicator", "Area", "Numerator", "Denominator",
                       "Value", "RAG", "Source"]  # fmt: skip
    visits = next(r for r in rows if r[0] == VISITS and r[2] == area["second"])
    m = february.measurements.get(indicator__code=VISITS, area=area["second"])
    assert visits[3:5] == [str(m.numerator), str(m.denominator)]
    assert visits[5] == f"{m.numerator * 100 / m.denominator:.1f}"
    assert visits[6] == "No target"  # the world has no targets
    assert visits[7] == Measurement.Source.FORM.label
    assert len(rows) == 1 + len(returns.cells_of(february.arrangement, Indicator.objects.all()))


def test_the_review_page_links_to_the_csv(people, client_for, february):
    body = client_for(people["scrutiny"]).get(february.get_absolute_url()).content.decode()
    assert f'href="{url(february, "return-export")}"' in body


@pytest.mark.parametrize(
    ("who", "status"),
    [("unattached", 404), ("other-manager", 404), ("officer", 404), ("manager", 200)],
)
def test_a_drafts_figures_download_only_for_those_who_see_the_draft(
    people, client_for, march, who, status
):
    assert client_for(people[who]).get(url(march, "return-export")).status_code == status
