"""The contracts pages as each role sees and uses them (statuses for every URL and role are in
tests/test_url_matrix.py; these are the behaviours behind them)."""

import hashlib
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from contracts.models import ContractDocument, ContractYear, FundingLine, Variation

OVERVIEW = "/arrangements/NCT/contracts/"
Y2024 = "/arrangements/NCT/contract-years/2024/"
Y2025 = "/arrangements/NCT/contract-years/2025/"


def text(response) -> str:
    return response.content.decode()


def test_the_overview_shows_what_each_council_pays_and_why(cast, client_for):
    page = text(client_for(cast["nnc-officer"]).get(OVERVIEW + "?year=2024"))
    for figure in [
        "£180,009,000.00",
        "£177,429,000.00",
        "£2,580,000.00",
        "£3,291,000.00",
        "£100,805,040.00",
        "£79,203,960.00",
        "NNC 44% / WNC 56%",
        "£584,000.00",
    ]:
        assert figure in page
    assert "NCT-SC-WNC-2023" in page and "NCT-SC-NNC-2023" in page


def test_the_overview_shows_what_is_paid_against_what_is_due(cast, client_for):
    page = text(client_for(cast["dfe-observer"]).get(OVERVIEW + "?year=2024"))
    # NNC has paid 11 of its 12 instalments of £6,600,330.00.
    assert "£72,603,630.00" in page and "<strong>£6,600,330.00</strong>" in page


def test_a_draft_year_does_not_exist_for_the_trust_or_observers(cast, client_for):
    for who in ["nct-manager", "dfe-observer"]:
        client = client_for(cast[who])
        assert client.get(OVERVIEW + "?year=2025").status_code == 404
        assert "2025/26" not in text(client.get(OVERVIEW))
    assert "2025/26 (draft)" in text(client_for(cast["wnc-officer"]).get(OVERVIEW))


def test_the_overview_reads_a_handful_of_queries(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast["wnc-officer"])
    with django_assert_max_num_queries(25):
        client.get(OVERVIEW + "?year=2024")


