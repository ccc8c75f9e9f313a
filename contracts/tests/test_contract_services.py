"""Service contracts and contract years: who may change what, the draft → agreed rule, variations
and their history, rollover, and contributions that follow every change to the penny. Built on
factories: the root ``world`` and its 2024/25 year made through the services
(``agreed_contract_year``), 2025/26 rolled over from it; the demo's own year is checked in
test_contract_demo.py."""

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
from contracts.tests.factories import (
    YEAR_ADJUSTMENTS,
    YEAR_GRANT,
    YEAR_SPLIT,
    ServiceContractFactory,
    agreed_contract_year,
)

D = Decimal


@pytest.fixture
def councils(world):
    """The world's councils by code, and "other": a council of another arrangement."""
    first, second = world.councils
    return {"first": first, "second": second, "other": world.outsider.organisation}


@pytest.fixture
def codes(councils):
    return {name: council.code for name, council in councils.items()}


@pytest.fixture
def y2024(world):
    return agreed_contract_year(world)


@pytest.fixture
def y2025(people, y2024):
    return year_services.contract_year_rollover(by=people["officer"], contract_year=y2024)


@pytest.fixture
def current_contract(world, councils):
    """The first council's contract, April 2023 to March 2028."""
    return ServiceContractFactory(
        arrangement=world.arrangement,
        council=councils["first"],
        reference="FW-SC-2023",
        starts_on=date(2023, 4, 1),
        ends_on=date(2028, 3, 31),
    )


def split_variation(people, year, shares, who="officer"):
    return variation_services.variation_request(
        by=people[who],
        contract_year=year,
        kind=Variation.Kind.SPLIT,
        reason="Agreed split",
        shares=shares,
        basis="Population and demand",
    )


def approve(people, variation, day=date(2025, 3, 1)):
    variation_services.variation_approve(by=people["admin"], variation=variation, decision_date=day)


# --- A year's figures ------------------------------------------------------------------------


def test_a_years_figures_add_up_by_block_and_by_council(codes, y2024):
    figures = money.year_figures(y2024)
    assert figures.contract_sum == D("1500000.00")  # Blocks 1 and 2
    assert figures.block1 == D("1200000.00")
    assert figures.block2 == D("300000.00") and figures.block2_non_recurring == D("60000.00")
    assert figures.block3_provision == D("100000.00")  # outside the contract sum
    first, second = figures.council(codes["first"]), figures.council(codes["second"])
    assert first.share_of_contract_sum == D("900000.00")  # 60%
    assert second.share_of_contract_sum == D("600000.00")  # 40%
    assert (first.passported_grants, second.passported_grants) == (D("0.00"), YEAR_GRANT)
    assert (first.contribution, second.contribution) == (D("900000.00"), D("612000.00"))
    assert (first.adjustments, second.adjustments) == YEAR_ADJUSTMENTS
    assert first.percentage == YEAR_SPLIT[0] and second.percentage == YEAR_SPLIT[1]


def test_each_councils_twelve_instalments_add_up_to_its_contribution(codes, y2024):
    figures = money.year_figures(y2024)
    for council in figures.councils:
        rows = Instalment.objects.filter(contract_year=y2024, council__code=council.code)
        assert rows.count() == 12
        assert sum(r.amount for r in rows) == council.contribution
    first = Instalment.objects.get(contract_year=y2024, council__code=codes["first"], number=1)
    assert first.due_on == date(2024, 4, 1) and first.amount == D("75000.00")
    last = Instalment.objects.get(contract_year=y2024, council__code=codes["second"], number=12)
    assert last.due_on == date(2025, 3, 1) and last.amount == D("51000.00")


# --- Service contracts -----------------------------------------------------------------------


def contract(people, arrangement, councils, who="officer", council="first", **changes):
    fields = {
        "reference": "FW-SC-2028",
        "title": "Next contract",
        "starts_on": date(2028, 4, 1),
        "ends_on": date(2033, 3, 31),
    }
    fields.update(changes)
    return contract_services.contract_create(
        by=people[who],
        arrangement=arrangement,
        council=councils[council],
        obligations=["Report monthly", "", "  "],
        **fields,
    )


