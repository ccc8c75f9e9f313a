"""Service contracts and contract years: who may change what, the draft → agreed rule, variations
and their history, rollover, and contributions that follow every change to the penny."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contracts import money
from contracts.models import (
    ContractYear,
    CostShare,
    FundingLine,
    Instalment,
    ServiceContract,
    Variation,
)
from contracts.services import contracts as contract_services
from contracts.services import variations as variation_services
from contracts.services import years as year_services
from trust_portal.accounts.models import Arrangement, Organisation

D = Decimal


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


@pytest.fixture
def councils(cast):
    return {c.code: c for c in Organisation.objects.filter(code__in=["WNC", "NNC", "OCC"])}


@pytest.fixture
def y2024(cast):
    return ContractYear.objects.get(arrangement__trust__code="NCT", financial_year=2024)


@pytest.fixture
def y2025(cast):
    return ContractYear.objects.get(arrangement__trust__code="NCT", financial_year=2025)


def split_variation(cast, year, shares, who="wnc-officer"):
    return variation_services.variation_request(
        by=cast[who],
        contract_year=year,
        kind=Variation.Kind.SPLIT,
        reason="Agreed split",
        shares=shares,
        basis="Population and demand",
    )


def approve(cast, variation, day=date(2025, 3, 1)):
    variation_services.variation_approve(by=cast["admin"], variation=variation, decision_date=day)


# --- The demo, from the October 2024 scrutiny report -----------------------------------------


def test_the_demo_year_reproduces_the_published_figures(y2024):
    figures = money.year_figures(y2024)
    assert figures.contract_sum == D("180009000.00")
    assert figures.block1 == D("177429000.00")
    assert figures.block2 == D("2580000.00") and figures.block2_non_recurring == D("2363000.00")
    assert figures.block3_provision == D("3291000.00")
    assert figures.council("WNC").share_of_contract_sum == D("100805040.00")
    assert figures.council("NNC").share_of_contract_sum == D("79203960.00")
    assert figures.council("WNC").adjustments == D("738000.00")
    assert figures.council("NNC").adjustments == D("584000.00")


def test_each_councils_twelve_instalments_add_up_to_its_contribution(y2024):
    figures = money.year_figures(y2024)
    for council in figures.councils:
        rows = Instalment.objects.filter(contract_year=y2024, council__code=council.code)
        assert rows.count() == 12
        assert sum(r.amount for r in rows) == council.contribution
    first = Instalment.objects.get(contract_year=y2024, council__code="WNC", number=1)
    assert first.due_on == date(2024, 4, 1) and first.amount == D("8400420.00")


# --- Service contracts -----------------------------------------------------------------------


def contract(cast, nct, councils, who="wnc-officer", council="WNC", **changes):
    fields = {
        "reference": "NCT-SC-WNC-2028",
        "title": "Next contract",
        "starts_on": date(2028, 4, 1),
        "ends_on": date(2033, 3, 31),
    }
    fields.update(changes)
    return contract_services.contract_create(
        by=cast[who],
        arrangement=nct,
        council=councils[council],
        obligations=["Report monthly", "", "  "],
        **fields,
    )


def test_an_officer_records_their_own_councils_contract_with_its_obligations(cast, nct, councils):
    made = contract(cast, nct, councils)
    assert [o.text for o in made.obligations.all()] == ["Report monthly"]
    assert made.history.first().history_user == cast["wnc-officer"]


def test_an_officer_cannot_record_another_councils_contract(cast, nct, councils):
    with pytest.raises(PermissionDenied):
        contract(cast, nct, councils, who="nnc-officer")


@pytest.mark.parametrize("who", ["nct-manager", "dfe-observer", "wnc-scrutiny", "admin"])
def test_only_council_officers_record_contracts(cast, nct, councils, who):
    with pytest.raises(PermissionDenied):
        contract(cast, nct, councils, who=who)


@pytest.mark.parametrize(
    ("ends_on", "ok"),
    [
        (date(2031, 3, 30), False),
        (date(2031, 3, 31), True),
        (date(2033, 3, 31), True),
        (date(2033, 4, 1), False),
    ],
)
def test_a_contract_runs_three_to_five_years(cast, nct, councils, ends_on, ok):
    if ok:
        assert contract(cast, nct, councils, ends_on=ends_on).pk
    else:
        with pytest.raises(ValidationError, match="3 to 5 years"):
            contract(cast, nct, councils, ends_on=ends_on)


def test_a_council_has_one_contract_at_a_time(cast, nct, councils):
    with pytest.raises(ValidationError, match="already has contract NCT-SC-WNC-2023"):
        contract(cast, nct, councils, starts_on=date(2025, 4, 1), ends_on=date(2030, 3, 31))


def test_a_council_of_another_trust_cannot_hold_this_trusts_contract(nct, councils):
    wrong = ServiceContract(
        arrangement=nct,
        council=councils["OCC"],
        reference="X",
        title="X",
        starts_on=date(2028, 4, 1),
        ends_on=date(2031, 3, 31),
    )
    with pytest.raises(ValidationError, match="commissions this trust"):
        wrong.full_clean()


def test_an_officer_of_another_arrangement_cannot_record_a_contract_here(cast, nct, councils):
    with pytest.raises(PermissionDenied):
        contract(cast, nct, councils, who="occ-officer", council="OCC")


def test_changing_a_contract_needs_a_reason_and_keeps_it(cast):
    wnc = ServiceContract.objects.get(reference="NCT-SC-WNC-2023")
    with pytest.raises(ValidationError, match="Say why"):
        contract_services.contract_update(
            by=cast["wnc-officer"], contract=wnc, reason=" ", title="New"
        )
    contract_services.contract_update(
        by=cast["wnc-officer"], contract=wnc, reason="Renamed", title="New"
    )
    assert wnc.history.first().history_change_reason == "Renamed"


# --- Draft years: lines change directly, with a reason -----------------------------------------


def test_a_draft_years_lines_are_changed_directly_with_a_reason(cast, y2025):
    line = year_services.funding_line_save(
        by=cast["nnc-officer"],
        contract_year=y2025,
        reason="Pay award",
        block=2,
        name="Social work academy",
        amount="£1,250,000.50",
        recurring=False,
    )
    assert line.amount == D("1250000.50")
    assert line.history.first().history_change_reason == "Pay award"
    pk = line.pk
    year_services.funding_line_remove(by=cast["nnc-officer"], line=line, reason="Not needed")
    assert not FundingLine.objects.filter(pk=pk).exists()
    removal = FundingLine.history.get(id=pk, history_type="-")
    assert removal.history_user == cast["nnc-officer"]
    assert removal.history_change_reason == "Not needed"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Enter the amount"),
        ("12.345", "to the penny"),
        ("ten", "not “ten”"),
        ("-5", "at least £0.00"),
        # The same rules as budget monitoring: thousands separators in their places only.
        ("1,23,4", "not “1,23,4”"),
        ("1e6", "not “1e6”"),
        (Decimal("1E+12"), "too large"),
    ],
)
def test_an_amount_is_pounds_and_pence(cast, y2025, amount, message):
    with pytest.raises(ValidationError, match=message):
        year_services.funding_line_save(
            by=cast["wnc-officer"],
            contract_year=y2025,
            reason="r",
            block=2,
            name="Item",
            amount=amount,
            recurring=True,
        )


def test_core_funding_is_always_recurring(cast, y2025):
    with pytest.raises(ValidationError, match="always recurring"):
        year_services.funding_line_save(
            by=cast["wnc-officer"],
            contract_year=y2025,
            reason="r",
            block=1,
            name="Core",
            amount="1.00",
            recurring=False,
        )


def test_only_block_3_may_be_funded_by_one_council(cast, y2025, councils):
    with pytest.raises(ValidationError, match="Only a Block 3"):
        year_services.funding_line_save(
            by=cast["wnc-officer"],
            contract_year=y2025,
            reason="r",
            block=2,
            name="Item",
            amount="1.00",
            recurring=True,
            funded_by=councils["WNC"],
        )


def test_an_agreed_years_lines_change_only_through_variations(cast, y2024):
    line = y2024.lines.first()
    with pytest.raises(ValidationError, match="only through a variation"):
        year_services.funding_line_save(
            by=cast["wnc-officer"],
            contract_year=y2024,
            line=line,
            reason="r",
            block=1,
            name="Core",
            amount="1.00",
            recurring=True,
        )


@pytest.mark.parametrize("who", ["nct-manager", "dfe-observer", "admin", "occ-officer"])
def test_only_the_arrangements_council_officers_edit_lines(cast, y2025, who):
    with pytest.raises(PermissionDenied):
        year_services.funding_line_save(
            by=cast[who],
            contract_year=y2025,
            reason="r",
            block=2,
            name="Item",
            amount="1.00",
            recurring=True,
        )


# --- Variations ------------------------------------------------------------------------------


def test_a_split_must_add_up_to_exactly_100(cast, y2025):
    with pytest.raises(ValidationError) as caught:
        split_variation(cast, y2025, {"WNC": "56", "NNC": "43.99"})
    assert "add up to 99.99, not 100" in str(caught.value)


def test_a_split_names_every_council_of_the_trust(cast, y2025):
    with pytest.raises(ValidationError, match="NNC's percentage"):
        split_variation(cast, y2025, {"WNC": "100"})
    with pytest.raises(ValidationError, match="Not councils of this trust: OCC"):
        split_variation(cast, y2025, {"WNC": "56", "NNC": "44", "OCC": "0"})


def test_an_approved_split_replaces_the_old_and_keeps_what_it_replaced(cast, y2025):
    variation = split_variation(cast, y2025, {"WNC": "55.28", "NNC": "44.72"})
    assert CostShare.objects.get(contract_year=y2025, council__code="WNC").percentage == 56
    approve(cast, variation)
    variation.refresh_from_db()
    assert variation.state == Variation.State.APPROVED
    assert variation.before["shares"] == {"NNC": "44.00", "WNC": "56.00"}
    assert CostShare.objects.get(contract_year=y2025, council__code="WNC").percentage == D("55.28")
    share = CostShare.objects.get(contract_year=y2025, council__code="WNC")
    assert share.history.first().history_change_reason.startswith("Variation")
    y2025.refresh_from_db()
    assert y2025.split_basis == "Population and demand"


@pytest.fixture
def agreed_2025(cast, y2025):
    """2025/26 agreed, with nothing paid yet."""
    year_services.contract_year_agree(
        by=cast["admin"], contract_year=y2025, agreed_on=date(2025, 3, 20)
    )
    return y2025


def test_a_variation_changing_an_agreed_line_follows_into_the_instalments(cast, agreed_2025):
    line = agreed_2025.lines.get(block=2, recurring=True)
    variation = variation_services.variation_request(
        by=cast["nnc-officer"],
        contract_year=agreed_2025,
        kind=Variation.Kind.CHANGE_LINE,
        reason="Extra family support workers",
        line=line,
        amount="317,000.00",
    )
    approve(cast, variation)
    variation.refresh_from_db()
    assert variation.before == {"name": line.name, "amount": "217000.00"}
    figures = money.year_figures(agreed_2025)
    assert figures.contract_sum == D("177746000.00")
    for council in figures.councils:
        rows = Instalment.objects.filter(contract_year=agreed_2025, council__code=council.code)
        assert sum(r.amount for r in rows) == council.contribution


def test_a_change_a_fully_paid_council_cannot_spread_becomes_its_balancing_payment(cast, y2024):
    line = y2024.lines.get(block=1)
    variation = variation_services.variation_request(
        by=cast["wnc-officer"],
        contract_year=y2024,
        kind=Variation.Kind.CHANGE_LINE,
        reason="Uplift",
        line=line,
        amount="177529000.00",
    )
    approve(cast, variation)
    balancing = Instalment.objects.get(contract_year=y2024, council__code="WNC", number=13)
    assert balancing.amount == D("56000.00") and not balancing.is_paid


def test_variations_to_a_draft_year_are_for_its_split_only(cast, y2025):
    with pytest.raises(ValidationError, match="change its lines directly"):
        variation_services.variation_request(
            by=cast["wnc-officer"],
            contract_year=y2025,
            kind=Variation.Kind.ADD_LINE,
            reason="r",
            block=2,
            name="X",
            amount="1.00",
        )


def test_adding_and_removing_lines_by_variation(cast, agreed_2025):
    added = variation_services.variation_request(
        by=cast["wnc-officer"],
        contract_year=agreed_2025,
        kind=Variation.Kind.ADD_LINE,
        reason="New hub",
        block=2,
        name="Exploitation hub",
        amount="100000.00",
    )
    approve(cast, added)
    added.refresh_from_db()
    assert added.line.name == "Exploitation hub" and not added.line.recurring
    assert money.year_figures(agreed_2025).contract_sum == D("177746000.00")
    removed = variation_services.variation_request(
        by=cast["nnc-officer"],
        contract_year=agreed_2025,
        kind=Variation.Kind.REMOVE_LINE,
        reason="Dropped",
        line=added.line,
    )
    approve(cast, removed)
    removed.refresh_from_db()
    assert removed.line is None and removed.before["name"] == "Exploitation hub"
    assert money.year_figures(agreed_2025).contract_sum == D("177646000.00")


def test_only_administrators_decide_variations(cast, y2025):
    variation = split_variation(cast, y2025, {"WNC": "50", "NNC": "50"})
    for who in ["wnc-officer", "nnc-officer", "nct-manager", "dfe-observer"]:
        with pytest.raises(PermissionDenied):
            variation_services.variation_approve(
                by=cast[who], variation=variation, decision_date=date(2025, 1, 1)
            )


def test_a_decision_cannot_be_dated_in_the_future(cast, y2025):
    variation = split_variation(cast, y2025, {"WNC": "50", "NNC": "50"})
    with pytest.raises(ValidationError, match="today or earlier"):
        approve(cast, variation, day=timezone.localdate() + timedelta(days=1))


def test_a_rejection_needs_a_reason_and_changes_nothing(cast, y2025):
    variation = split_variation(cast, y2025, {"WNC": "50", "NNC": "50"})
    with pytest.raises(ValidationError, match="why"):
        variation_services.variation_reject(
            by=cast["admin"], variation=variation, decision_date=date(2025, 1, 1), note=""
        )
    variation_services.variation_reject(
        by=cast["admin"],
        variation=variation,
        decision_date=date(2025, 1, 1),
        note="Population not updated",
    )
    variation.refresh_from_db()
    assert variation.state == Variation.State.REJECTED
    assert CostShare.objects.get(contract_year=y2025, council__code="WNC").percentage == 56
    with pytest.raises(ValidationError, match="rejected already"):
        approve(cast, variation)


def test_a_requester_may_withdraw_a_pending_variation(cast, y2025):
    variation = split_variation(cast, y2025, {"WNC": "50", "NNC": "50"})
    variation_services.variation_withdraw(by=cast["nnc-officer"], variation=variation)
    variation.refresh_from_db()
    assert variation.state == Variation.State.WITHDRAWN


def test_variations_are_numbered_within_their_year(cast, y2025):
    first = split_variation(cast, y2025, {"WNC": "50", "NNC": "50"})
    second = split_variation(cast, y2025, {"WNC": "51", "NNC": "49"})
    assert (first.number, second.number) == (1, 2)


# --- Agreement and rollover ------------------------------------------------------------------


def test_agreeing_a_year_needs_a_split_and_core_funding(cast, nct):
    year = year_services.contract_year_create(
        by=cast["wnc-officer"], arrangement=nct, financial_year=2030
    )
    with pytest.raises(ValidationError) as caught:
        year_services.contract_year_agree(
            by=cast["admin"], contract_year=year, agreed_on=date(2025, 1, 1)
        )
    assert caught.value.messages == [
        "Record the agreed cost split first (a variation).",
        "Add the Block 1 core funding first.",
    ]


def test_only_administrators_record_a_years_agreement(cast, y2025):
    with pytest.raises(PermissionDenied):
        year_services.contract_year_agree(
            by=cast["wnc-officer"], contract_year=y2025, agreed_on=date(2025, 3, 1)
        )


def test_agreement_starts_the_payment_schedule(cast, y2025):
    assert not y2025.instalments.exists()
    year_services.contract_year_agree(
        by=cast["admin"], contract_year=y2025, agreed_on=date(2025, 3, 1)
    )
    y2025.refresh_from_db()
    assert y2025.state == ContractYear.State.AGREED and y2025.agreed_by == cast["admin"]
    figures = money.year_figures(y2025)
    for council in figures.councils:
        rows = y2025.instalments.filter(council__code=council.code)
        assert rows.count() == 12 and sum(r.amount for r in rows) == council.contribution


def test_rollover_copies_recurring_lines_and_the_split_only(y2024, y2025):
    assert y2025.rolled_over_from == y2024 and y2025.state == ContractYear.State.DRAFT
    names = set(y2025.lines.values_list("name", flat=True))
    assert names == {"Core funding", "Transformation items (recurring)"}
    shares = dict(y2025.shares.values_list("council__code", "percentage"))
    assert shares == {"WNC": D("56.00"), "NNC": D("44.00")}
    assert not y2025.adjustments.exists() and not y2025.grants.exists()


def test_a_year_cannot_be_rolled_over_twice(cast, y2024):
    with pytest.raises(ValidationError, match="2025/26 already has a contract year"):
        year_services.contract_year_rollover(by=cast["wnc-officer"], contract_year=y2024)


# --- Grants and adjustments --------------------------------------------------------------------


def test_a_passported_grant_adds_to_one_councils_contribution_outside_the_split(
    cast, y2025, councils
):
    before = money.year_figures(y2025)
    year_services.grant_save(
        by=cast["nnc-officer"],
        contract_year=y2025,
        reason="Grant letter",
        council=councils["NNC"],
        name="Staying put",
        amount="40,000.00",
    )
    after = money.year_figures(y2025)
    assert after.contract_sum == before.contract_sum
    assert after.council("NNC").contribution == before.council("NNC").contribution + 40000
    assert after.council("WNC").contribution == before.council("WNC").contribution


def test_a_grant_must_go_to_one_of_the_trusts_councils(cast, y2025, councils):
    with pytest.raises(ValidationError, match="one of the trust's councils"):
        year_services.grant_save(
            by=cast["nnc-officer"],
            contract_year=y2025,
            reason="r",
            council=councils["OCC"],
            name="X",
            amount="1.00",
        )


def test_a_block_3_line_funded_by_one_council_falls_to_that_council(cast, y2025, councils):
    year_services.funding_line_save(
        by=cast["wnc-officer"],
        contract_year=y2025,
        reason="r",
        block=3,
        name="West fund",
        amount="1000.00",
        recurring=False,
        funded_by=councils["WNC"],
    )
    figures = money.year_figures(y2025)
    assert figures.council("WNC").block3_share == D("1000.00")
    assert figures.council("NNC").block3_share == D("0.00")


@pytest.mark.parametrize("typed", ["1e30", "-1e30", "Infinity", "NaN"])
def test_absurd_amounts_are_refused_with_a_message_not_a_crash(cast, y2025, typed):
    with pytest.raises(ValidationError):
        year_services.funding_line_save(
            by=cast["wnc-officer"],
            contract_year=y2025,
            reason="r",
            block=2,
            name="Item",
            amount=typed,
            recurring=True,
        )


def test_an_absurd_share_is_refused_with_a_message(cast, y2025):
    with pytest.raises(ValidationError, match="between 0 and 100"):
        split_variation(cast, y2025, {"WNC": "1e30", "NNC": "44"})


def test_a_rejection_cannot_be_dated_in_the_future(cast, y2025):
    variation = split_variation(cast, y2025, {"WNC": "50", "NNC": "50"})
    with pytest.raises(ValidationError, match="today or earlier"):
        variation_services.variation_reject(
            by=cast["admin"],
            variation=variation,
            note="No",
            decision_date=timezone.localdate() + timedelta(days=1),
        )
