"""The contracts pages as each role sees and uses them (statuses for every URL and role are in
tests/test_url_matrix.py; these are the behaviours behind them).

Built on factories: the root ``world``'s 2024/25 year made and agreed through the services
(``agreed_contract_year``: a contract sum of £1,500,000.00 split 60/40, the first council's 12
instalments of £75,000.00 paid and the second council's first 11 of £51,000.00), 2025/26 rolled
over from it as a draft, and each council's contract in force from April 2023."""

import hashlib
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from contracts.models import ContractDocument, ContractYear, FundingLine, Variation
from contracts.services import years as year_services
from contracts.tests.factories import ServiceContractFactory, agreed_contract_year
from contracts.views.contracts import year_to_open


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def y2024(world):
    return agreed_contract_year(world, paid=(12, 11))


@pytest.fixture
def y2025(people, y2024):
    return year_services.contract_year_rollover(by=people["officer"], contract_year=y2024)


@pytest.fixture
def trust(world):
    return world.trust.code


@pytest.fixture
def urls(trust, y2025):
    """The overview and the two years' pages of the world's trust (both years made)."""
    return {
        "overview": f"/arrangements/{trust}/contracts/",
        2024: f"/arrangements/{trust}/contract-years/2024/",
        2025: f"/arrangements/{trust}/contract-years/2025/",
    }


@pytest.fixture
def codes(world):
    """The first and second council's codes, as the world's officers are ordered."""
    return [council.code for council in world.councils]


@pytest.fixture
def contracts(world, trust):
    """{code: contract} for each council, in force April 2023 to March 2028."""
    return {
        council.code: ServiceContractFactory(
            arrangement=world.arrangement,
            council=council,
            reference=f"{trust}-SC-{council.code}-2023",
            starts_on=date(2023, 4, 1),
            ends_on=date(2028, 3, 31),
        )
        for council in world.councils
    }


def split_in_code_order(shares: dict[str, str]) -> str:
    """The split as the pages word it: "AAA 40% / BBB 60%", councils in code order."""
    return " / ".join(f"{code} {shares[code]}%" for code in sorted(shares))


def test_the_overview_shows_what_each_council_pays_and_why(
    people, client_for, urls, codes, contracts
):
    page = text(client_for(people["other-officer"]).get(urls["overview"] + "?year=2024"))
    first, second = codes
    for figure in [
        "£1,500,000.00",
        "£1,200,000.00",
        "£300,000.00",
        "£100,000.00",
        "£900,000.00",
        "£612,000.00",
        split_in_code_order({first: "60", second: "40"}),
        "£20,000.00",
    ]:
        assert figure in page
    assert all(contract.reference in page for contract in contracts.values())


def test_the_overview_shows_what_is_paid_against_what_is_due(people, client_for, urls):
    page = text(client_for(people["observer"]).get(urls["overview"] + "?year=2024"))
    # The second council has paid 11 of its 12 instalments of £51,000.00.
    assert "£561,000.00" in page and "<strong>£51,000.00</strong>" in page


def test_a_draft_year_does_not_exist_for_the_trust_or_observers(people, client_for, urls):
    for who in ["manager", "observer"]:
        client = client_for(people[who])
        assert client.get(urls["overview"] + "?year=2025").status_code == 404
        assert "2025/26" not in text(client.get(urls["overview"]))
    assert "2025/26 (draft)" in text(client_for(people["officer"]).get(urls["overview"]))


def test_the_overview_opens_on_the_agreed_year_not_next_years_draft(people, client_for, urls):
    # 2024/25 agreed, 2025/26 a draft: the officer, who sees both, is shown 2024/25 first.
    page = text(client_for(people["officer"]).get(urls["overview"]))
    assert '<option value="2024" selected>2024/25</option>' in page
    assert '<option value="2025">2025/26 (draft)</option>' in page


def _years(*years):
    """Unsaved contract years, newest first: (financial year, state) pairs."""
    return [ContractYear(financial_year=y, state=state) for y, state in years]


