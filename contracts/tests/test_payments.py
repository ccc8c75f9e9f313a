"""Payments: the schedule of twelve instalments, recording and undoing a payment, the
schedule following a variation, each council's position, the payments pages and their export,
and the split calculator's page.

Built on factories: the root ``world``'s 2024/25 year made and agreed through the services
(``agreed_contract_year``: the first council's contribution £900,000.00, the second's
£612,000.00 with its £12,000.00 grant), the first council's 12 instalments and the second's first
11 paid on their due dates (references "<code>-2024-<number>"); 2025/26 is a draft rolled over
from it. The split calculator reads the world's approved performance returns of January and
February 2025 (March is a draft). The demo's own January 2019 returns are checked in
test_payments_demo.py."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contracts import money
from contracts.models import ContractYear, FundingLine, Instalment, Population, Variation
from contracts.services import payments
from contracts.services import variations as variation_services
from contracts.services import years as year_services
from contracts.tests.factories import agreed_contract_year
from performance.models import ALL_AREAS
from performance.tests.factories import IndicatorFactory, MeasurementFactory, MonthlyReturnFactory
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory
from trust_portal.approvals.models import State

TODAY = date(2026, 11, 24)
FIRST_MONTHLY, SECOND_MONTHLY = Decimal("75000.00"), Decimal("51000.00")


@pytest.fixture
def codes(world):
    """{"first": code, "second": code}: the first council pays everything, the second 11 of 12."""
    first, second = world.councils
    return {"first": first.code, "second": second.code}


@pytest.fixture
def officers(world):
    """{code: that council's officer}."""
    return {c.code: officer for c, officer in zip(world.councils, world.officers, strict=True)}


@pytest.fixture
def year(world, officers):
    year = agreed_contract_year(world, paid=(0, 0))
    for council, count in zip(world.councils, (12, 11), strict=True):
        for i in year.instalments.filter(council=council).order_by("number")[:count]:
            payments.instalment_record_payment(
                by=officers[council.code],
                instalment=i,
                paid_on=i.due_on,
                reference=f"{council.code}-2024-{i.number:02d}",
            )
    return year


@pytest.fixture
def draft(people, year):
    return year_services.contract_year_rollover(by=people["officer"], contract_year=year)


@pytest.fixture
def agreed_2025(people, officers, draft):
    """The 2025/26 draft agreed, with each council's first three instalments paid."""
    year_services.contract_year_agree(
        by=people["admin"], contract_year=draft, agreed_on=date(2025, 3, 20)
    )
    for code, officer in officers.items():
        for i in draft.instalments.filter(council__code=code, number__lte=3):
            payments.instalment_record_payment(
                by=officer,
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


def vary_core_funding(people, contract_year, amount: str) -> Variation:
    core = contract_year.lines.get(block=FundingLine.Block.CORE)
    variation = variation_services.variation_request(
        by=people["officer"],
        contract_year=contract_year,
        kind=Variation.Kind.CHANGE_LINE,
        line=core,
        amount=amount,
        reason="Pay award agreed by the councils",
    )
    return variation


def positions(contract_year, today) -> dict:
    """{code: position}, after checking they come in code order."""
    rows = payments.payment_position(contract_year, today=today)
    assert [p.code for p in rows] == sorted(p.code for p in rows)
    return {p.code: p for p in rows}


# --- The schedule ------------------------------------------------------------------------


def test_an_agreed_year_has_twelve_instalments_per_council_adding_up_to_its_contribution(
    year, codes
):
    figures = money.year_figures(year)
    for council in figures.councils:
        rows = list(year.instalments.filter(council__code=council.code).order_by("number"))
        assert [i.number for i in rows] == list(range(1, 13))
        assert sum(i.amount for i in rows) == council.contribution
    assert amounts(year, codes["first"]) == [FIRST_MONTHLY] * 12
    assert amounts(year, codes["second"]) == [SECOND_MONTHLY] * 12


def test_instalments_fall_due_on_the_first_of_each_month_from_april(year, codes):
    rows = year.instalments.filter(council__code=codes["second"]).order_by("number")
    due = [i.due_on for i in rows]
    assert due[0] == date(2024, 4, 1)
    assert due[8] == date(2024, 12, 1)
    assert due[9] == date(2025, 1, 1)
    assert due[11] == date(2025, 3, 1)


def test_a_draft_year_has_no_instalments(draft):
    assert draft.state == ContractYear.State.DRAFT
    assert not draft.instalments.exists()


def test_agreeing_a_year_starts_its_schedule(people, draft):
    year_services.contract_year_agree(
        by=people["admin"], contract_year=draft, agreed_on=date(2025, 3, 20)
    )
    figures = money.year_figures(draft)
    for council in figures.councils:
        assert sum(amounts(draft, council.code)) == council.contribution
        assert len(amounts(draft, council.code)) == 12
    assert not draft.instalments.filter(paid_on__isnull=False).exists()


# --- Recording and undoing a payment -----------------------------------------------------


def test_an_officer_records_their_own_councils_payment(people, year, codes):
    i = instalment(year, codes["second"], 12)
    payments.instalment_record_payment(
        by=people["other-officer"], instalment=i, paid_on=date(2025, 3, 3), reference=" BACS 4471 "
    )
    i.refresh_from_db()
    assert (i.paid_on, i.reference, i.recorded_by) == (
        date(2025, 3, 3),
        "BACS 4471",
        people["other-officer"],
    )
    latest = i.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        people["other-officer"],
        "Payment recorded",
    )


def test_an_officer_cannot_record_another_councils_payment(people, year, codes):
    second = codes["second"]
    with pytest.raises(
        PermissionDenied, match=f"Only {second}'s officers record {second}'s payments"
    ):
        payments.instalment_record_payment(
            by=people["officer"],
            instalment=instalment(year, second, 12),
            paid_on=date(2025, 3, 3),
            reference="X",
        )
    assert not instalment(year, second, 12).is_paid


@pytest.mark.parametrize(
    "who", ["manager", "observer", "scrutiny", "admin", "outsider", "unattached"]
)
def test_nobody_but_council_officers_of_the_arrangement_records_payments(people, year, codes, who):
    with pytest.raises(PermissionDenied):
        payments.instalment_record_payment(
            by=people[who],
            instalment=instalment(year, codes["second"], 12),
            paid_on=date(2025, 3, 3),
            reference="X",
        )


def test_a_payment_date_in_the_future_is_refused(people, year, codes):
    with pytest.raises(ValidationError) as refused:
        payments.instalment_record_payment(
            by=people["other-officer"],
            instalment=instalment(year, codes["second"], 12),
            paid_on=date(2099, 1, 1),
            reference="X",
        )
    assert refused.value.message_dict["paid_on"] == [
        "The date it was paid must be today or earlier."
    ]


@pytest.mark.parametrize("reference", ["", "   "])
def test_a_payment_needs_a_reference(people, year, codes, reference):
    with pytest.raises(ValidationError) as refused:
        payments.instalment_record_payment(
            by=people["other-officer"],
            instalment=instalment(year, codes["second"], 12),
            paid_on=date(2025, 3, 3),
            reference=reference,
        )
    assert refused.value.message_dict["reference"] == ["Enter the payment reference."]


def test_a_payment_cannot_be_recorded_twice(people, year, codes):
    with pytest.raises(ValidationError, match="was recorded as paid on 1 February 2025"):
        payments.instalment_record_payment(
            by=people["other-officer"],
            instalment=instalment(year, codes["second"], 11),
            paid_on=date(2025, 3, 3),
            reference="again",
        )


def test_undoing_a_payment_needs_a_reason(people, year, codes):
    with pytest.raises(ValidationError, match="Say why"):
        payments.instalment_undo_payment(
            by=people["other-officer"],
            instalment=instalment(year, codes["second"], 11),
            reason="  ",
        )
    assert instalment(year, codes["second"], 11).is_paid


def test_undoing_a_payment_shows_it_unpaid_with_the_reason_kept(people, year, codes):
    second = codes["second"]
    payments.instalment_undo_payment(
        by=people["other-officer"],
        instalment=instalment(year, second, 11),
        reason="Recorded against the wrong month",
    )
    undone = instalment(year, second, 11)
    assert (undone.paid_on, undone.reference) == (None, "")
    reasons = [r.history_change_reason for r in undone.history.all()]
    assert "Recorded against the wrong month" in reasons
    assert amounts(year, second) == [SECOND_MONTHLY] * 12  # nothing else moved
    assert year.instalments.filter(council__code=second, paid_on__isnull=False).count() == 10


def test_only_the_paying_councils_officers_undo_its_payments(people, year, codes):
    second = codes["second"]
    with pytest.raises(
        PermissionDenied, match=f"Only {second}'s officers correct {second}'s payments"
    ):
        payments.instalment_undo_payment(
            by=people["officer"], instalment=instalment(year, second, 11), reason="Mistake"
        )


def test_an_unpaid_instalment_cannot_be_undone(people, year, codes):
    with pytest.raises(ValidationError, match="is not recorded as paid"):
        payments.instalment_undo_payment(
            by=people["other-officer"],
            instalment=instalment(year, codes["second"], 12),
            reason="Mistake",
        )


# --- The schedule follows variations -----------------------------------------------------


def test_a_variation_after_some_payments_respreads_only_the_unpaid_instalments(
    people, codes, agreed_2025
):
    year = agreed_2025
    paid_before = {code: amounts(year, code)[:3] for code in codes.values()}
    # An odd number of pence, so the respread has pennies to place.
    variation = vary_core_funding(people, year, "1200000.07")
    variation_services.variation_approve(
        by=people["admin"], variation=variation, decision_date=date(2025, 9, 1)
    )
    figures = money.year_figures(year)
    for council in figures.councils:
        rows = amounts(year, council.code)
        assert rows[:3] == paid_before[council.code]  # paid instalments never move
        assert sum(rows) == council.contribution  # and the total still matches
        unpaid = rows[3:]
        assert max(unpaid) - min(unpaid) <= money.PENNY
        assert unpaid == sorted(unpaid, reverse=True)  # spare pennies to the earliest
    assert figures.council(codes["first"]).contribution == Decimal("864000.04")
    assert figures.council(codes["second"]).contribution == Decimal("576000.03")


def test_a_reduction_below_what_a_council_has_paid_becomes_a_refund_it_is_owed(people, year, codes):
    second = codes["second"]
    variation = vary_core_funding(people, year, "900000.00")
    variation_services.variation_approve(
        by=people["admin"], variation=variation, decision_date=date(2025, 3, 1)
    )
    figures = money.year_figures(year)
    position = figures.council(second)
    assert position.contribution == Decimal("492000.00")  # 40% of £1,200,000.00 and its grant
    # It paid 11 of 12 (£561,000.00): its last monthly instalment drops to nothing and a
    # balancing payment of minus the overpayment is owed back to it by the trust.
    balancing = instalment(year, second, Instalment.BALANCING)
    assert balancing.amount == Decimal("492000.00") - Decimal("561000.00")
    assert instalment(year, second, 12).amount == Decimal("0.00")
    assert sum(amounts(year, second)) == position.contribution
    assert balancing.history.latest().history_user == people["admin"]


def test_an_increase_once_every_instalment_is_paid_becomes_a_balancing_payment(people, year, codes):
    first, second = codes["first"], codes["second"]
    variation = vary_core_funding(people, year, "1300000.00")
    variation_services.variation_approve(
        by=people["admin"], variation=variation, decision_date=date(2025, 3, 1)
    )
    figures = money.year_figures(year)
    balancing = instalment(year, first, Instalment.BALANCING)
    assert balancing.amount == figures.council(first).contribution - Decimal("900000.00")
    assert balancing.amount == Decimal("60000.00")  # 60% of the £100,000 increase
    assert str(balancing) == f"{first} balancing payment of 2024/25"
    # The second council still had March unpaid: its increase goes there, with no balancing
    # payment.
    assert not year.instalments.filter(council__code=second, number=Instalment.BALANCING).exists()
    for council in figures.councils:
        assert sum(amounts(year, council.code)) == council.contribution


def test_a_settled_balancing_payment_stops_further_changes_that_year(people, year, codes):
    variation_services.variation_approve(
        by=people["admin"],
        decision_date=date(2025, 3, 1),
        variation=vary_core_funding(people, year, "1300000.00"),
    )
    payments.instalment_record_payment(
        by=people["officer"],
        paid_on=date(2025, 4, 2),
        instalment=instalment(year, codes["first"], Instalment.BALANCING),
        reference="FIRST-BAL",
    )
    with pytest.raises(ValidationError, match="balancing payment for 2024/25 is settled"):
        variation_services.variation_approve(
            by=people["admin"],
            decision_date=date(2025, 4, 3),
            variation=vary_core_funding(people, year, "1310000.00"),
        )


# --- Each council's position -------------------------------------------------------------


def test_the_position_once_the_year_is_over(year, codes):
    by_code = positions(year, TODAY)
    first, second = by_code[codes["first"]], by_code[codes["second"]]
    assert second.contribution == second.instalments_total == Decimal("612000.00")
    assert second.due_to_date == Decimal("612000.00")
    assert second.paid == Decimal("561000.00")
    assert second.outstanding == SECOND_MONTHLY
    assert second.still_to_come == Decimal("0.00")
    assert first.paid == first.due_to_date == first.contribution == Decimal("900000.00")
    assert first.outstanding == Decimal("0.00")
    assert second.schedule_matches and first.schedule_matches


def test_the_position_part_way_through_the_year_shows_payments_made_ahead(year, codes):
    by_code = positions(year, date(2024, 9, 15))
    first, second = by_code[codes["first"]], by_code[codes["second"]]
    assert second.due_to_date == 6 * SECOND_MONTHLY  # April to September
    assert second.paid == 11 * SECOND_MONTHLY
    assert second.outstanding == -5 * SECOND_MONTHLY  # paid ahead: shown, never hidden as nought
    assert second.paid_ahead and second.paid_ahead_by == 5 * SECOND_MONTHLY
    assert second.still_to_come == 6 * SECOND_MONTHLY
    assert second.due_to_date + second.still_to_come == second.contribution
    assert first.outstanding == -6 * FIRST_MONTHLY


def test_an_instalment_due_today_counts_as_due(year, codes):
    assert positions(year, date(2024, 5, 1))[codes["second"]].due_to_date == 2 * SECOND_MONTHLY


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


@pytest.fixture
def trust(world):
    return world.trust.code


@pytest.fixture
def payments_url(trust):
    def url_of(financial_year=2024, **query):
        url = reverse("contracts:payment-list", args=[trust, financial_year])
        return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url

    return url_of


@pytest.fixture
def record_url(trust, codes):
    """record_url(code, number, financial_year, action): the second council's December
    instalment, to record, unless told otherwise."""

    def url_of(code=None, number=12, financial_year=2024, action="record"):
        args = [trust, financial_year, code or codes["second"], number]
        return reverse(f"contracts:payment-{action}", args=args)

    return url_of


AGREED_YEAR = {
    **dict.fromkeys(["officer", "other-officer", "manager", "observer", "admin"], 200),
    **dict.fromkeys(["scrutiny", "other-scrutiny"], 403),
    **dict.fromkeys(["outsider", "other-manager", "unattached"], 404),
}
DRAFT_YEAR = {**AGREED_YEAR, "manager": 404, "observer": 404}


@pytest.fixture
def everyone(world, people):
    """The world's people and a scrutiny member of the second council."""
    return {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}


@pytest.mark.parametrize(("who", "status"), AGREED_YEAR.items())
def test_who_sees_an_agreed_years_payments(everyone, client_for, year, payments_url, who, status):
    assert client_for(everyone[who]).get(payments_url()).status_code == status


@pytest.mark.parametrize(("who", "status"), DRAFT_YEAR.items())
def test_who_sees_a_draft_years_payments(everyone, client_for, draft, payments_url, who, status):
    assert client_for(everyone[who]).get(payments_url(2025)).status_code == status


def test_signed_out_people_are_sent_to_sign_in(client, year, payments_url):
    response = client.get(payments_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_page_shows_each_councils_instalments_and_position(
    people, client_for, year, codes, payments_url
):
    page = client_for(people["observer"]).get(payments_url()).content.decode()
    assert "£75,000.00" in page and "£51,000.00" in page
    assert f"{codes['second']}-2024-11" in page and f"{codes['first']}-2024-12" in page
    assert "£612,000.00" in page and "£900,000.00" in page
    assert "£561,000.00" in page  # the second council paid
    assert "Record payment" not in page and "Undo" not in page


def test_officers_see_record_links_on_their_own_councils_unpaid_rows_only(
    people, client_for, year, codes, payments_url, record_url
):
    first, second = codes["first"], codes["second"]
    second_page = client_for(people["other-officer"]).get(payments_url()).content.decode()
    assert record_url(second, 12) in second_page
    assert second_page.count("Record payment<") == 1
    assert record_url(second, 11, action="undo") in second_page
    assert record_url(first, 12, action="undo") not in second_page
    first_page = client_for(people["officer"]).get(payments_url()).content.decode()
    assert record_url(second, 12) not in first_page
    assert "Record payment<" not in first_page  # every instalment of the first council is paid
    assert record_url(first, 12, action="undo") in first_page


def test_a_draft_year_says_plainly_that_there_is_no_schedule_yet(
    people, client_for, draft, payments_url
):
    page = client_for(people["officer"]).get(payments_url(2025)).content.decode()
    assert "The schedule starts when the councils agree the year" in page
    assert "Record payment" not in page


def test_the_payments_page_takes_a_fixed_number_of_queries(
    people, client_for, year, agreed_2025, payments_url, django_assert_max_num_queries
):
    client = client_for(people["other-officer"])
    with django_assert_max_num_queries(15):
        assert client.get(payments_url()).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(payments_url(2025)).status_code == 200


def test_an_officer_records_a_payment_through_the_page(
    people, client_for, year, codes, payments_url, record_url
):
    second = codes["second"]
    client = client_for(people["other-officer"])
    assert client.get(record_url()).status_code == 200
    response = client.post(record_url(), {"paid_on": "2025-03-03", "reference": "SECOND-12"})
    assert response.status_code == 302
    assert response.url == payments_url() + f"#{second}"
    paid = instalment(year, second, 12)
    assert (paid.paid_on, paid.reference) == (date(2025, 3, 3), "SECOND-12")
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
def test_the_record_page_shows_what_is_wrong(
    people, client_for, year, codes, record_url, data, message
):
    response = client_for(people["other-officer"]).post(record_url(), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert not instalment(year, codes["second"], 12).is_paid


def test_another_councils_officer_is_refused_with_a_clear_message(
    people, client_for, year, codes, record_url
):
    second = codes["second"]
    client = client_for(people["officer"])
    for response in (
        client.get(record_url()),
        client.post(record_url(), {"paid_on": "2025-03-03", "reference": "X"}),
        client.get(record_url(second, 11, action="undo")),
    ):
        assert response.status_code == 403
        assert f"Only {second}'s officers can" in response.content.decode()
    assert not instalment(year, second, 12).is_paid


@pytest.mark.parametrize("who", ["manager", "observer", "admin"])
def test_other_roles_get_403_from_the_record_and_undo_pages(
    people, client_for, year, codes, record_url, who
):
    client = client_for(people[who])
    assert client.get(record_url()).status_code == 403
    assert client.post(record_url(), {"paid_on": "2025-03-03", "reference": "X"}).status_code == 403
    assert client.get(record_url(codes["second"], 11, action="undo")).status_code == 403


def test_an_instalment_that_does_not_exist_is_not_found(
    people, client_for, year, codes, record_url
):
    client = client_for(people["other-officer"])
    assert client.get(record_url(codes["second"], 13)).status_code == 404
    elsewhere = people["outsider"].organisation.code  # a council of another arrangement
    assert client.get(record_url(elsewhere, 1)).status_code == 404


def test_the_record_page_of_a_paid_instalment_goes_back_to_the_list(
    people, client_for, year, codes, payments_url, record_url
):
    response = client_for(people["other-officer"]).get(record_url(codes["second"], 11))
    assert response.status_code == 302
    assert response.url == payments_url() + f"#{codes['second']}"


def test_an_officer_undoes_a_payment_through_the_page_with_a_reason(
    people, client_for, year, codes, record_url
):
    client = client_for(people["other-officer"])
    url = record_url(codes["second"], 11, action="undo")
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "Enter why the payment is being undone" in refused.content.decode()
    assert client.post(url, {"reason": "Wrong month"}).status_code == 302
    assert not instalment(year, codes["second"], 11).is_paid


# --- The export --------------------------------------------------------------------------


def test_the_csv_export_has_every_instalment(people, client_for, year, trust, codes, payments_url):
    first, second = codes["first"], codes["second"]
    response = client_for(people["observer"]).get(payments_url(format="csv"))
    assert response.status_code == 200
    assert f'filename="{trust}-payments-2024-25.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Contract year", "Council", "Instalment", "Month", "Due on", "Amount (£)",
                       "Paid on", "Reference", "Recorded by", "Recorded at"]  # fmt: skip
    assert len(rows) == 1 + 24
    second_12 = next(r for r in rows if r[1] == second and r[2] == "12")
    assert second_12[:8] == [
        "2024/25",
        second,
        "12",
        "March 2025",
        "2025-03-01",
        "51000.00",
        "",
        "",
    ]
    first_1 = next(r for r in rows if r[1] == first and r[2] == "1")
    assert first_1[4:8] == ["2024-04-01", "75000.00", "2024-04-01", f"{first}-2024-01"]
    assert first_1[8]  # who recorded it
    assert sum(Decimal(r[5]) for r in rows[1:] if r[1] == second) == Decimal("612000.00")


def test_the_excel_export_keeps_money_as_numbers_with_pence(
    people, client_for, year, trust, codes, payments_url
):
    response = client_for(people["other-officer"]).get(payments_url(format="xlsx"))
    assert response.status_code == 200
    assert f'filename="{trust}-payments-2024-25.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Contract year", "Council", "Instalment", "Month", "Due on",
                           "Amount (£)")  # fmt: skip
    assert len(rows) == 25
    second_12 = next(r for r in rows[1:] if r[1] == codes["second"] and r[2] == 12)
    assert second_12[5] == 51000 and second_12[6] is None
    assert second_12[4].date() == date(2025, 3, 1)
    amount_cell = next(c for c in sheet["F"][1:] if c.value is not None)
    assert amount_cell.number_format == "#,##0.00"
    # Both councils' contributions: the contract sum and the second council's grant.
    assert sum(Decimal(str(r[5])) for r in rows[1:]) == Decimal("1512000.00")


def test_a_draft_years_export_is_just_the_header(people, client_for, draft, payments_url):
    response = client_for(people["admin"]).get(payments_url(2025, format="csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1


def test_the_export_follows_the_same_permission(people, client_for, year, payments_url):
    assert client_for(people["scrutiny"]).get(payments_url(format="csv")).status_code == 403
    assert client_for(people["outsider"]).get(payments_url(format="xlsx")).status_code == 404


# --- The split calculator ----------------------------------------------------------------

# Open cases of each council area (first, second) in the world's returns of 2025.
OPEN_CASES = {
    (1, State.APPROVED): (6072, 3928),
    (2, State.APPROVED): (6100, 3900),
    (3, State.DRAFT): (6200, 3800),
}


@pytest.fixture
def returns(world):
    """The world's monthly returns of January to March 2025 with each area's open cases (and
    an all-areas figure the calculator leaves out)."""
    open_cases = IndicatorFactory(code="OPEN_CASES")
    for (month, state), figures in OPEN_CASES.items():
        approved = timezone.make_aware(datetime(2025, month + 1, 5, 12))
        monthly_return = MonthlyReturnFactory(
            arrangement=world.arrangement,
            period=date(2025, month, 1),
            state=state,
            approved_at=approved if state == State.APPROVED else None,
        )
        for council, cases in zip(world.councils, figures, strict=True):
            MeasurementFactory(
                monthly_return=monthly_return,
                indicator=open_cases,
                area=council.code,
                numerator=cases,
                denominator=None,
            )
        MeasurementFactory(
            monthly_return=monthly_return,
            indicator=open_cases,
            area=ALL_AREAS,
            numerator=sum(figures),
            denominator=None,
        )


@pytest.fixture
def calculator_url(trust):
    def url_of(financial_year=2024, **query):
        url = reverse("contracts:split-calculator", args=[trust, financial_year])
        return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url

    return url_of


@pytest.fixture
def january(codes):
    """All weight on January 2025's open cases, as typed (one with a thousands comma)."""
    return {
        "weight": "100",
        "month": "2025-01",
        f"demand_{codes['first']}": "6,072",
        f"demand_{codes['second']}": "3928",
    }


def test_open_cases_are_filled_in_from_the_latest_approved_return(
    people, client_for, year, returns, calculator_url
):
    response = client_for(people["manager"]).get(calculator_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["chosen"].period == date(2025, 2, 1)  # March 2025 is a draft
    assert 'value="6100"' in page and 'value="3900"' in page
    assert "February 2025" in page
    assert "ONS" in page or "Office for National Statistics" in page
    assert "There is a problem" not in page  # a first visit shows no errors


def test_another_approved_month_can_be_filled_in(
    people, client_for, year, returns, codes, calculator_url
):
    query = {"fill": "1", "month": "2025-01", f"population_{codes['first']}": "350000",
             "weight": "75"}  # fmt: skip
    page = client_for(people["officer"]).get(calculator_url(**query)).content.decode()
    assert 'value="6072"' in page and 'value="3928"' in page
    assert 'value="350000"' in page and 'value="75"' in page  # what was typed is kept
    assert "There is a problem" not in page


def test_all_weight_on_january_demand_proposes_60_72_and_39_28(
    people, client_for, year, returns, codes, january, calculator_url
):
    response = client_for(people["other-officer"]).get(calculator_url(**january))
    proposal = response.context["proposal"]
    first, second = codes["first"], codes["second"]
    assert proposal.shares == {first: Decimal("60.72"), second: Decimal("39.28")}
    assert list(proposal.shares) == sorted(codes.values())  # in code order
    differences = {row.code: row.difference for row in proposal.rows}
    assert differences == {first: Decimal("0.72"), second: Decimal("-0.72")}
    page = response.content.decode()
    assert "+0.72" in page and "−0.72" in page
    assert "0% × its share of the total population + 100% × its share" in page


def test_officers_get_a_link_to_request_the_split_as_a_variation(
    people, client_for, year, returns, trust, codes, january, calculator_url
):
    response = client_for(people["officer"]).get(calculator_url(**january))
    link = response.context["variation_link"]
    assert urlsplit(link).path == reverse("contracts:variation-new", args=[trust, 2024])
    query = parse_qs(urlsplit(link).query)
    assert query["kind"] == ["split"]
    first, second = codes["first"], codes["second"]
    assert (query[f"share_{first}"], query[f"share_{second}"]) == (["60.72"], ["39.28"])
    assert "January 2025" in query["basis"][0] and "6,072" in query["basis"][0]
    assert "Request this split as a variation" in response.content.decode()


def test_edited_open_cases_are_called_as_entered_in_the_basis(
    people, client_for, year, returns, codes, january, calculator_url
):
    query = {**january, f"demand_{codes['second']}": "4000"}
    link = client_for(people["officer"]).get(calculator_url(**query)).context["variation_link"]
    assert "open cases as entered" in parse_qs(urlsplit(link).query)["basis"][0]


@pytest.mark.parametrize("who", ["manager", "observer", "admin"])
def test_only_council_officers_get_the_variation_link(
    people, client_for, year, returns, january, calculator_url, who
):
    response = client_for(people[who]).get(calculator_url(**january))
    assert response.context["proposal"] is not None
    assert response.context["variation_link"] is None
    assert "Request this split as a variation" not in response.content.decode()


def test_all_weight_on_population_uses_population_alone(
    people, client_for, year, codes, calculator_url
):
    first, second = codes["first"], codes["second"]
    query = {"weight": "0", f"population_{first}": "350,000", f"population_{second}": "425000",
             f"demand_{first}": "", f"demand_{second}": ""}  # fmt: skip
    response = client_for(people["other-officer"]).get(calculator_url(**query))
    proposal = response.context["proposal"]
    # 350/775 = 45.1612…%, 425/775 = 54.8387…%
    assert proposal.shares == {first: Decimal("45.16"), second: Decimal("54.84")}


# "{a}" and "{b}" are the councils in code order (the order the calculator asks for them).
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weight": ""}, "Enter the weight on demand, from 0 to 100"),
        ({"weight": "150"}, "The weight on demand must be from 0 to 100"),
        ({"weight": "-1"}, "The weight on demand must be from 0 to 100"),
        ({"weight": "half"}, "The weight on demand must be a number from 0 to 100"),
        ({"weight": "50"}, "Enter {a}&#x27;s population"),
        ({"demand_{a}": ""}, "Enter {a}&#x27;s open cases"),
        ({"demand_{a}": "-5"}, "{a}&#x27;s open cases cannot be negative"),
        ({"demand_{b}": "22.5"}, "{b}&#x27;s open cases must be a whole number"),
        ({"weight": "9" * 30}, "The weight on demand must be from 0 to 100"),
        ({"weight": "١٢"}, "The weight on demand must be a number from 0 to 100"),
        ({"demand_{a}": "١٢"}, "{a}&#x27;s open cases must be a whole number"),
        ({"population_{b}": "²"}, "{b}&#x27;s population must be a whole number"),
        ({"demand_{b}": "9" * 15}, "{b}&#x27;s open cases is too large: at most 2,147,483,647"),
        ({"demand_{a}": "0", "demand_{b}": "0"}, "The open cases are all 0"),
        (
            {"weight": "0", "population_{a}": "0", "population_{b}": "0"},
            "The populations are all 0",
        ),
    ],
)
def test_the_calculator_says_what_is_wrong(
    people, client_for, year, returns, codes, january, calculator_url, changes, message
):
    a, b = sorted(codes.values())
    changes = {key.format(a=a, b=b): value for key, value in changes.items()}
    response = client_for(people["other-officer"]).get(calculator_url(**{**january, **changes}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message.format(a=a, b=b) in page
    assert response.context["proposal"] is None


@pytest.mark.parametrize(("who", "status"), AGREED_YEAR.items())
def test_who_sees_the_split_calculator(everyone, client_for, year, calculator_url, who, status):
    assert client_for(everyone[who]).get(calculator_url()).status_code == status


@pytest.mark.parametrize(("who", "status"), DRAFT_YEAR.items())
def test_who_sees_the_split_calculator_for_a_draft_year(
    everyone, client_for, draft, calculator_url, who, status
):
    assert client_for(everyone[who]).get(calculator_url(2025)).status_code == status


# --- The split calculator in pounds, its remembered populations and its caseload month --------


@pytest.fixture
def odd_sum_2025(people, draft):
    """2025/26 (the draft, its 60/40 split carried over) with a line of £12,345.67 added: a
    contract sum of £1,452,345.67 (the recurring £1,440,000.00 plus it), split to the penny."""
    year_services.funding_line_save(
        by=people["officer"],
        contract_year=draft,
        reason="Added for the test",
        block=2,
        name="Odd pennies",
        amount=Decimal("12345.67"),
        recurring=False,
    )
    return draft


def test_the_difference_is_given_in_pounds_per_council_to_the_penny(
    people, client_for, odd_sum_2025, returns, codes, january, calculator_url
):
    response = client_for(people["officer"]).get(calculator_url(2025, **january))
    proposal = response.context["proposal"]
    first, second = codes["first"], codes["second"]
    assert proposal.contract_sum == Decimal("1452345.67")
    rows = {row.code: row for row in proposal.rows}
    # 60.72% and 39.28% of it, against 60% and 40%, each split by largest remainder.
    assert (rows[first].proposed_amount, rows[second].proposed_amount) == (
        Decimal("881864.29"),
        Decimal("570481.38"),
    )
    assert (rows[first].current_amount, rows[second].current_amount) == (
        Decimal("871407.40"),
        Decimal("580938.27"),
    )
    assert (rows[first].difference_pounds, rows[second].difference_pounds) == (
        Decimal("10456.89"),
        Decimal("-10456.89"),
    )
    page = response.content.decode()
    assert "+£10,456.89" in page and "−£10,456.89" in page
    assert "£1,452,345.67" in page


def test_a_caseload_month_outside_the_contract_year_is_warned_about(
    people, client_for, odd_sum_2025, returns, calculator_url
):
    page = client_for(people["officer"]).get(calculator_url(2025)).content.decode()
    assert (
        "The caseload month, February 2025, is outside the contract year 2025/26 "
        "(April 2025 to March 2026)." in page
    )


def test_a_caseload_month_inside_the_contract_year_is_not_warned_about(
    people, client_for, year, returns, calculator_url
):
    response = client_for(people["officer"]).get(calculator_url(2024))
    assert response.context["month_warning"] is None
    assert "is outside the contract year" not in response.content.decode()


def test_an_officer_remembers_the_populations_and_the_calculator_starts_from_them(
    people, client_for, world, year, returns, codes, calculator_url
):
    first, second = codes["first"], codes["second"]
    sent = {f"population_{first}": "350000", f"population_{second}": "250000", "query": "a=1"}
    response = client_for(people["officer"]).post(calculator_url(), sent)
    assert response.status_code == 302
    assert response["Location"] == calculator_url(a=1) + "#result"
    remembered = {
        p.council.code: p for p in Population.objects.filter(arrangement=world.arrangement)
    }
    assert {code: p.population for code, p in remembered.items()} == {
        first: 350000,
        second: 250000,
    }
    assert remembered[first].recorded_by == people["officer"]
    assert remembered[first].history.get().history_change_reason == (
        "Remembered for the split calculator"
    )
    page = client_for(people["manager"]).get(calculator_url()).content.decode()
    assert 'value="350000"' in page and 'value="250000"' in page
    assert "Filled in with the populations remembered for" in page


def test_remembering_the_same_populations_again_changes_nothing(people, world, year, codes):
    figures = {codes["first"]: 350000, codes["second"]: 250000}
    payments.population_record(
        by=people["officer"], arrangement=world.arrangement, populations=figures
    )
    payments.population_record(
        by=people["other-officer"], arrangement=world.arrangement, populations=figures
    )
    rows = Population.objects.filter(arrangement=world.arrangement)
    assert [row.history.count() for row in rows] == [1, 1]
    assert {row.recorded_by for row in rows} == {people["officer"]}


@pytest.mark.parametrize(
    ("who", "status"),
    {
        **dict.fromkeys(["officer", "other-officer"], 302),
        **dict.fromkeys(["manager", "observer", "admin", "scrutiny", "other-scrutiny"], 403),
        **dict.fromkeys(["outsider", "other-manager", "unattached"], 404),
    }.items(),
)
def test_who_may_remember_populations(
    everyone, client_for, world, year, codes, calculator_url, who, status
):
    sent = {f"population_{codes['first']}": "1", f"population_{codes['second']}": "2"}
    assert client_for(everyone[who]).post(calculator_url(), sent).status_code == status
    saved = Population.objects.filter(arrangement=world.arrangement).count()
    assert saved == (2 if status == 302 else 0)