def test_an_officer_records_their_own_councils_contract_with_its_obligations(
    people, arrangement, councils
):
    made = contract(people, arrangement, councils)
    assert [o.text for o in made.obligations.all()] == ["Report monthly"]
    assert made.history.first().history_user == people["officer"]


def test_an_officer_cannot_record_another_councils_contract(people, arrangement, councils):
    with pytest.raises(PermissionDenied):
        contract(people, arrangement, councils, who="other-officer")


@pytest.mark.parametrize("who", ["manager", "observer", "scrutiny", "admin"])
def test_only_council_officers_record_contracts(people, arrangement, councils, who):
    with pytest.raises(PermissionDenied):
        contract(people, arrangement, councils, who=who)


@pytest.mark.parametrize(
    ("ends_on", "ok"),
    [
        (date(2031, 3, 30), False),
        (date(2031, 3, 31), True),
        (date(2033, 3, 31), True),
        (date(2033, 4, 1), False),
    ],
)
def test_a_contract_runs_three_to_five_years(people, arrangement, councils, ends_on, ok):
    if ok:
        assert contract(people, arrangement, councils, ends_on=ends_on).pk
    else:
        with pytest.raises(ValidationError, match="3 to 5 years"):
            contract(people, arrangement, councils, ends_on=ends_on)


def test_a_council_has_one_contract_at_a_time(people, arrangement, councils, current_contract):
    with pytest.raises(ValidationError, match="already has contract FW-SC-2023"):
        contract(
            people, arrangement, councils, starts_on=date(2025, 4, 1), ends_on=date(2030, 3, 31)
        )
    assert contract(people, arrangement, councils).pk  # from April 2028 it may


def test_a_council_of_another_trust_cannot_hold_this_trusts_contract(arrangement, councils):
    wrong = ServiceContract(
        arrangement=arrangement,
        council=councils["other"],
        reference="X",
        title="X",
        starts_on=date(2028, 4, 1),
        ends_on=date(2031, 3, 31),
    )
    with pytest.raises(ValidationError, match="commissions this trust"):
        wrong.full_clean()


def test_an_officer_of_another_arrangement_cannot_record_a_contract_here(
    people, arrangement, councils
):
    with pytest.raises(PermissionDenied):
        contract(people, arrangement, councils, who="outsider", council="other")


def test_changing_a_contract_needs_a_reason_and_keeps_it(people, current_contract):
    with pytest.raises(ValidationError, match="Say why"):
        contract_services.contract_update(
            by=people["officer"], contract=current_contract, reason=" ", title="New"
        )
    contract_services.contract_update(
        by=people["officer"], contract=current_contract, reason="Renamed", title="New"
    )
    assert current_contract.history.first().history_change_reason == "Renamed"


# --- Draft years: lines change directly, with a reason -----------------------------------------