@pytest.mark.parametrize(
    ("today", "years", "opened"),
    [
        # The year in force today, agreed: it, not next year's draft.
        (date(2026, 12, 7), [(2027, "draft"), (2026, "agreed"), (2025, "agreed")], 2026),
        # April to March: 31 March 2027 is still 2026/27, 1 April 2027 is 2027/28.
        (date(2027, 3, 31), [(2027, "agreed"), (2026, "agreed")], 2026),
        (date(2027, 4, 1), [(2027, "agreed"), (2026, "agreed")], 2027),
        # This year only a draft: the latest agreed year before it.
        (date(2026, 12, 7), [(2027, "draft"), (2026, "draft"), (2025, "agreed")], 2025),
        # No year yet for today: the latest agreed.
        (date(2028, 5, 1), [(2025, "draft"), (2024, "agreed"), (2023, "agreed")], 2024),
        # Only a future year agreed: it.
        (date(2026, 12, 7), [(2027, "agreed")], 2027),
        # Nothing agreed: this year's draft, else the newest.
        (date(2026, 12, 7), [(2027, "draft"), (2026, "draft")], 2026),
        (date(2026, 12, 7), [(2028, "draft"), (2027, "draft")], 2028),
    ],
)
def test_the_year_opened_is_the_one_in_force(today, years, opened):
    assert year_to_open(_years(*years), today).financial_year == opened


def test_no_year_opens_nothing():
    assert year_to_open([], date(2026, 12, 7)) is None


def test_the_overview_reads_a_handful_of_queries(
    people, client_for, urls, contracts, django_assert_max_num_queries
):
    client = client_for(people["officer"])
    with django_assert_max_num_queries(25):
        client.get(urls["overview"] + "?year=2024")