def test_contributions_download_as_csv_and_excel_with_pence(cast, client_for):
    client = client_for(cast["wnc-officer"])
    csv = text(client.get(OVERVIEW + "?year=2024&format=csv"))
    assert "WNC,56.00,100805040.00,0.00,100805040.00,738000.00,1842960.00" in csv
    book = load_workbook(BytesIO(client.get(OVERVIEW + "?year=2024&format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Council" and rows[2][0] == "WNC"
    assert rows[2][4] == 100805040 and book.active["E3"].number_format == "#,##0.00"


def test_an_empty_arrangement_says_no_year_is_recorded(cast, client_for):
    page = text(client_for(cast["occ-officer"]).get("/arrangements/OCT/contracts/"))
    assert "No contract year has been recorded yet" in page
    assert "No service contract recorded yet" in page


# --- Year pages --------------------------------------------------------------------------------


def test_officers_edit_a_drafts_lines_and_nobody_edits_an_agreed_years(cast, client_for):
    officer = client_for(cast["wnc-officer"])
    assert "Add a funding line" in text(officer.get(Y2025))
    assert "Add a funding line" not in text(officer.get(Y2024))
    assert "Add a funding line" not in text(client_for(cast["admin"]).get(Y2025))


def test_only_administrators_are_offered_to_record_a_drafts_agreement(cast, client_for):
    assert "Record the councils’ agreement" in text(client_for(cast["admin"]).get(Y2025))
    assert "Record the councils’ agreement" not in text(client_for(cast["wnc-officer"]).get(Y2025))


def test_adding_a_line_with_a_bad_amount_keeps_what_was_typed(cast, client_for):
    response = client_for(cast["wnc-officer"]).post(
        Y2025 + "lines/new/",
        {"block": "2", "name": "Academy", "amount": "12.345", "reason": "Pay award"},
    )
    page = text(response)
    assert response.status_code == 200
    assert "Enter the amount to the penny" in page and 'value="12.345"' in page
    assert not FundingLine.objects.filter(name="Academy").exists()


def test_adding_a_line_to_a_draft_records_it(cast, client_for):
    response = client_for(cast["nnc-officer"]).post(
        Y2025 + "lines/new/",
        {"block": "2", "name": "Academy", "amount": "£12,345.67", "reason": "Pay award"},
    )
    assert response.status_code == 302
    line = FundingLine.objects.get(name="Academy")
    assert line.amount == Decimal("12345.67") and not line.recurring


def test_a_variation_is_requested_and_decided_on_its_pages(cast, client_for):
    officer = client_for(cast["wnc-officer"])
    response = officer.post(
        Y2025 + "variations/new/",
        {
            "kind": "split",
            "reason": "New population estimates",
            "share_NNC": "44.72",
            "share_WNC": "55.28",
            "basis": "Open cases, January 2019",
        },
    )
    variation = Variation.objects.get(contract_year__financial_year=2025, number=1)
    assert response.url == variation.get_absolute_url()
    assert "Record the councils" not in text(officer.get(variation.get_absolute_url()))
    admin = client_for(cast["admin"])
    response = admin.post(
        variation.get_absolute_url(), {"decision": "approve", "decision_date": "2025-03-01"}
    )
    assert response.status_code == 302
    variation.refresh_from_db()
    assert variation.state == Variation.State.APPROVED
    page = text(officer.get(Y2025))
    assert "NNC 44.72% / WNC 55.28%" in page and "Variation 1" in page


def test_a_split_not_adding_to_100_is_refused_on_the_page(cast, client_for):
    response = client_for(cast["wnc-officer"]).post(
        Y2025 + "variations/new/",
        {"kind": "split", "reason": "r", "share_NNC": "44", "share_WNC": "55", "basis": "b"},
    )
    assert response.status_code == 200
    assert "The percentages add up to 99, not 100." in text(response)


def test_the_split_calculator_can_prefill_a_variation(cast, client_for):
    page = text(
        client_for(cast["wnc-officer"]).get(
            Y2025 + "variations/new/?kind=split&share_NNC=44.72&share_WNC=55.28&basis=Demand"
        )
    )
    assert 'value="44.72"' in page and 'value="55.28"' in page


def test_an_officer_cannot_decide_by_posting_to_a_variation(cast, client_for):
    variation = Variation.objects.get(contract_year__financial_year=2024, number=1)
    response = client_for(cast["wnc-officer"]).post(
        variation.get_absolute_url(), {"decision": "approve", "decision_date": "2025-03-01"}
    )
    assert response.status_code == 403


def test_recording_an_agreement_on_the_page(cast, client_for):
    response = client_for(cast["admin"]).post(Y2025 + "agree/", {"agreed_on": "2025-03-20"})
    assert response.status_code == 302
    assert ContractYear.objects.get(financial_year=2025).state == ContractYear.State.AGREED


# --- Contracts and documents ----------------------------------------------------------------


def test_an_officer_records_their_councils_contract_on_the_page(cast, client_for):
    from trust_portal.accounts.models import Organisation

    nnc = Organisation.objects.get(code="NNC")
    response = client_for(cast["nnc-officer"]).post(
        OVERVIEW + "new/",
        {
            "council": nnc.pk,
            "reference": "NCT-SC-NNC-2028",
            "title": "Next",
            "starts_on": "2028-04-01",
            "ends_on": "2031-03-31",
            "status": "draft",
            "obligations": "Report monthly\nKeep caseloads down",
        },
    )
    assert response.status_code == 302
    page = text(client_for(cast["wnc-officer"]).get(response.url))
    assert "Keep caseloads down" in page


def test_the_contract_form_offers_only_the_officers_own_council(cast, client_for):
    page = text(client_for(cast["nnc-officer"]).get(OVERVIEW + "new/"))
    assert "North Northamptonshire Council (NNC)" in page
    assert "West Northamptonshire Council (WNC)" not in page


def test_a_document_is_attached_fingerprinted_and_served_only_to_readers(cast, client_for):
    body = b"%PDF-1.4 signed contract"
    client = client_for(cast["wnc-officer"])
    response = client.post(
        OVERVIEW + "NCT-SC-WNC-2023/documents/new/",
        {"title": "Signed contract", "file": SimpleUploadedFile("signed.pdf", body)},
    )
    assert response.status_code == 302
    document = ContractDocument.objects.get()
    assert document.sha256 == hashlib.sha256(body).hexdigest() and document.size == len(body)
    url = reverse("contracts:document-download", args=["NCT", "NCT-SC-WNC-2023", document.pk])
    download = client_for(cast["nct-manager"]).get(url)
    assert b"".join(download.streaming_content) == body
    assert client_for(cast["occ-officer"]).get(url).status_code == 404
    assert client_for(cast["wnc-scrutiny"]).get(url).status_code == 403


def test_a_document_of_the_wrong_kind_is_refused(cast, client_for):
    response = client_for(cast["wnc-officer"]).post(
        OVERVIEW + "NCT-SC-WNC-2023/documents/new/",
        {"title": "Script", "file": SimpleUploadedFile("run.exe", b"MZ")},
    )
    assert "Attach a PDF, Word, Excel, OpenDocument or text file." in text(response)
    assert not ContractDocument.objects.exists()


def test_the_rollover_page_lists_what_is_copied_and_what_stays(cast, client_for):
    page = text(client_for(cast["wnc-officer"]).get(Y2024 + "rollover/"))
    assert "Core funding" in page and "Transformation items (non-recurring)" in page
    assert "are not copied" in page


@pytest.mark.parametrize("who", ["wnc-officer", "admin"])
def test_the_years_history_names_who_changed_what_and_why(cast, client_for, who):
    page = text(client_for(cast[who]).get(Y2024))
    assert "Variation 1: Record the 2024/25 split the councils agreed." in page
    assert "Amira Shah" in page and "Morgan Reid" in page
    assert date(2024, 3, 27).strftime("%-d March %Y") in page


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
def test_every_table_of_a_year_downloads_as_csv_and_excel(cast, client_for, table, first_row):
    client = client_for(cast["dfe-observer"])
    csv = text(client.get(f"{Y2024}?table={table}&format=csv")).lstrip("\ufeff")
    assert csv.splitlines()[0].split(",") == first_row
    book = load_workbook(BytesIO(client.get(f"{Y2024}?table={table}&format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == first_row and len(rows) > 1


def test_an_unknown_table_is_not_found(cast, client_for):
    response = client_for(cast["wnc-officer"]).get(f"{Y2024}?table=secrets&format=csv")
    assert response.status_code == 404


def test_the_contracts_table_downloads(cast, client_for):
    csv = text(client_for(cast["nct-manager"]).get(OVERVIEW + "?table=contracts&format=csv"))
    assert "NCT-SC-WNC-2023,WNC," in csv and "2028-03-31,In force" in csv
