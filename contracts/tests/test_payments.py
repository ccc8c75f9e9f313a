"""Payments: the schedule of twelve instalments, recording and undoing a payment, the
schedule following a variation, each council's position, the payments pages and their export,
and the split calculator's page. The demo's 2024/25 year is agreed with WNC's 12 instalments
and NNC's first 11 paid; 2025/26 is a draft rolled over from it."""

import csv
import io
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from contracts import money
from contracts.models import ContractYear, FundingLine, Instalment, Variation
from contracts.services import payments
from contracts.services import variations as variation_services
from contracts.services import years as year_services
from performance.models import Measurement

TODAY = date(2026, 11, 24)
WNC_MONTHLY, NNC_MONTHLY = Decimal("8400420.00"), Decimal("6600330.00")


@pytest.fixture
def year(cast):
    return ContractYear.objects.get(arrangement__trust__code="NCT", financial_year=2024)


@pytest.fixture
def draft(cast):
    return ContractYear.objects.get(arrangement__trust__code="NCT", financial_year=2025)


@pytest.fixture
def agreed_2025(cast, draft):
    """The 2025/26 draft agreed, with each council's first three instalments paid."""
    year_services.contract_year_agree(
        by=cast["admin"], contract_year=draft, agreed_on=date(2025, 3, 20)
    )
    for code in ("WNC", "NNC"):
        for i in draft.instalments.filter(council__code=code, number__lte=3):
            payments.instalment_record_payment(
                by=cast[f"{code.lower()}-officer"],
                instalment=i,
                paid_on=i.due_on,
                reference=f"{code}-2025-{i.number:02d}",
            )
    draft.refresh_from_db()
    return draft


def instalment(contract_year, code, number) -> Instalment:
    return contract_year.instalments.get(council__code=code, number=number)


def amounts(contract_year, code) -> list[Decimal]:
    rows = contract_year.instalments.filter(council__code=code).order_by("number")
    return [i.amount for i in rows]


def vary_core_funding(cast, contract_year, amount: str) -> Variation:
    core = contract_year.lines.get(block=FundingLine.Block.CORE)
    variation = variation_services.variation_request(
        by=cast["wnc-officer"],
        contract_year=contract_year,
        kind=Variation.Kind.CHANGE_LINE,
        line=core,
        amount=amount,
        reason="Pay award agreed by the councils",
    )
    return variation


# --- The schedule ------------------------------------------------------------------------


def test_an_agreed_year_has_twelve_instalments_per_council_adding_up_to_its_contribution(year):
    figures = money.year_figures(year)
    for council in figures.councils:
        rows = list(year.instalments.filter(council__code=council.code).order_by("number"))
        assert [i.number for i in rows] == list(range(1, 13))
        assert sum(i.amount for i in rows) == council.contribution
    assert amounts(year, "WNC") == [WNC_MONTHLY] * 12
    assert amounts(year, "NNC") == [NNC_MONTHLY] * 12


def test_instalments_fall_due_on_the_first_of_each_month_from_april(year):
    due = [i.due_on for i in year.instalments.filter(council__code="NNC").order_by("number")]
    assert due[0] == date(2024, 4, 1)
    assert due[8] == date(2024, 12, 1)
    assert due[9] == date(2025, 1, 1)
    assert due[11] == date(2025, 3, 1)


def test_a_draft_year_has_no_instalments(draft):
    assert draft.state == ContractYear.State.DRAFT
    assert not draft.instalments.exists()


def test_agreeing_a_year_starts_its_schedule(cast, draft):
    year_services.contract_year_agree(
        by=cast["admin"], contract_year=draft, agreed_on=date(2025, 3, 20)
    )
    figures = money.year_figures(draft)
    for council in figures.councils:
        assert sum(amounts(draft, council.code)) == council.contribution
        assert len(amounts(draft, council.code)) == 12
    assert not draft.instalments.filter(paid_on__isnull=False).exists()


# --- Recording and undoing a payment -----------------------------------------------------


