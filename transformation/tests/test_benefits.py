"""Benefits realisation: RAG at its edges, the quarters, who may set targets and report
actuals, what is refused and why, the totals per theme and overall. Built on factories: cases
and benefits of the root ``world``'s programme, not the demo's (test_benefits_demo.py checks the
demo's figures)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from transformation.models import Benefit, BenefitQuarter, BusinessCase, Theme
from transformation.services import benefits
from transformation.tests import benefit_cases
from transformation.tests.conftest import EVERYONE, MANAGERS

State = BusinessCase.State
D = Decimal


def quarter(**kwargs) -> BenefitQuarter:
    defaults = {
        "financial_year": 2024,
        "quarter": 1,
        "target": D("100.00"),
        "lower_tolerance": D("80.00"),
    }
    return BenefitQuarter(**{**defaults, **kwargs})


def messages_of(error) -> dict:
    return error.value.message_dict


@pytest.fixture
def make_case(arrangement):
    """make_case(reference, theme=..., state=...): a case of the world's programme, made
    directly in its state (``benefit_cases.make_case``)."""

    def make(reference, **kwargs) -> BusinessCase:
        return benefit_cases.make_case(reference, arrangement=arrangement, **kwargs)

    return make


@pytest.fixture
def make_benefit(manager):
    """make_benefit(case, ...): a benefit and its quarters set (and reported) by the world's
    manager (``benefit_cases.make_benefit``)."""

    def make(case, **kwargs) -> Benefit:
        return benefit_cases.make_benefit(case, by=manager, **kwargs)

    return make


# --- RAG -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "rag"),
    [
        (D("100.01"), "green"),
        (D("100.00"), "green"),  # at target
        (D("99.99"), "amber"),
        (D("80.00"), "amber"),  # at the lower tolerance
        (D("79.99"), "red"),  # a penny below it
        (D("0.00"), "red"),
        (None, "grey"),  # not reported
    ],
)
def test_rag_at_the_exact_edges(actual, rag):
    assert quarter(actual=actual).rag == rag
    assert benefits.rag_of(actual, D("100.00"), D("80.00")) == rag


def test_a_tolerance_equal_to_the_target_leaves_no_amber():
    row = quarter(target=D("50"), lower_tolerance=D("50"))
    assert [
        quarter(target=D("50"), lower_tolerance=D("50"), actual=a).rag
        for a in (D("50"), D("49.99"))
    ] == ["green", "red"]
    assert row.rag == "grey"


def test_rag_is_in_words_as_well_as_colour():
    assert benefits.RAG_WORDS == {
        "green": "Green: on target",
        "amber": "Amber: within tolerance",
        "red": "Red: below tolerance",
        "grey": "Grey: not reported yet",
    }


# --- Quarters --------------------------------------------------------------------------------


def test_a_quarter_begins_on_its_first_day():
    assert benefits.quarter_has_begun(2024, 3, date(2024, 10, 1))
    assert not benefits.quarter_has_begun(2024, 3, date(2024, 9, 30))


def test_figures_are_pounds_for_savings_and_whole_numbers_for_counts():
    assert benefits.figure_text(D("1990000.00"), "saving") == "£1,990,000.00"
    assert benefits.figure_text(D("555.00"), "count") == "555"
    assert benefits.figure_text(None, "count") == "–"


# --- Who may do what -------------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_trusts_managers_add_benefits_and_set_targets(
    make_case, make_benefit, who, everyone
):
    case = make_case("TB1", state=State.DRAFT)
    user = everyone[who]
    if who in MANAGERS:
        benefit = benefits.benefit_save(by=user, case=case, name="Savings", kind="saving")
        row = benefits.quarter_set_target(
            by=user,
            benefit=benefit,
            financial_year=2025,
            quarter=1,
            target="10.00",
            lower_tolerance="5.00",
        )
        assert row.target == D("10.00")
        return
    with pytest.raises(PermissionDenied):
        benefits.benefit_save(by=user, case=case, name="Savings", kind="saving")
    benefit = make_benefit(case)
    with pytest.raises(PermissionDenied):
        benefits.quarter_set_target(
            by=user,
            benefit=benefit,
            financial_year=2025,
            quarter=1,
            target="10.00",
            lower_tolerance="5.00",
        )
    assert not benefit.quarters.exists()


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_trusts_managers_report_actuals(make_case, make_benefit, who, everyone):
    benefit = make_benefit(make_case("TB2"), quarters=[(1, "100.00", "80.00", None)])
    user = everyone[who]
    report = {"benefit": benefit, "financial_year": 2024, "quarter": 1, "actual": "90.00"}
    if who in MANAGERS:
        row = benefits.quarter_report_actual(by=user, **report)
        assert (row.actual, row.rag, row.reported_by) == (D("90.00"), "amber", user)
        return
    with pytest.raises(PermissionDenied):
        benefits.quarter_report_actual(by=user, **report)
    assert benefit.quarters.get().actual is None


def test_another_trusts_manager_cannot_touch_this_trusts_benefits(
    make_case, make_benefit, everyone
):
    benefit = make_benefit(make_case("TB3", state=State.DRAFT))
    with pytest.raises(PermissionDenied):
        benefits.benefit_save(
            by=everyone["other-manager"],
            case=benefit.business_case,
            benefit=benefit,
            name="Other",
            kind="saving",
        )


# --- Benefits --------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [State.DRAFT, State.DEFERRED])
def test_benefits_and_targets_are_set_while_drafting_without_a_reason(make_case, manager, state):
    case = make_case("TB4", state=state)
    benefit = benefits.benefit_save(
        by=manager, case=case, name="Children stepped down", kind="count"
    )
    row = benefits.quarter_set_target(
        by=manager,
        benefit=benefit,
        financial_year=2025,
        quarter=2,
        target="12",
        lower_tolerance="9",
    )
    assert (row.target, row.lower_tolerance) == (D("12"), D("9"))
    assert row.history.first().history_change_reason == "Target set while drafting the case"


@pytest.mark.parametrize("state", [State.SUBMITTED, State.REJECTED])
def test_a_case_with_the_board_or_rejected_takes_no_benefits(make_case, manager, state):
    case = make_case("TB5", state=state)
    with pytest.raises(ValidationError, match="benefits are set on a draft, deferred or approved"):
        benefits.benefit_save(by=manager, case=case, name="Savings", kind="saving")


def test_a_submitted_cases_targets_are_frozen(make_case, make_benefit, manager):
    case = make_case("TB6", state=State.DRAFT)
    benefit = make_benefit(case, quarters=[(1, "100.00", "80.00", None)], year=2025)
    case.state = State.SUBMITTED
    case.save()
    with pytest.raises(ValidationError):
        benefits.quarter_set_target(
            by=manager,
            benefit=benefit,
            financial_year=2025,
            quarter=1,
            target="200.00",
            lower_tolerance="80.00",
        )


def test_a_benefits_name_is_unique_in_its_case_whatever_the_case(make_case, make_benefit, manager):
    case = make_case("TB7", state=State.DRAFT)
    make_benefit(case, name="Savings")
    with pytest.raises(ValidationError) as error:
        benefits.benefit_save(by=manager, case=case, name="SAVINGS ", kind="saving")
    assert messages_of(error) == {"name": ["TB7 already has a benefit called “SAVINGS”."]}


def test_the_kind_is_fixed_once_a_quarter_has_a_target(make_case, make_benefit, manager):
    benefit = make_benefit(make_case("TB8", state=State.DRAFT), quarters=[(1, "5", "4", None)])
    with pytest.raises(ValidationError) as error:
        benefits.benefit_save(
            by=manager, case=benefit.business_case, benefit=benefit, name="Savings", kind="count"
        )
    assert "kind" in messages_of(error)


def test_an_approved_cases_benefit_changes_only_with_a_reason_kept_in_the_history(
    make_case, make_benefit, manager
):
    benefit = make_benefit(make_case("TB9"))
    with pytest.raises(ValidationError) as error:
        benefits.benefit_save(
            by=manager,
            case=benefit.business_case,
            benefit=benefit,
            name="Savings",
            kind="saving",
            description="From placements",
        )
    assert messages_of(error) == {"reason": ["Say why this changes: it is kept in the history."]}
    benefits.benefit_save(
        by=manager,
        case=benefit.business_case,
        benefit=benefit,
        name="Savings",
        kind="saving",
        description="From placements",
        reason="Board asked for the measure",
    )
    latest = benefit.history.first()
    assert latest.history_change_reason == "Board asked for the measure"
    assert latest.history_user == manager


def test_saving_an_approved_cases_benefit_unchanged_needs_no_reason(
    make_case, make_benefit, manager
):
    benefit = make_benefit(make_case("TB10"))
    count = benefit.history.count()
    same = benefits.benefit_save(
        by=manager, case=benefit.business_case, benefit=benefit, name="Savings", kind="saving"
    )
    assert same == benefit and benefit.history.count() == count


# --- Targets ---------------------------------------------------------------------------------


def test_a_change_of_target_after_approval_needs_a_reason_and_keeps_the_old_one(
    make_case, make_benefit, manager
):
    benefit = make_benefit(make_case("TC1"), quarters=[(3, "100.00", "80.00", None)])
    change = {
        "by": manager,
        "benefit": benefit,
        "financial_year": 2024,
        "quarter": 3,
        "target": "120.00",
        "lower_tolerance": "90.00",
    }
    with pytest.raises(ValidationError) as error:
        benefits.quarter_set_target(**change)
    assert list(messages_of(error)) == ["reason"]
    row = benefits.quarter_set_target(**change, reason="Re-profiled at the board, 3 Oct")
    assert row.target == D("120.00")
    old, new = row.history.order_by("history_date")[:2]
    assert (old.target, new.target) == (D("100.00"), D("120.00"))
    assert new.history_change_reason == "Re-profiled at the board, 3 Oct"


def test_setting_the_same_target_again_changes_nothing(make_case, make_benefit, manager):
    benefit = make_benefit(make_case("TC2"), quarters=[(1, "100.00", "80.00", None)])
    row = benefit.quarters.get()
    again = benefits.quarter_set_target(
        by=manager,
        benefit=benefit,
        financial_year=2024,
        quarter=1,
        target="100",
        lower_tolerance="80.00",
    )
    assert again.history.count() == row.history.count() == 1


@pytest.mark.parametrize(
    ("kind", "target", "tolerance", "field", "message"),
    [
        (
            "saving",
            "100.00",
            "100.01",
            "lower_tolerance",
            "The lower tolerance is the least that is acceptable: it cannot be above the target "
            "(£100.00).",
        ),
        (
            "count",
            "10",
            "11",
            "lower_tolerance",
            "The lower tolerance is the least that is acceptable: it cannot be above the target "
            "(10).",
        ),
        ("saving", "-1.00", "0", "target", "The amount must be at least £0.00."),
        (
            "saving",
            "10.001",
            "0",
            "target",
            "Enter the amount to the penny: at most 2 decimal places.",
        ),
        (
            "saving",
            "lots",
            "0",
            "target",
            "Enter the amount in pounds, for example 2,580,000.00 (not “lots”).",
        ),
        ("count", "12.5", "10", "target", "Enter the target as a whole number, for example 25."),
        ("count", "-3", "-4", "target", "The target cannot be below zero."),
        (
            "count",
            "12",
            "",
            "lower_tolerance",
            "Enter the lower tolerance as a whole number, for example 25.",
        ),
        (
            "count",
            "ten",
            "5",
            "target",
            "Enter the target as a whole number, for example 25 (not “ten”).",
        ),
    ],
)
def test_targets_are_checked_with_messages_that_say_what_to_do(
    make_case, make_benefit, manager, kind, target, tolerance, field, message
):
    benefit = make_benefit(make_case("TC3", state=State.DRAFT), kind=kind)
    with pytest.raises(ValidationError) as error:
        benefits.quarter_set_target(
            by=manager,
            benefit=benefit,
            financial_year=2025,
            quarter=1,
            target=target,
            lower_tolerance=tolerance,
        )
    assert messages_of(error)[field] == [message]
    assert not benefit.quarters.exists()


def test_savings_are_kept_to_the_penny_and_counts_whole(make_case, make_benefit):
    case = make_case("TC4", state=State.DRAFT)
    saving = make_benefit(case, quarters=[(1, "£1,000,000.50", "800,000", None)])
    count = make_benefit(case, name="Assessments", kind="count", quarters=[(1, "1,200", "0", None)])
    assert saving.quarters.get().target == D("1000000.50")
    assert (count.quarters.get().target, count.quarters.get().lower_tolerance) == (D("1200"), 0)


@pytest.mark.parametrize(("year", "q"), [(1999, 1), (2024, 0), (2024, 5), ("next", 1)])
def test_a_quarter_outside_a_financial_year_is_refused(make_case, make_benefit, manager, year, q):
    benefit = make_benefit(make_case("TC5", state=State.DRAFT))
    with pytest.raises(ValidationError):
        benefits.quarter_set_target(
            by=manager,
            benefit=benefit,
            financial_year=year,
            quarter=q,
            target="1.00",
            lower_tolerance="1.00",
        )


def test_the_plan_keys_each_quarters_errors_to_its_box(make_case, manager):
    case = make_case("TC6", state=State.DRAFT)
    with pytest.raises(ValidationError) as error:
        benefits.benefit_plan(
            by=manager,
            case=case,
            name="Savings",
            kind="saving",
            financial_year=2025,
            targets={1: ("100.00", "90.00"), 2: ("100.00", ""), 3: ("", ""), 4: ("5.00", "6.00")},
        )
    assert sorted(messages_of(error)) == ["q2_lower_tolerance", "q4_lower_tolerance"]
    assert messages_of(error)["q4_lower_tolerance"] == [
        "Q4 2025/26 (January to March): The lower tolerance is the least that is acceptable: "
        "it cannot be above the target (£5.00)."
    ]
    assert not case.benefits.exists()  # nothing saved, not even the benefit


def test_the_plan_shows_every_mistake_at_once(make_case, manager):
    case = make_case("TC7")  # approved: a reason is needed
    with pytest.raises(ValidationError) as error:
        benefits.benefit_plan(
            by=manager,
            case=case,
            name="",
            kind="count",
            financial_year=2025,
            targets={1: ("10", "12"), 2: ("", "")},
        )
    assert sorted(messages_of(error)) == ["name", "q1_lower_tolerance", "reason"]


# --- Actuals ---------------------------------------------------------------------------------


def test_an_actual_is_reported_for_an_approved_case_only(make_case, make_benefit, manager):
    case = make_case("TD1", state=State.DRAFT)
    benefit = make_benefit(case, quarters=[(1, "100.00", "80.00", None)])
    with pytest.raises(ValidationError, match="actuals are reported once the board"):
        benefits.quarter_report_actual(
            by=manager, benefit=benefit, financial_year=2024, quarter=1, actual="100.00"
        )


def test_an_actual_waits_for_its_quarter_to_begin(make_case, make_benefit, manager):
    benefit = make_benefit(make_case("TD2"), quarters=[(3, "100.00", "80.00", None)])
    with pytest.raises(ValidationError) as error:
        benefits.quarter_report_actual(
            by=manager,
            benefit=benefit,
            financial_year=2024,
            quarter=3,
            actual="100.00",
            today=date(2024, 9, 30),
        )
    assert messages_of(error) == {
        "quarter": [
            "Q3 2024/25 (October to December) has not begun: report it from 1 October 2024."
        ]
    }
    row = benefits.quarter_report_actual(
        by=manager,
        benefit=benefit,
        financial_year=2024,
        quarter=3,
        actual="100.00",
        today=date(2024, 10, 1),
    )
    assert row.rag == "green"


def test_an_actual_needs_its_quarters_target_first(make_case, make_benefit, manager):
    benefit = make_benefit(make_case("TD3"))
    with pytest.raises(ValidationError) as error:
        benefits.quarter_report_actual(
            by=manager, benefit=benefit, financial_year=2024, quarter=2, actual="1.00"
        )
    assert messages_of(error) == {
        "quarter": ["Set Q2 2024/25 (July to September)'s target before reporting its actual."]
    }


def test_a_red_quarter_needs_a_commentary(make_case, make_benefit, manager):
    benefit = make_benefit(make_case("TD4"), quarters=[(1, "100.00", "80.00", None)])
    report = {
        "by": manager,
        "benefit": benefit,
        "financial_year": 2024,
        "quarter": 1,
        "actual": "79.99",
    }
    with pytest.raises(ValidationError) as error:
        benefits.quarter_report_actual(**report)
    assert messages_of(error) == {
        "commentary": [
            "£79.99 is below the lower tolerance of £80.00: say why, and what is being done."
        ]
    }
    row = benefits.quarter_report_actual(**report, commentary="Two placements ended late.")
    assert (row.rag, row.commentary) == ("red", "Two placements ended late.")


def test_an_amber_or_green_quarter_needs_no_commentary(make_case, make_benefit, manager):
    benefit = make_benefit(make_case("TD5"), quarters=[(1, "100.00", "80.00", None)])
    row = benefits.quarter_report_actual(
        by=manager, benefit=benefit, financial_year=2024, quarter=1, actual="80.00"
    )
    assert row.rag == "amber" and row.reported_at is not None


def test_replacing_an_actual_needs_a_reason_and_keeps_the_first_in_the_history(
    make_case, make_benefit, manager
):
    benefit = make_benefit(make_case("TD6"), quarters=[(1, "100.00", "80.00", "90.00")])
    report = {
        "by": manager,
        "benefit": benefit,
        "financial_year": 2024,
        "quarter": 1,
        "actual": "95.00",
        "commentary": "Reported by the test.",
    }
    with pytest.raises(ValidationError) as error:
        benefits.quarter_report_actual(**report)
    assert list(messages_of(error)) == ["reason"]
    benefits.quarter_report_actual(**report, reason="Late invoices counted")
    actuals = [h.actual for h in benefit.quarters.get().history.order_by("history_date")]
    assert actuals[-2:] == [D("90.00"), D("95.00")]


def test_a_negative_or_fractional_actual_is_refused(make_case, make_benefit, manager):
    case = make_case("TD7")
    count = make_benefit(case, name="Children", kind="count", quarters=[(1, "10", "8", None)])
    refused = [
        ("-1", "The actual cannot be below zero."),
        ("8.5", "Enter the actual as a whole number, for example 25."),
    ]
    for actual, message in refused:
        with pytest.raises(ValidationError) as error:
            benefits.quarter_report_actual(
                by=manager, benefit=count, financial_year=2024, quarter=1, actual=actual
            )
        assert messages_of(error) == {"actual": [message]}


# --- Totals ----------------------------------------------------------------------------------


@pytest.fixture
def programme(make_case, make_benefit):
    """Two approved efficiency cases, one practice case, and a draft that must not count, in
    2021/22 and 2022/23, in the world's otherwise empty programme."""
    a = make_case("TT1", theme=Theme.EFFICIENCY)
    b = make_case("TT2", theme=Theme.EFFICIENCY)
    c = make_case("TT3", theme=Theme.PRACTICE)
    draft = make_case("TT4", theme=Theme.EFFICIENCY, state=State.DRAFT)
    make_benefit(
        a, quarters=[(1, "100.00", "80.00", "120.00"), (2, "100.00", "80.00", None)], year=2021
    )
    make_benefit(
        b, quarters=[(1, "50.00", "40.00", "30.00"), (3, "10.00", "5.00", None)], year=2021
    )
    make_benefit(
        a, name="Children stepped down", kind="count", quarters=[(1, "4", "3", "3")], year=2021
    )
    make_benefit(
        b, name="children stepped down", kind="count", quarters=[(1, "2", "1", "2")], year=2021
    )
    make_benefit(
        a, name="Assessments", kind="count", quarters=[(1, "300", "250", "290")], year=2021
    )
    make_benefit(c, quarters=[(1, "1000.00", "900.00", "950.00")], year=2021)
    make_benefit(draft, quarters=[(1, "999.00", "1.00", None)], year=2021)
    make_benefit(a, name="Next year", quarters=[(1, "7.00", "7.00", None)], year=2022)
    return a, b, c