def test_contributions_download_as_csv_and_excel_with_pence(people, client_for, urls, codes):
    client = client_for(people["officer"])
    csv = text(client.get(urls["overview"] + "?year=2024&format=csv"))
    first, second = codes
    assert f"{first},60.00,900000.00,0.00,900000.00,30000.00,60000.00" in csv
    assert f"{second},40.00,600000.00,12000.00,612000.00,20000.00,40000.00" in csv
    book = load_workbook(BytesIO(client.get(urls["overview"] + "?year=2024&format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    row = 1 + sorted(codes).index(first)  # councils in code order, after the header
    assert rows[0][0] == "Council" and rows[row][0] == first
    assert rows[row][4] == 900000 and book.active[f"E{row + 1}"].number_format == "#,##0.00"


def test_an_empty_arrangement_says_no_year_is_recorded(people, client_for, urls):
    elsewhere = people["other-manager"].organisation.code
    page = text(client_for(people["outsider"]).get(f"/arrangements/{elsewhere}/contracts/"))
    assert "No contract year has been recorded yet" in page
    assert "No service contract recorded yet" in page


# --- Year pages --------------------------------------------------------------------------------


def test_officers_edit_a_drafts_lines_and_nobody_edits_an_agreed_years(people, client_for, urls):
    officer = client_for(people["officer"])
    assert "Add a funding line" in text(officer.get(urls[2025]))
    assert "Add a funding line" not in text(officer.get(urls[2024]))
    assert "Add a funding line" not in text(client_for(people["admin"]).get(urls[2025]))


def test_only_administrators_are_offered_to_record_a_drafts_agreement(people, client_for, urls):
    assert "Record the councils’ agreement" in text(client_for(people["admin"]).get(urls[2025]))
    officer_page = text(client_for(people["officer"]).get(urls[2025]))
    assert "Record the councils’ agreement" not in officer_page


def test_adding_a_line_with_a_bad_amount_keeps_what_was_typed(people, client_for, urls):
    response = client_for(people["officer"]).post(
        urls[2025] + "lines/new/",
        {"block": "2", "name": "Academy", "amount": "12.345", "reason": "Pay award"},
    )
    page = text(response)
    assert response.status_code == 200
    assert "Enter the amount to the penny" in page and 'value="12.345"' in page
    assert not FundingLine.objects.filter(name="Academy").exists()


def test_adding_a_line_to_a_draft_records_it(people, client_for, urls, y2025):
    response = client_for(people["other-officer"]).post(
        urls[2025] + "lines/new/",
        {"block": "2", "name": "Academy", "amount": "£12,345.67", "reason": "Pay award"},
    )
    assert response.status_code == 302
    line = FundingLine.objects.get(name="Academy")
    assert line.contract_year == y2025
    assert line.amount == Decimal("12345.67") and not line.recurring


def test_a_variation_is_requested_and_decided_on_its_pages(people, client_for, urls, codes, y2025):
    first, second = codes
    officer = client_for(people["officer"])
    response = officer.post(
        urls[2025] + "variations/new/",
        {
            "kind": "split",
            "reason": "New population estimates",
            f"share_{first}": "55.28",
            f"share_{second}": "44.72",
            "basis": "Open cases, January 2019",
        },
    )
    variation = Variation.objects.get(contract_year=y2025, number=1)
    assert response.url == variation.get_absolute_url()
    assert "Record the councils" not in text(officer.get(variation.get_absolute_url()))
    admin = client_for(people["admin"])
    response = admin.post(
        variation.get_absolute_url(), {"decision": "approve", "decision_date": "2025-03-01"}
    )
    assert response.status_code == 302
    variation.refresh_from_db()
    assert variation.state == Variation.State.APPROVED
    page = text(officer.get(urls[2025]))
    assert split_in_code_order({first: "55.28", second: "44.72"}) in page
    assert "Variation 1" in page


def test_a_split_not_adding_to_100_is_refused_on_the_page(people, client_for, urls, codes):
    first, second = codes
    response = client_for(people["officer"]).post(
        urls[2025] + "variations/new/",
        {
            "kind": "split",
            "reason": "r",
            f"share_{first}": "55",
            f"share_{second}": "44",
            "basis": "b",
        },
    )
    assert response.status_code == 200
    assert "The percentages add up to 99, not 100." in text(response)


def test_the_split_calculator_can_prefill_a_variation(people, client_for, urls, codes):
    first, second = codes
    query = f"?kind=split&share_{first}=55.28&share_{second}=44.72&basis=Demand"
    page = text(client_for(people["officer"]).get(urls[2025] + "variations/new/" + query))
    assert 'value="44.72"' in page and 'value="55.28"' in page


def test_an_officer_cannot_decide_by_posting_to_a_variation(people, client_for, urls, y2024):
    variation = Variation.objects.get(contract_year=y2024, number=1)
    response = client_for(people["officer"]).post(
        variation.get_absolute_url(), {"decision": "approve", "decision_date": "2025-03-01"}
    )
    assert response.status_code == 403


def test_recording_an_agreement_on_the_page(people, client_for, urls, y2025):
    response = client_for(people["admin"]).post(urls[2025] + "agree/", {"agreed_on": "2025-03-20"})
    assert response.status_code == 302
    y2025.refresh_from_db()
    assert y2025.state == ContractYear.State.AGREED


# --- Contracts and documents ----------------------------------------------------------------


def test_an_officer_records_their_councils_contract_on_the_page(
    world, people, client_for, urls, trust
):
    second = world.councils[1]
    response = client_for(people["other-officer"]).post(
        urls["overview"] + "new/",
        {
            "council": second.pk,
            "reference": f"{trust}-SC-{second.code}-2028",
            "title": "Next",
            "starts_on": "2028-04-01",
            "ends_on": "2031-03-31",
            "status": "draft",
            "obligations": "Report monthly\nKeep caseloads down",
        },
    )
    assert response.status_code == 302
    page = text(client_for(people["officer"]).get(response.url))
    assert "Keep caseloads down" in page


def test_the_contract_form_offers_only_the_officers_own_council(world, people, client_for, urls):
    first, second = world.councils
    page = text(client_for(people["other-officer"]).get(urls["overview"] + "new/"))
    assert f"{second.name} ({second.code})" in page
    assert f"{first.name} ({first.code})" not in page


def test_a_document_is_attached_fingerprinted_and_served_only_to_readers(
    people, client_for, urls, trust, codes, contracts
):
    body = b"%PDF-1.4 signed contract"
    reference = contracts[codes[0]].reference
    client = client_for(people["officer"])
    response = client.post(
        f"{urls['overview']}{reference}/documents/new/",
        {"title": "Signed contract", "file": SimpleUploadedFile("signed.pdf", body)},
    )
    assert response.status_code == 302
    document = ContractDocument.objects.get()
    assert document.sha256 == hashlib.sha256(body).hexdigest() and document.size == len(body)
    url = reverse("contracts:document-download", args=[trust, reference, document.pk])
    download = client_for(people["manager"]).get(url)
    assert b"".join(download.streaming_content) == body
    assert client_for(people["outsider"]).get(url).status_code == 404
    assert client_for(people["scrutiny"]).get(url).status_code == 403


def test_a_document_of_the_wrong_kind_is_refused(people, client_for, urls, codes, contracts):
    response = client_for(people["officer"]).post(
        f"{urls['overview']}{contracts[codes[0]].reference}/documents/new/",
        {"title": "Script", "file": SimpleUploadedFile("run.exe", b"MZ")},
    )
    assert "Attach a PDF, Word, Excel, OpenDocument or text file." in text(response)
    assert not ContractDocument.objects.exists()


def test_the_rollover_page_lists_what_is_copied_and_what_stays(people, client_for, urls):
    page = text(client_for(people["officer"]).get(urls[2024] + "rollover/"))
    assert "Core funding" in page and "Social work academy" in page  # the non-recurring line
    assert "are not copied" in page


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_the_years_history_names_who_changed_what_and_why(people, client_for, urls, who):
    for user, (first_name, last_name) in [
        (people["officer"], ("Amira", "Shah")),
        (people["admin"], ("Morgan", "Reid")),
    ]:
        user.first_name, user.last_name = first_name, last_name
        user.save()
    page = text(client_for(people[who]).get(urls[2024]))
    assert "Variation 1: Record the split the councils agreed." in page
    assert "Amira Shah" in page and "Morgan Reid" in page
    assert date(2024, 3, 20).strftime("%-d March %Y") in page


@pytest.mark.parametrize(
    ("table", "first_row"),
    [
        ("lines", ["Block", "Line", "Amount (£)", "Recurring", "Funded by"]),
        ("adjustments", ["Council", "Adjustment", "Amount returned (£)", "Reason"]),
        ("variations", ["Number", "Change", "Reason", "Proposed", "Replaced", "State",
                        "Requested by", "Requested at", "Decided by", "Councils' decision of",
                        "Decision note"]),
        ("history", ["When", "Who", "What", "Change", "Why"]),
    ],
)  # fmt: skip
def test_every_table_of_a_year_downloads_as_csv_and_excel(
    people, client_for, urls, table, first_row
):
    client = client_for(people["observer"])
    csv = text(client.get(f"{urls[2024]}?table={table}&format=csv")).lstrip("\ufeff")
    assert csv.splitlines()[0].split(",") == first_row
    book = load_workbook(BytesIO(client.get(f"{urls[2024]}?table={table}&format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == first_row and len(rows) > 1


def test_an_unknown_table_is_not_found(people, client_for, urls):
    response = client_for(people["officer"]).get(f"{urls[2024]}?table=secrets&format=csv")
    assert response.status_code == 404


def test_the_contracts_table_downloads(people, client_for, urls, codes, contracts):
    csv = text(client_for(people["manager"]).get(urls["overview"] + "?table=contracts&format=csv"))
    first = codes[0]
    assert f"{contracts[first].reference},{first}," in csv and "2028-03-31,In force" in csv