def test_an_officer_records_their_own_councils_payment(cast, year):
    i = instalment(year, "NNC", 12)
    payments.instalment_record_payment(
        by=cast["nnc-officer"], instalment=i, paid_on=date(2025, 3, 3), reference=" BACS 4471 "
    )
    i.refresh_from_db()
    assert (i.paid_on, i.reference, i.recorded_by) == (
        date(2025, 3, 3),
        "BACS 4471",
        cast["nnc-officer"],
    )
    latest = i.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        cast["nnc-officer"],
        "Payment recorded",
    )


def test_an_officer_cannot_record_another_councils_payment(cast, year):
    with pytest.raises(PermissionDenied, match="Only NNC's officers record NNC's payments"):
        payments.instalment_record_payment(
            by=cast["wnc-officer"],
            instalment=instalment(year, "NNC", 12),
            paid_on=date(2025, 3, 3),
            reference="X",
        )
    assert not instalment(year, "NNC", 12).is_paid


@pytest.mark.parametrize(
    "who", ["nct-manager", "dfe-observer", "wnc-scrutiny", "admin", "occ-officer", "outsider"]
)
def test_nobody_but_council_officers_of_the_arrangement_records_payments(cast, year, who):
    with pytest.raises(PermissionDenied):
        payments.instalment_record_payment(
            by=cast[who],
            instalment=instalment(year, "NNC", 12),
            paid_on=date(2025, 3, 3),
            reference="X",
        )


def test_a_payment_date_in_the_future_is_refused(cast, year):
    with pytest.raises(ValidationError) as refused:
        payments.instalment_record_payment(
            by=cast["nnc-officer"],
            instalment=instalment(year, "NNC", 12),
            paid_on=date(2099, 1, 1),
            reference="X",
        )
    assert refused.value.message_dict["paid_on"] == [
        "The date it was paid must be today or earlier."
    ]


@pytest.mark.parametrize("reference", ["", "   "])
def test_a_payment_needs_a_reference(cast, year, reference):
    with pytest.raises(ValidationError) as refused:
        payments.instalment_record_payment(
            by=cast["nnc-officer"],
            instalment=instalment(year, "NNC", 12),
            paid_on=date(2025, 3, 3),
            reference=reference,
        )
    assert refused.value.message_dict["reference"] == ["Enter the payment reference."]


def test_a_payment_cannot_be_recorded_twice(cast, year):
    with pytest.raises(ValidationError, match="was recorded as paid on 1 February 2025"):
        payments.instalment_record_payment(
            by=cast["nnc-officer"],
            instalment=instalment(year, "NNC", 11),
            paid_on=date(2025, 3, 3),
            reference="again",
        )


def test_undoing_a_payment_needs_a_reason(cast, year):
    with pytest.raises(ValidationError, match="Say why"):
        payments.instalment_undo_payment(
            by=cast["nnc-officer"], instalment=instalment(year, "NNC", 11), reason="  "
        )
    assert instalment(year, "NNC", 11).is_paid


def test_undoing_a_payment_shows_it_unpaid_with_the_reason_kept(cast, year):
    payments.instalment_undo_payment(
        by=cast["nnc-officer"],
        instalment=instalment(year, "NNC", 11),
        reason="Recorded against the wrong month",
    )
    undone = instalment(year, "NNC", 11)
    assert (undone.paid_on, undone.reference) == (None, "")
    reasons = [r.history_change_reason for r in undone.history.all()]
    assert "Recorded against the wrong month" in reasons
    assert amounts(year, "NNC") == [NNC_MONTHLY] * 12  # nothing else moved
    assert year.instalments.filter(council__code="NNC", paid_on__isnull=False).count() == 10


def test_only_the_paying_councils_officers_undo_its_payments(cast, year):
    with pytest.raises(PermissionDenied, match="Only NNC's officers correct NNC's payments"):
        payments.instalment_undo_payment(
            by=cast["wnc-officer"], instalment=instalment(year, "NNC", 11), reason="Mistake"
        )


def test_an_unpaid_instalment_cannot_be_undone(cast, year):
    with pytest.raises(ValidationError, match="is not recorded as paid"):
        payments.instalment_undo_payment(
            by=cast["nnc-officer"], instalment=instalment(year, "NNC", 12), reason="Mistake"
        )