def test_a_draft_years_lines_are_changed_directly_with_a_reason(people, y2025):
    line = year_services.funding_line_save(
        by=people["other-officer"],
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
    year_services.funding_line_remove(by=people["other-officer"], line=line, reason="Not needed")
    assert not FundingLine.objects.filter(pk=pk).exists()
    removal = FundingLine.history.get(id=pk, history_type="-")
    assert removal.history_user == people["other-officer"]
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
def test_an_amount_is_pounds_and_pence(people, y2025, amount, message):
    with pytest.raises(ValidationError, match=message):
        year_services.funding_line_save(
            by=people["officer"],
            contract_year=y2025,
            reason="r",
            block=2,
            name="Item",
            amount=amount,
            recurring=True,
        )


def test_core_funding_is_always_recurring(people, y2025):
    with pytest.raises(ValidationError, match="always recurring"):
        year_services.funding_line_save(
            by=people["officer"],
            contract_year=y2025,
            reason="r",
            block=1,
            name="Core",
            amount="1.00",
            recurring=False,
        )


def test_only_block_3_may_be_funded_by_one_council(people, y2025, councils):
    with pytest.raises(ValidationError, match="Only a Block 3"):
        year_services.funding_line_save(
            by=people["officer"],
            contract_year=y2025,
            reason="r",
            block=2,
            name="Item",
            amount="1.00",
            recurring=True,
            funded_by=councils["first"],
        )


def test_an_agreed_years_lines_change_only_through_variations(people, y2024):
    line = y2024.lines.first()
    with pytest.raises(ValidationError, match="only through a variation"):
        year_services.funding_line_save(
            by=people["officer"],
            contract_year=y2024,
            line=line,
            reason="r",
            block=1,
            name="Core",
            amount="1.00",
            recurring=True,
        )


@pytest.mark.parametrize("who", ["manager", "observer", "admin", "outsider"])
def test_only_the_arrangements_council_officers_edit_lines(people, y2025, who):
    with pytest.raises(PermissionDenied):
        year_services.funding_line_save(
            by=people[who],
            contract_year=y2025,
            reason="r",
            block=2,
            name="Item",
            amount="1.00",
            recurring=True,
        )


# --- Variations ------------------------------------------------------------------------------


def test_a_split_must_add_up_to_exactly_100(people, codes, y2025):
    with pytest.raises(ValidationError) as caught:
        split_variation(people, y2025, {codes["first"]: "56", codes["second"]: "43.99"})
    assert "add up to 99.99, not 100" in str(caught.value)


def test_a_split_names_every_council_of_the_trust(people, codes, y2025):
    with pytest.raises(ValidationError, match=f"{codes['second']}'s percentage"):
        split_variation(people, y2025, {codes["first"]: "100"})
    with pytest.raises(ValidationError, match=f"Not councils of this trust: {codes['other']}"):
        split_variation(
            people, y2025, {codes["first"]: "56", codes["second"]: "44", codes["other"]: "0"}
        )


def test_an_approved_split_replaces_the_old_and_keeps_what_it_replaced(people, codes, y2025):
    first, second = codes["first"], codes["second"]
    variation = split_variation(people, y2025, {first: "55.28", second: "44.72"})
    assert CostShare.objects.get(contract_year=y2025, council__code=first).percentage == 60
    approve(people, variation)
    variation.refresh_from_db()
    assert variation.state == Variation.State.APPROVED
    assert variation.before["shares"] == {first: "60.00", second: "40.00"}
    share = CostShare.objects.get(contract_year=y2025, council__code=first)
    assert share.percentage == D("55.28")
    assert share.history.first().history_change_reason.startswith("Variation")
    y2025.refresh_from_db()
    assert y2025.split_basis == "Population and demand"


@pytest.fixture
def agreed_2025(people, y2025):
    """2025/26 agreed, with nothing paid yet."""
    year_services.contract_year_agree(
        by=people["admin"], contract_year=y2025, agreed_on=date(2025, 3, 20)
    )
    return y2025


def test_a_variation_changing_an_agreed_line_follows_into_the_instalments(people, agreed_2025):
    line = agreed_2025.lines.get(block=2, recurring=True)
    assert money.year_figures(agreed_2025).contract_sum == D("1440000.00")
    variation = variation_services.variation_request(
        by=people["other-officer"],
        contract_year=agreed_2025,
        kind=Variation.Kind.CHANGE_LINE,
        reason="Extra family support workers",
        line=line,
        amount="340,000.00",
    )
    approve(people, variation)
    variation.refresh_from_db()
    assert variation.before == {"name": line.name, "amount": "240000.00"}
    figures = money.year_figures(agreed_2025)
    assert figures.contract_sum == D("1540000.00")
    for council in figures.councils:
        rows = Instalment.objects.filter(contract_year=agreed_2025, council__code=council.code)
        assert sum(r.amount for r in rows) == council.contribution


def test_a_change_a_fully_paid_council_cannot_spread_becomes_its_balancing_payment(
    people, codes, y2024
):
    line = y2024.lines.get(block=1)
    variation = variation_services.variation_request(
        by=people["officer"],
        contract_year=y2024,
        kind=Variation.Kind.CHANGE_LINE,
        reason="Uplift",
        line=line,
        amount="1300000.00",
    )
    approve(people, variation)
    balancing = Instalment.objects.get(contract_year=y2024, council__code=codes["first"], number=13)
    assert balancing.amount == D("60000.00") and not balancing.is_paid  # 60% of £100,000


def test_variations_to_a_draft_year_are_for_its_split_only(people, y2025):
    with pytest.raises(ValidationError, match="change its lines directly"):
        variation_services.variation_request(
            by=people["officer"],
            contract_year=y2025,
            kind=Variation.Kind.ADD_LINE,
            reason="r",
            block=2,
            name="X",
            amount="1.00",
        )


def test_adding_and_removing_lines_by_variation(people, agreed_2025):
    added = variation_services.variation_request(
        by=people["officer"],
        contract_year=agreed_2025,
        kind=Variation.Kind.ADD_LINE,
        reason="New hub",
        block=2,
        name="Exploitation hub",
        amount="100000.00",
    )
    approve(people, added)
    added.refresh_from_db()
    assert added.line.name == "Exploitation hub" and not added.line.recurring
    assert money.year_figures(agreed_2025).contract_sum == D("1540000.00")
    removed = variation_services.variation_request(
        by=people["other-officer"],
        contract_year=agreed_2025,
        kind=Variation.Kind.REMOVE_LINE,
        reason="Dropped",
        line=added.line,
    )
    approve(people, removed)
    removed.refresh_from_db()
    assert removed.line is None and removed.before["name"] == "Exploitation hub"
    assert money.year_figures(agreed_2025).contract_sum == D("1440000.00")


def test_only_administrators_decide_variations(people, codes, y2025):
    variation = split_variation(people, y2025, {codes["first"]: "50", codes["second"]: "50"})
    for who in ["officer", "other-officer", "manager", "observer"]:
        with pytest.raises(PermissionDenied):
            variation_services.variation_approve(
                by=people[who], variation=variation, decision_date=date(2025, 1, 1)
            )


def test_a_decision_cannot_be_dated_in_the_future(people, codes, y2025):
    variation = split_variation(people, y2025, {codes["first"]: "50", codes["second"]: "50"})
    with pytest.raises(ValidationError, match="today or earlier"):
        approve(people, variation, day=timezone.localdate() + timedelta(days=1))


def test_a_rejection_needs_a_reason_and_changes_nothing(people, codes, y2025):
    variation = split_variation(people, y2025, {codes["first"]: "50", codes["second"]: "50"})
    with pytest.raises(ValidationError, match="why"):
        variation_services.variation_reject(
            by=people["admin"], variation=variation, decision_date=date(2025, 1, 1), note=""
        )
    variation_services.variation_reject(
        by=people["admin"],
        variation=variation,
        decision_date=date(2025, 1, 1),
        note="Population not updated",
    )
    variation.refresh_from_db()
    assert variation.state == Variation.State.REJECTED
    share = CostShare.objects.get(contract_year=y2025, council__code=codes["first"])
    assert share.percentage == 60
    with pytest.raises(ValidationError, match="rejected already"):
        approve(people, variation)


def test_a_requester_may_withdraw_a_pending_variation(people, codes, y2025):
    variation = split_variation(people, y2025, {codes["first"]: "50", codes["second"]: "50"})
    variation_services.variation_withdraw(by=people["other-officer"], variation=variation)
    variation.refresh_from_db()
    assert variation.state == Variation.State.WITHDRAWN


def test_variations_are_numbered_within_their_year(people, codes, y2025):
    first = split_variation(people, y2025, {codes["first"]: "50", codes["second"]: "50"})
    second = split_variation(people, y2025, {codes["first"]: "51", codes["second"]: "49"})
    assert (first.number, second.number) == (1, 2)


# --- Agreement and rollover ------------------------------------------------------------------


def test_agreeing_a_year_needs_a_split_and_core_funding(people, arrangement):
    year = year_services.contract_year_create(
        by=people["officer"], arrangement=arrangement, financial_year=2030
    )
    with pytest.raises(ValidationError) as caught:
        year_services.contract_year_agree(
            by=people["admin"], contract_year=year, agreed_on=date(2025, 1, 1)
        )
    assert caught.value.messages == [
        "Record the agreed cost split first (a variation).",
        "Add the Block 1 core funding first.",
    ]


def test_only_administrators_record_a_years_agreement(people, y2025):
    with pytest.raises(PermissionDenied):
        year_services.contract_year_agree(
            by=people["officer"], contract_year=y2025, agreed_on=date(2025, 3, 1)
        )


def test_agreement_starts_the_payment_schedule(people, y2025):
    assert not y2025.instalments.exists()
    year_services.contract_year_agree(
        by=people["admin"], contract_year=y2025, agreed_on=date(2025, 3, 1)
    )
    y2025.refresh_from_db()
    assert y2025.state == ContractYear.State.AGREED and y2025.agreed_by == people["admin"]
    figures = money.year_figures(y2025)
    for council in figures.councils:
        rows = y2025.instalments.filter(council__code=council.code)
        assert rows.count() == 12 and sum(r.amount for r in rows) == council.contribution


def test_rollover_copies_recurring_lines_and_the_split_only(codes, y2024, y2025):
    assert y2024.adjustments.exists() and y2024.grants.exists()
    assert y2025.rolled_over_from == y2024 and y2025.state == ContractYear.State.DRAFT
    names = set(y2025.lines.values_list("name", flat=True))
    assert names == {"Core funding", "Transformation items (recurring)"}
    shares = dict(y2025.shares.values_list("council__code", "percentage"))
    assert shares == {codes["first"]: D("60.00"), codes["second"]: D("40.00")}
    assert not y2025.adjustments.exists() and not y2025.grants.exists()


def test_a_year_cannot_be_rolled_over_twice(people, y2024, y2025):
    with pytest.raises(ValidationError, match="2025/26 already has a contract year"):
        year_services.contract_year_rollover(by=people["officer"], contract_year=y2024)


# --- Grants and adjustments --------------------------------------------------------------------


def test_a_passported_grant_adds_to_one_councils_contribution_outside_the_split(
    people, codes, councils, y2025
):
    before = money.year_figures(y2025)
    year_services.grant_save(
        by=people["other-officer"],
        contract_year=y2025,
        reason="Grant letter",
        council=councils["second"],
        name="Staying put",
        amount="40,000.00",
    )
    after = money.year_figures(y2025)
    first, second = codes["first"], codes["second"]
    assert after.contract_sum == before.contract_sum
    assert after.council(second).contribution == before.council(second).contribution + 40000
    assert after.council(first).contribution == before.council(first).contribution


def test_a_grant_must_go_to_one_of_the_trusts_councils(people, councils, y2025):
    with pytest.raises(ValidationError, match="one of the trust's councils"):
        year_services.grant_save(
            by=people["other-officer"],
            contract_year=y2025,
            reason="r",
            council=councils["other"],
            name="X",
            amount="1.00",
        )


def test_a_block_3_line_funded_by_one_council_falls_to_that_council(people, codes, councils, y2025):
    year_services.funding_line_save(
        by=people["officer"],
        contract_year=y2025,
        reason="r",
        block=3,
        name="West fund",
        amount="1000.00",
        recurring=False,
        funded_by=councils["first"],
    )
    figures = money.year_figures(y2025)
    assert figures.council(codes["first"]).block3_share == D("1000.00")
    assert figures.council(codes["second"]).block3_share == D("0.00")


@pytest.mark.parametrize("typed", ["1e30", "-1e30", "Infinity", "NaN"])
def test_absurd_amounts_are_refused_with_a_message_not_a_crash(people, y2025, typed):
    with pytest.raises(ValidationError):
        year_services.funding_line_save(
            by=people["officer"],
            contract_year=y2025,
            reason="r",
            block=2,
            name="Item",
            amount=typed,
            recurring=True,
        )


def test_an_absurd_share_is_refused_with_a_message(people, codes, y2025):
    with pytest.raises(ValidationError, match="between 0 and 100"):
        split_variation(people, y2025, {codes["first"]: "1e30", codes["second"]: "44"})


def test_a_rejection_cannot_be_dated_in_the_future(people, codes, y2025):
    variation = split_variation(people, y2025, {codes["first"]: "50", codes["second"]: "50"})
    with pytest.raises(ValidationError, match="today or earlier"):
        variation_services.variation_reject(
            by=people["admin"],
            variation=variation,
            note="No",
            decision_date=timezone.localdate() + timedelta(days=1),
        )