def test_savings_add_up_per_theme_over_the_reported_quarters(arrangement, programme):
    totals = benefits.benefit_totals(arrangement, 2021)
    assert [t.theme for t in totals.themes] == [Theme.EFFICIENCY, Theme.PRACTICE]
    efficiency = totals.themes[0].savings
    # Reported: TT1 Q1 (100/80/120) and TT2 Q1 (50/40/30); unreported quarters and the draft's
    # count only in the year's target.
    assert (efficiency.target, efficiency.lower_tolerance, efficiency.actual) == (
        D("150.00"),
        D("120.00"),
        D("150.00"),
    )
    assert efficiency.year_target == D("260.00")
    assert (efficiency.quarters, efficiency.reported, efficiency.rag) == (4, 2, "green")
    assert totals.themes[1].savings.rag == "amber"


def test_savings_add_up_over_the_programme(arrangement, programme):
    overall = benefits.benefit_totals(arrangement, 2021).savings
    assert (overall.target, overall.lower_tolerance, overall.actual) == (
        D("1150.00"),
        D("1020.00"),
        D("1100.00"),
    )
    assert (overall.year_target, overall.rag) == (D("1260.00"), "amber")


def test_numbers_are_added_up_only_with_benefits_of_the_same_name(arrangement, programme):
    totals = benefits.benefit_totals(arrangement, 2021)
    counts = {c.name: c for c in totals.themes[0].counts}
    assert sorted(counts) == ["Assessments", "Children stepped down"]
    children = counts["Children stepped down"]
    assert (children.totals.target, children.totals.actual, children.totals.rag) == (
        D("6"),
        D("5"),
        "amber",
    )
    assert children.cases == ["TT1", "TT2"]
    assert counts["Assessments"].totals.actual == D("290")
    assert totals.themes[1].counts == []
    assert [c.name for c in totals.counts] == ["Assessments", "Children stepped down"]