# --- The schedule follows variations -----------------------------------------------------


def test_a_variation_after_some_payments_respreads_only_the_unpaid_instalments(cast, agreed_2025):
    year = agreed_2025
    paid_before = {code: amounts(year, code)[:3] for code in ("WNC", "NNC")}
    # An odd number of pence, so the respread has pennies to place.
    variation = vary_core_funding(cast, year, "178429000.07")
    variation_services.variation_approve(
        by=cast["admin"], variation=variation, decision_date=date(2025, 9, 1)
    )
    figures = money.year_figures(year)
    for council in figures.councils:
        rows = amounts(year, council.code)
        assert rows[:3] == paid_before[council.code]  # paid instalments never move
        assert sum(rows) == council.contribution  # and the total still matches
        unpaid = rows[3:]
        assert max(unpaid) - min(unpaid) <= money.PENNY
        assert unpaid == sorted(unpaid, reverse=True)  # spare pennies to the earliest
    assert figures.council("WNC").contribution == Decimal("100041760.04")
    assert figures.council("NNC").contribution == Decimal("78604240.03")


def test_a_reduction_below_what_a_council_has_paid_becomes_a_refund_it_is_owed(cast, year):
    variation = vary_core_funding(cast, year, "100000000.00")
    variation_services.variation_approve(
        by=cast["admin"], variation=variation, decision_date=date(2025, 3, 1)
    )
    figures = money.year_figures(year)
    nnc = figures.council("NNC")
    assert nnc.contribution == Decimal("45135200.00")
    # NNC paid 11 of 12 (£72,603,630.00): its last monthly instalment drops to nothing and a
    # balancing payment of minus the overpayment is owed back to it by the trust.
    balancing = instalment(year, "NNC", Instalment.BALANCING)
    assert balancing.amount == Decimal("45135200.00") - Decimal("72603630.00")
    assert instalment(year, "NNC", 12).amount == Decimal("0.00")
    assert sum(amounts(year, "NNC")) == nnc.contribution
    assert balancing.history.latest().history_user == cast["admin"]


def test_an_increase_once_every_instalment_is_paid_becomes_a_balancing_payment(cast, year):
    variation = vary_core_funding(cast, year, "178000000.00")
    variation_services.variation_approve(
        by=cast["admin"], variation=variation, decision_date=date(2025, 3, 1)
    )
    figures = money.year_figures(year)
    wnc = instalment(year, "WNC", Instalment.BALANCING)
    assert wnc.amount == figures.council("WNC").contribution - Decimal("100805040.00")
    assert wnc.amount == Decimal("319760.00")  # 56% of the £571,000 increase
    assert str(wnc) == "WNC balancing payment of 2024/25"
    # NNC still had March unpaid: its increase goes there, with no balancing payment.
    assert not year.instalments.filter(council__code="NNC", number=Instalment.BALANCING).exists()
    for council in figures.councils:
        assert sum(amounts(year, council.code)) == council.contribution


def test_a_settled_balancing_payment_stops_further_changes_that_year(cast, year):
    variation_services.variation_approve(
        by=cast["admin"],
        decision_date=date(2025, 3, 1),
        variation=vary_core_funding(cast, year, "178000000.00"),
    )
    payments.instalment_record_payment(
        by=cast["wnc-officer"],
        paid_on=date(2025, 4, 2),
        instalment=instalment(year, "WNC", Instalment.BALANCING),
        reference="WNC-BAL",
    )
    with pytest.raises(ValidationError, match="balancing payment for 2024/25 is settled"):
        variation_services.variation_approve(
            by=cast["admin"],
            decision_date=date(2025, 4, 3),
            variation=vary_core_funding(cast, year, "178100000.00"),
        )


# --- Each council's position -------------------------------------------------------------