def test_a_total_with_nothing_reported_is_grey(arrangement, programme):
    totals = benefits.benefit_totals(arrangement, 2022)
    assert totals.savings.actual is None and totals.savings.rag == "grey"
    assert totals.savings.year_target == D("7.00")


def test_the_overview_gets_nothing_for_a_year_without_approved_targets(arrangement, programme):
    assert benefits.programme_benefit_totals(arrangement, 2020) is None
    assert benefits.programme_benefit_totals(arrangement, 2021).label == "2021/22"


def test_the_overview_shows_the_latest_year_begun_by_default(arrangement, programme, settings):
    chosen = benefits.programme_benefit_totals(arrangement, None)
    assert chosen is not None and chosen.financial_year <= 2026


def test_totals_read_a_fixed_number_of_queries(arrangement, programme, django_assert_num_queries):
    arrangement = arrangement
    with django_assert_num_queries(2):
        benefits.benefit_totals(arrangement, 2021)


# --- Visibility ------------------------------------------------------------------------------


def test_each_role_sees_the_benefits_of_the_cases_it_may_see(
    make_case, make_benefit, arrangement, everyone
):
    for reference, state in [
        ("TV1", State.DRAFT),
        ("TV2", State.SUBMITTED),
        ("TV3", State.APPROVED),
    ]:
        case = make_case(reference, state=State.DRAFT)
        make_benefit(case, name=f"Benefit {reference}")
        case.state = state  # set while drafting, then submitted (and approved)
        case.save()

    def seen(who):
        visible = benefits.benefits_visible(everyone[who], arrangement)
        return sorted(b.name for b in visible if b.name.startswith("Benefit TV"))

    assert (
        seen("manager") == seen("second-manager") == ["Benefit TV1", "Benefit TV2", "Benefit TV3"]
    )
    assert seen("officer") == seen("other-officer") == ["Benefit TV2", "Benefit TV3"]
    assert seen("observer") == seen("admin") == ["Benefit TV3"]
    for who in ["scrutiny", "other-manager", "outsider", "unattached", "leaver", "anonymous"]:
        assert seen(who) == []