def test_the_position_once_the_year_is_over(year):
    nnc, wnc = payments.payment_position(year, today=TODAY)
    assert (nnc.code, wnc.code) == ("NNC", "WNC")
    assert nnc.contribution == nnc.instalments_total == Decimal("79203960.00")
    assert nnc.due_to_date == Decimal("79203960.00")
    assert nnc.paid == Decimal("72603630.00")
    assert nnc.outstanding == NNC_MONTHLY
    assert nnc.still_to_come == Decimal("0.00")
    assert wnc.paid == wnc.due_to_date == wnc.contribution == Decimal("100805040.00")
    assert wnc.outstanding == Decimal("0.00")
    assert nnc.schedule_matches and wnc.schedule_matches


def test_the_position_part_way_through_the_year_shows_payments_made_ahead(year):
    nnc, wnc = payments.payment_position(year, today=date(2024, 9, 15))
    assert nnc.due_to_date == 6 * NNC_MONTHLY  # April to September
    assert nnc.paid == 11 * NNC_MONTHLY
    assert nnc.outstanding == -5 * NNC_MONTHLY  # paid ahead: shown, never hidden as nought
    assert nnc.paid_ahead and nnc.paid_ahead_by == 5 * NNC_MONTHLY
    assert nnc.still_to_come == 6 * NNC_MONTHLY
    assert nnc.due_to_date + nnc.still_to_come == nnc.contribution
    assert wnc.outstanding == -6 * WNC_MONTHLY


def test_an_instalment_due_today_counts_as_due(year):
    nnc, _ = payments.payment_position(year, today=date(2024, 5, 1))
    assert nnc.due_to_date == 2 * NNC_MONTHLY


def test_every_figure_is_a_decimal_of_pounds_and_pence(year):
    for position in payments.payment_position(year, today=TODAY):
        for name in ("contribution", "instalments_total", "due_to_date", "paid", "outstanding",
                     "still_to_come", "left_to_pay"):  # fmt: skip
            value = getattr(position, name)
            assert isinstance(value, Decimal)
            assert value == value.quantize(money.PENNY)


def test_a_draft_year_has_a_contribution_but_no_schedule_yet(draft):
    for position in payments.payment_position(draft, today=TODAY):
        assert position.contribution > 0
        assert position.instalments == []
        assert position.instalments_total == position.paid == Decimal("0.00")
        assert not position.schedule_matches


# --- The payments page -------------------------------------------------------------------


def payments_url(financial_year=2024, **query):
    url = reverse("contracts:payment-list", args=["NCT", financial_year])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def record_url(code="NNC", number=12, financial_year=2024, action="record"):
    return reverse(f"contracts:payment-{action}", args=["NCT", financial_year, code, number])


AGREED_YEAR = {
    **dict.fromkeys(["wnc-officer", "nnc-officer", "nct-manager", "dfe-observer", "admin"], 200),
    **dict.fromkeys(["wnc-scrutiny", "nnc-scrutiny"], 403),
    **dict.fromkeys(["occ-officer", "oct-manager", "outsider"], 404),
}
DRAFT_YEAR = {**AGREED_YEAR, "nct-manager": 404, "dfe-observer": 404}


@pytest.mark.parametrize(("who", "status"), AGREED_YEAR.items())
def test_who_sees_an_agreed_years_payments(cast, client_for, year, who, status):
    assert client_for(cast[who]).get(payments_url()).status_code == status


@pytest.mark.parametrize(("who", "status"), DRAFT_YEAR.items())
def test_who_sees_a_draft_years_payments(cast, client_for, draft, who, status):
    assert client_for(cast[who]).get(payments_url(2025)).status_code == status


def test_signed_out_people_are_sent_to_sign_in(client, year):
    response = client.get(payments_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_page_shows_each_councils_instalments_and_position(cast, client_for, year):
    page = client_for(cast["dfe-observer"]).get(payments_url()).content.decode()
    assert "£8,400,420.00" in page and "£6,600,330.00" in page
    assert "NNC-2024-11" in page and "WNC-2024-12" in page
    assert "£79,203,960.00" in page and "£100,805,040.00" in page
    assert "£72,603,630.00" in page  # NNC paid
    assert "Record payment" not in page and "Undo" not in page


def test_officers_see_record_links_on_their_own_councils_unpaid_rows_only(cast, client_for, year):
    nnc_page = client_for(cast["nnc-officer"]).get(payments_url()).content.decode()
    assert record_url("NNC", 12) in nnc_page
    assert nnc_page.count("Record payment<") == 1
    assert record_url("NNC", 11, action="undo") in nnc_page
    assert record_url("WNC", 12, action="undo") not in nnc_page
    wnc_page = client_for(cast["wnc-officer"]).get(payments_url()).content.decode()
    assert record_url("NNC", 12) not in wnc_page
    assert "Record payment<" not in wnc_page  # every WNC instalment is paid
    assert record_url("WNC", 12, action="undo") in wnc_page


def test_a_draft_year_says_plainly_that_there_is_no_schedule_yet(cast, client_for, draft):
    page = client_for(cast["wnc-officer"]).get(payments_url(2025)).content.decode()
    assert "The schedule starts when the councils agree the year" in page
    assert "Record payment" not in page


def test_the_payments_page_takes_a_fixed_number_of_queries(
    cast, client_for, year, agreed_2025, django_assert_max_num_queries
):
    client = client_for(cast["nnc-officer"])
    with django_assert_max_num_queries(15):
        assert client.get(payments_url()).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(payments_url(2025)).status_code == 200


def test_an_officer_records_a_payment_through_the_page(cast, client_for, year):
    client = client_for(cast["nnc-officer"])
    assert client.get(record_url()).status_code == 200
    response = client.post(record_url(), {"paid_on": "2025-03-03", "reference": "NNC-2024-12"})
    assert response.status_code == 302
    assert response.url == payments_url() + "#NNC"
    paid = instalment(year, "NNC", 12)
    assert (paid.paid_on, paid.reference) == (date(2025, 3, 3), "NNC-2024-12")
    page = client.get(response.url).content.decode()
    assert "recorded as paid on 3 March 2025" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"paid_on": "", "reference": "X"}, "Enter the date it was paid"),
        ({"paid_on": "2025-02-30", "reference": "X"}, "Enter the date it was paid as a real date"),
        ({"paid_on": "2099-01-01", "reference": "X"}, "must be today or earlier"),
        ({"paid_on": "2025-03-03", "reference": ""}, "Enter the payment reference"),
    ],
)
def test_the_record_page_shows_what_is_wrong(cast, client_for, year, data, message):
    response = client_for(cast["nnc-officer"]).post(record_url(), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert not instalment(year, "NNC", 12).is_paid


def test_another_councils_officer_is_refused_with_a_clear_message(cast, client_for, year):
    client = client_for(cast["wnc-officer"])
    for response in (
        client.get(record_url()),
        client.post(record_url(), {"paid_on": "2025-03-03", "reference": "X"}),
        client.get(record_url("NNC", 11, action="undo")),
    ):
        assert response.status_code == 403
        assert "Only NNC's officers can" in response.content.decode()
    assert not instalment(year, "NNC", 12).is_paid


@pytest.mark.parametrize("who", ["nct-manager", "dfe-observer", "admin"])
def test_other_roles_get_403_from_the_record_and_undo_pages(cast, client_for, year, who):
    client = client_for(cast[who])
    assert client.get(record_url()).status_code == 403
    assert client.post(record_url(), {"paid_on": "2025-03-03", "reference": "X"}).status_code == 403
    assert client.get(record_url("NNC", 11, action="undo")).status_code == 403


def test_an_instalment_that_does_not_exist_is_not_found(cast, client_for, year):
    client = client_for(cast["nnc-officer"])
    assert client.get(record_url("NNC", 13)).status_code == 404
    assert client.get(record_url("OCC", 1)).status_code == 404


def test_the_record_page_of_a_paid_instalment_goes_back_to_the_list(cast, client_for, year):
    response = client_for(cast["nnc-officer"]).get(record_url("NNC", 11))
    assert response.status_code == 302
    assert response.url == payments_url() + "#NNC"


def test_an_officer_undoes_a_payment_through_the_page_with_a_reason(cast, client_for, year):
    client = client_for(cast["nnc-officer"])
    url = record_url("NNC", 11, action="undo")
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "Enter why the payment is being undone" in refused.content.decode()
    assert client.post(url, {"reason": "Wrong month"}).status_code == 302
    assert not instalment(year, "NNC", 11).is_paid


# --- The export --------------------------------------------------------------------------


def test_the_csv_export_has_every_instalment(cast, client_for, year):
    response = client_for(cast["dfe-observer"]).get(payments_url(format="csv"))
    assert response.status_code == 200
    assert 'filename="NCT-payments-2024-25.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Contract year", "Council", "Instalment", "Month", "Due on", "Amount (£)",
                       "Paid on", "Reference", "Recorded by", "Recorded at"]  # fmt: skip
    assert len(rows) == 1 + 24
    nnc_12 = next(r for r in rows if r[1] == "NNC" and r[2] == "12")
    assert nnc_12[:8] == ["2024/25", "NNC", "12", "March 2025", "2025-03-01", "6600330.00", "", ""]
    wnc_1 = next(r for r in rows if r[1] == "WNC" and r[2] == "1")
    assert wnc_1[4:8] == ["2024-04-01", "8400420.00", "2024-04-01", "WNC-2024-01"]
    assert wnc_1[8]  # who recorded it
    assert sum(Decimal(r[5]) for r in rows[1:] if r[1] == "NNC") == Decimal("79203960.00")


def test_the_excel_export_keeps_money_as_numbers_with_pence(cast, client_for, year):
    response = client_for(cast["nnc-officer"]).get(payments_url(format="xlsx"))
    assert response.status_code == 200
    assert 'filename="NCT-payments-2024-25.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Contract year", "Council", "Instalment", "Month", "Due on",
                           "Amount (£)")  # fmt: skip
    assert len(rows) == 25
    nnc_12 = next(r for r in rows[1:] if r[1] == "NNC" and r[2] == 12)
    assert nnc_12[5] == 6600330 and nnc_12[6] is None
    assert nnc_12[4].date() == date(2025, 3, 1)
    amount_cell = next(c for c in sheet["F"][1:] if c.value is not None)
    assert amount_cell.number_format == "#,##0.00"
    assert sum(Decimal(str(r[5])) for r in rows[1:]) == Decimal("180009000.00")


def test_a_draft_years_export_is_just_the_header(cast, client_for, draft):
    response = client_for(cast["admin"]).get(payments_url(2025, format="csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1


def test_the_export_follows_the_same_permission(cast, client_for, year):
    assert client_for(cast["wnc-scrutiny"]).get(payments_url(format="csv")).status_code == 403
    assert client_for(cast["occ-officer"]).get(payments_url(format="xlsx")).status_code == 404


# --- The split calculator ----------------------------------------------------------------


def calculator_url(financial_year=2024, **query):
    url = reverse("contracts:split-calculator", args=["NCT", financial_year])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


JANUARY = {"weight": "100", "month": "2019-01", "demand_NNC": "1,791", "demand_WNC": "2214"}


def test_the_demo_january_2019_returns_hold_the_published_open_cases(cast):
    rows = Measurement.objects.filter(
        monthly_return__arrangement__trust__code="NCT",
        monthly_return__period=date(2019, 1, 1),
        monthly_return__state="approved",
        indicator__code="OPEN_CASES",
    ).exclude(area="ALL")
    assert {m.area: m.numerator for m in rows} == {"NNC": 1791, "WNC": 2214}


def test_open_cases_are_filled_in_from_the_latest_approved_return(cast, client_for, year):
    response = client_for(cast["nct-manager"]).get(calculator_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["chosen"].period == date(2019, 2, 1)  # March 2019 is a draft
    assert 'value="1779"' in page and 'value="2205"' in page
    assert "February 2019" in page
    assert "ONS" in page or "Office for National Statistics" in page
    assert "There is a problem" not in page  # a first visit shows no errors


def test_another_approved_month_can_be_filled_in(cast, client_for, year):
    query = {"fill": "1", "month": "2019-01", "population_NNC": "350000", "weight": "75"}
    page = client_for(cast["wnc-officer"]).get(calculator_url(**query)).content.decode()
    assert 'value="1791"' in page and 'value="2214"' in page
    assert 'value="350000"' in page and 'value="75"' in page  # what was typed is kept
    assert "There is a problem" not in page


def test_all_weight_on_january_2019_demand_proposes_44_72_and_55_28(cast, client_for, year):
    response = client_for(cast["nnc-officer"]).get(calculator_url(**JANUARY))
    proposal = response.context["proposal"]
    assert proposal.shares == {"NNC": Decimal("44.72"), "WNC": Decimal("55.28")}
    assert [r.difference for r in proposal.rows] == [Decimal("0.72"), Decimal("-0.72")]
    page = response.content.decode()
    assert "+0.72" in page and "−0.72" in page
    assert "0% × its share of the total population + 100% × its share" in page


def test_officers_get_a_link_to_request_the_split_as_a_variation(cast, client_for, year):
    response = client_for(cast["wnc-officer"]).get(calculator_url(**JANUARY))
    link = response.context["variation_link"]
    assert urlsplit(link).path == reverse("contracts:variation-new", args=["NCT", 2024])
    query = parse_qs(urlsplit(link).query)
    assert query["kind"] == ["split"]
    assert (query["share_NNC"], query["share_WNC"]) == (["44.72"], ["55.28"])
    assert "January 2019" in query["basis"][0] and "1,791" in query["basis"][0]
    assert "Request this split as a variation" in response.content.decode()


def test_edited_open_cases_are_called_as_entered_in_the_basis(cast, client_for, year):
    query = {**JANUARY, "demand_NNC": "1800"}
    link = client_for(cast["wnc-officer"]).get(calculator_url(**query)).context["variation_link"]
    assert "open cases as entered" in parse_qs(urlsplit(link).query)["basis"][0]


@pytest.mark.parametrize("who", ["nct-manager", "dfe-observer", "admin"])
def test_only_council_officers_get_the_variation_link(cast, client_for, year, who):
    response = client_for(cast[who]).get(calculator_url(**JANUARY))
    assert response.context["proposal"] is not None
    assert response.context["variation_link"] is None
    assert "Request this split as a variation" not in response.content.decode()


def test_all_weight_on_population_uses_population_alone(cast, client_for, year):
    query = {"weight": "0", "population_NNC": "350,000", "population_WNC": "425000",
             "demand_NNC": "", "demand_WNC": ""}  # fmt: skip
    proposal = client_for(cast["nnc-officer"]).get(calculator_url(**query)).context["proposal"]
    assert proposal.shares == {"NNC": Decimal("45.16"), "WNC": Decimal("54.84")}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weight": ""}, "Enter the weight on demand, from 0 to 100"),
        ({"weight": "150"}, "The weight on demand must be from 0 to 100"),
        ({"weight": "-1"}, "The weight on demand must be from 0 to 100"),
        ({"weight": "half"}, "The weight on demand must be a number from 0 to 100"),
        ({"weight": "50"}, "Enter NNC&#x27;s population"),
        ({"demand_NNC": ""}, "Enter NNC&#x27;s open cases"),
        ({"demand_NNC": "-5"}, "NNC&#x27;s open cases cannot be negative"),
        ({"demand_WNC": "22.5"}, "WNC&#x27;s open cases must be a whole number"),
        ({"demand_NNC": "0", "demand_WNC": "0"}, "The open cases are all 0"),
        (
            {"weight": "0", "population_NNC": "0", "population_WNC": "0"},
            "The populations are all 0",
        ),
    ],
)
def test_the_calculator_says_what_is_wrong(cast, client_for, year, changes, message):
    response = client_for(cast["nnc-officer"]).get(calculator_url(**{**JANUARY, **changes}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert response.context["proposal"] is None


@pytest.mark.parametrize(("who", "status"), AGREED_YEAR.items())
def test_who_sees_the_split_calculator(cast, client_for, year, who, status):
    assert client_for(cast[who]).get(calculator_url()).status_code == status


@pytest.mark.parametrize(("who", "status"), DRAFT_YEAR.items())
def test_who_sees_the_split_calculator_for_a_draft_year(cast, client_for, draft, who, status):
    assert client_for(cast[who]).get(calculator_url(2025)).status_code == status
