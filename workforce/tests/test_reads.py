"""What the pages and the API read, on a small arrangement worked out by hand: the rolling
12-month turnover from approved returns (a corrected month counts by its approved revision),
"not enough months", area against arrangement totals, the RAG of each rate against the targets
in force, and the performance return's caseloads beside the workforce return's."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from performance.models import Indicator, Measurement, MonthlyReturn, Target
from performance.rag import Status
from trust_portal.approvals.models import State
from workforce import reads, services
from workforce.models import Team, WorkforceReturn

D = Decimal
F = Fraction
MONTHS = [
    "2025-08",
    "2025-09",
    "2025-10",
    "2025-11",
    "2025-12",
    "2026-01",
    "2026-02",
    "2026-03",
    "2026-04",
    "2026-05",
    "2026-06",
    "2026-07",
]
# Every month the same posts; employed FTE: A1 8, A2 4, B1 12 + 2 + 1 = 15 (27 in all).
POSTS = {
    "A1": {
        "establishment_fte": 10,
        "experienced_fte": 8,
        "agency_fte": 1,
        "vacant_fte": 1,
        "open_cases": 40,
        "workers_holding_cases": 4,
        "case_holding_fte": "3.5",
        "workers_over_limit": 1,
    },
    "A2": {
        "establishment_fte": 5,
        "experienced_fte": 4,
        "vacant_fte": 1,
        "open_cases": 30,
        "workers_holding_cases": 2,
        "case_holding_fte": 2,
        "workers_over_limit": 1,
    },
    "B1": {
        "establishment_fte": 20,
        "experienced_fte": 12,
        "asye_fte": 2,
        "international_fte": 1,
        "agency_fte": 3,
        "agency_over_establishment_fte": 1,
        "vacant_fte": 3,
        "open_cases": 90,
        "workers_holding_cases": 6,
        "case_holding_fte": "5.5",
    },
}
# Leavers' FTE: A1 half a post in four months (2.0), A2 one in October (1), B1 one a month
# from August to January (6): 9 in all.
LEAVERS = {
    "A1": ({"2025-08", "2025-11", "2026-02", "2026-05"}, "0.5"),
    "A2": ({"2025-10"}, "1"),
    "B1": ({"2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"}, "1"),
}


def figures_for(month: str) -> dict:
    figures = {}
    for team, posts in POSTS.items():
        months, fte = LEAVERS[team]
        left = {"leavers": 1, "leavers_fte": fte} if month in months else {}
        figures[team] = {**posts, **left}
    return figures


@pytest.fixture
def year(small):
    """Twelve approved months, August 2025 to July 2026."""
    return {month: small.approved(month, figures_for(month)) for month in MONTHS}


def july(year):
    return reads.summary(year["2026-07"])


def team(summary, name):
    return next(g for g in summary.teams if g.label == name)


def test_turnover_is_twelve_months_leavers_over_those_in_post_in_the_month(year):
    summary = july(year)
    by_team = {g.label: g for g in summary.teams}
    assert by_team["A1"].turnover.value == F(2, 8) * 100
    assert by_team["A2"].turnover.value == F(1, 4) * 100
    assert by_team["B1"].turnover.value == F(6, 15) * 100
    assert summary.areas[0].turnover.value == F(3, 12) * 100  # AAC: A1 and A2
    assert summary.arrangement.turnover.value == F(9, 27) * 100
    assert summary.arrangement.turnover.complete
    assert summary.arrangement.measures["turnover"].text == "33.3%"
    assert summary.arrangement.measures["turnover"].note == ""


def test_months_outside_the_twelve_do_not_count(small, year):
    small.approved("2025-07", {"A1": {**POSTS["A1"], "leavers": 3, "leavers_fte": "3"}})
    assert team(july(year), "A1").turnover.leavers_fte == 2


def test_with_fewer_than_twelve_months_it_says_so_and_still_shows_the_figure(small):
    first = small.approved("2025-08", figures_for("2025-08"))
    summary = reads.summary(first)
    spell = summary.arrangement.turnover
    assert (spell.months, spell.complete) == (1, False)
    assert spell.value == F(D("1.5")) / 27 * 100  # A1 0.5 and B1 1 of 27 employed
    assert summary.arrangement.measures["turnover"].note == (
        "Not enough months: 1 of the 12 have figures"
    )


def test_a_month_without_an_approved_return_is_left_out_of_the_leavers(small, year):
    WorkforceReturn.objects.filter(pk=year["2026-01"].pk).update(state=State.SUBMITTED)
    spell = july(year).arrangement.turnover
    assert spell.months == 11
    assert spell.leavers_fte == 8  # January's B1 leaver is not counted
    assert spell.employed_fte == 27


def test_the_turnover_divides_by_the_month_in_post_not_an_average(small, year):
    # Changed deliberately from the average employed FTE of the 12 months: the census divides
    # by the FTE social workers in post at the date. A1 takes on two more in July 2026.
    july_return = year["2026-07"]
    WorkforceReturn.objects.filter(pk=july_return.pk).update(state=State.SUPERSEDED)
    bigger = {**figures_for("2026-07")}
    bigger["A1"] = {**bigger["A1"], "establishment_fte": 12, "experienced_fte": 10}
    redone = small.approved("2026-07", bigger, revision=2)
    spell = team(reads.summary(redone), "A1").turnover
    assert (spell.leavers_fte, spell.employed_fte) == (2, 10)
    assert spell.value == 20  # 2 / 10, where the year's average (8 × 11 + 10) / 12 gives 24.5%


def test_a_corrected_month_counts_by_its_approved_revision(small, year):
    january = year["2026-01"]
    correction = services.workforce_return_correct(
        by=small.manager, workforce_return=january, reason="A1's leavers were missed"
    )
    a1 = small.teams["A1"]
    typed = {
        **dict.fromkeys(services.FIELDS, "0"),
        **{k: str(v) for k, v in POSTS["A1"].items()},
        "experienced_fte": "6",
        "vacant_fte": "3",
        "leavers": "2",
        "leavers_fte": "1.5",
    }
    services.workforce_return_save(
        by=small.manager,
        workforce_return=correction,
        expected_version=correction.lock_version,
        teams={a1.pk: typed},
    )
    services.workforce_return_submit(by=small.manager, workforce_return=correction)
    # Submitted, not yet approved: the original still counts.
    assert team(july(year), "A1").turnover.leavers_fte == 2
    for officer in small.officers:
        services.workforce_return_approve(by=officer, workforce_return=correction)
    january.refresh_from_db()
    assert january.state == State.SUPERSEDED
    summary = july(year)
    a1_spell = team(summary, "A1").turnover
    assert a1_spell.leavers_fte == D("3.5") and a1_spell.months == 12
    assert a1_spell.employed_fte == 8  # July's, not January's 6
    assert a1_spell.value == F(D("3.5")) / 8 * 100  # 43.75%
    assert summary.arrangement.turnover.value == F(D("10.5")) / 27 * 100


def test_a_drafts_turnover_uses_its_own_month_and_the_approved_months_before(small, year):
    draft = WorkforceReturn.objects.create(arrangement=small.arrangement, period=date(2026, 8, 1))
    summary = reads.summary(draft)
    spell = summary.arrangement.turnover
    # September 2025 to July 2026 approved (11 months), and the draft's August with no figures.
    assert spell.first == date(2025, 9, 1) and spell.months == 11
    assert spell.leavers_fte == D("7.5")  # August 2025's 1.5 has dropped out of the 9


def test_areas_add_up_their_teams_and_the_arrangement_adds_up_every_team(year):
    summary = july(year)
    aac, bbc = summary.areas
    assert (aac.key, aac.totals.establishment_fte, aac.totals.employed_fte) == ("AAC", 15, 12)
    assert (bbc.key, bbc.totals.establishment_fte) == ("BBC", 20)
    whole = summary.arrangement.totals
    assert whole.establishment_fte == 35 and whole.employed_fte == 27
    # Changed deliberately: the census's vacancies include the posts agency workers cover.
    # AAC: 2 unfilled + 1 covered of 15; BBC: 3 unfilled + 2 covered (its third agency worker
    # is over the establishment) of 5 + 15.
    assert aac.measures["vacancy_rate"].value == F(3, 15) * 100
    assert bbc.measures["vacancy_rate"].value == F(5, 20) * 100
    assert summary.arrangement.measures["vacancy_rate"].value == F(8, 35) * 100
    assert summary.arrangement.measures["agency_rate"].value == F(4, 31) * 100
    assert bbc.measures["unfilled_share"].value == F(3, 20) * 100
    assert bbc.measures["covered_share"].value == F(2, 5) * 100
    assert summary.arrangement.measures["census_caseload"].value == F(160, 11)
    assert aac.measures["experienced_share"].value == F(12, 15) * 100
    # The rate with its RAG is the same exact fraction workforce/rates.py computes.
    assert summary.arrangement.measures["vacancy_rate"].value == whole.vacancy_rate
    assert summary.arrangement.measures["average_caseload"].value == F(160, 12)


def test_the_staff_mix_as_shares_of_posts_differs_from_the_dfe_rates(year):
    rows = reads.posts_and_rates(july(year).arrangement.totals)
    assert rows[0][:3] == ("Vacant", "14.3", "22.9")  # 5/35 unfilled; 8/(8+27)


def target(arrangement, code, value, tolerance, year=2026):
    return Target.objects.create(
        arrangement=arrangement,
        indicator=Indicator.objects.get(code=code),
        financial_year=year,
        valid_from=date(year, 4, 1),
        target=D(value),
        tolerance=D(tolerance),
        reason="test",
    )


def test_each_rate_is_rated_against_the_target_in_force(small, year):
    target(small.arrangement, "WORKFORCE_VACANCY_RATE", "20", "5")
    target(small.arrangement, "WORKFORCE_AGENCY_RATE", "10", "5")
    target(small.arrangement, "WORKFORCE_TURNOVER_RATE", "30", "5")
    target(small.arrangement, "WORKFORCE_EXPERIENCED_SHARE", "60", "10")
    target(small.arrangement, "AVERAGE_CASELOAD", "12", "2")
    summary = july(year)
    teams = {g.label: g.measures for g in summary.teams}
    status = {
        team: {k: m.rating.status for k, m in measures.items()} for team, measures in teams.items()
    }
    assert status["A1"]["vacancy_rate"] == Status.GREEN  # 2/10 = 20%: on target
    assert status["B1"]["vacancy_rate"] == Status.AMBER  # 5/20 = 25%
    assert status["A2"]["agency_rate"] == Status.GREEN  # none
    assert status["B1"]["agency_rate"] == Status.RED  # 3/18 = 16.7%
    assert status["B1"]["experienced_share"] == Status.GREEN  # 12/20 = 60%: on target
    assert status["A1"]["turnover"] == Status.GREEN  # 25%
    assert status["B1"]["turnover"] == Status.RED  # 40%
    assert summary.arrangement.measures["turnover"].rating.status == Status.AMBER  # 33.3%
    assert status["B1"]["average_caseload"] == Status.RED  # 90 / 6 = 15 against 12 ± 2
    assert status["B1"]["over_limit_share"] == Status.GREY  # no target set
    assert status["B1"]["census_caseload"] == Status.NONE  # no indicator: shown, not rated
    assert teams["B1"]["census_caseload"].status_words == "Context only"
    words = teams["B1"]["vacancy_rate"]
    assert words.status_words == "Amber: within tolerance"
    assert words.target_text == "20% ± 5 points"
    assert teams["B1"]["over_limit_share"].status_words == "No target"


def test_a_turnover_of_fewer_than_twelve_months_is_shown_but_not_rated(small, year):
    target(small.arrangement, "WORKFORCE_TURNOVER_RATE", "30", "5", year=2025)
    march = reads.summary(year["2026-03"]).arrangement.measures["turnover"]
    assert march.value == F(D("8.5")) / 27 * 100  # August to March: 8 months' leavers
    assert march.rating.status == Status.GREY
    assert march.status_words == "Not rated: under 12 months"
    assert march.note == "Not enough months: 8 of the 12 have figures"


def test_a_small_denominator_is_flagged(year):
    teams = {g.label: g.measures for g in july(year).teams}
    assert teams["A2"]["vacancy_rate"].rating.small_numbers  # 5 FTE
    assert not teams["B1"]["vacancy_rate"].rating.small_numbers  # 20 FTE


def test_targets_of_another_year_do_not_apply(small, year):
    target(small.arrangement, "WORKFORCE_VACANCY_RATE", "18", "5", year=2025)
    assert team(july(year), "A1").measures["vacancy_rate"].rating.status == Status.GREY
    assert team(reads.summary(year["2026-03"]), "A1").measures["vacancy_rate"].rating.status == (
        Status.AMBER
    )


def test_a_team_with_no_establishment_has_no_data_rather_than_nought(small, year):
    empty = Team.objects.create(
        arrangement=small.arrangement, name="Z", service="court", area=small.bbc
    )
    small.teams["Z"] = empty
    month = small.approved("2026-09", {**figures_for("2026-09"), "Z": {}})
    summary = reads.summary(month)
    zero = next(g for g in summary.teams if g.label == "Z")
    assert zero.reported and zero.totals.establishment_fte == 0
    for measure in zero.measures.values():
        assert measure.value is None and measure.status_words == "No data"
        assert measure.text == "no data"
    assert summary.areas[1].totals.establishment_fte == 20  # BBC: B1 alone


def test_an_open_team_not_yet_entered_shows_as_not_reported(small):
    draft = WorkforceReturn.objects.create(arrangement=small.arrangement, period=date(2026, 8, 1))
    summary = reads.summary(draft)
    assert [g.reported for g in summary.teams] == [False, False, False]
    assert summary.arrangement.reported


def approved_performance(small, month, state=State.APPROVED):
    performance = MonthlyReturn.objects.create(
        arrangement=small.arrangement, period=month, state=state
    )
    average = Indicator.objects.get(code="AVERAGE_CASELOAD")
    over = Indicator.objects.get(code="WORKERS_OVER_CASELOAD")
    for indicator, area, numerator, denominator in [
        (average, "AAC", 70, 5),
        (average, "BBC", 90, 6),
        (average, "ALL", 160, 10),
        (over, "AAC", 2, 5),
        (over, "ALL", 3, 10),
    ]:
        Measurement.objects.create(
            monthly_return=performance,
            indicator=indicator,
            area=area,
            numerator=numerator,
            denominator=denominator,
            source=Measurement.Source.EXTRACT,
        )
    return performance


def test_caseloads_from_the_performance_return_are_shown_beside_the_workforce_returns(small, year):
    performance = approved_performance(small, date(2026, 7, 1))
    summary = july(year)
    assert summary.performance_return == performance
    side = {c.key: c for c in summary.caseloads}
    assert list(side) == ["AAC", "BBC", "ALL"]
    assert side["AAC"].workforce_average.value == F(70, 6)
    assert side["AAC"].performance_average.value == 14
    assert side["ALL"].workforce_average.value == F(160, 12)
    assert side["ALL"].performance_average.value == 16  # distinct workers: not the sum
    assert side["AAC"].workforce_over.value == F(2, 6) * 100
    assert side["AAC"].performance_over.value == 40
    assert side["BBC"].performance_over is None  # not in the performance return
    assert side["AAC"].source == "Computed from the child-level extract"


def test_only_an_approved_performance_return_is_shown_beside_it(small, year):
    approved_performance(small, date(2026, 7, 1), state=State.SUBMITTED)
    summary = july(year)
    assert summary.performance_return is None
    assert all(c.performance_average is None for c in summary.caseloads)


def test_over_time_gives_every_approved_month_with_its_rates(small, year):
    WorkforceReturn.objects.filter(pk=year["2026-03"].pk).update(state=State.SUBMITTED)
    points = reads.over_time(small.arrangement)
    assert len(points) == 11 and date(2026, 3, 1) not in [p.month for p in points]
    assert points[-1].turnover.value == F(9, 27) * 100
    assert points[0].turnover.months == 1
    team = reads.over_time(small.arrangement, pick=lambda f: f.team.name == "B1")
    assert team[-1].totals.establishment_fte == 20
    assert team[-1].turnover.value == F(6, 15) * 100


def test_over_time_reads_in_a_bounded_number_of_queries(small, year, django_assert_max_num_queries):
    # approved_figures' three (the returns, the teams, their figures: each return and team read
    # once rather than joined to every row) and the indicators, rules and targets.
    with django_assert_max_num_queries(6):
        reads.over_time(small.arrangement)


def test_approved_figures_read_the_same_queries_for_a_month_or_a_year(small, year):
    arrangement = small.arrangement
    with CaptureQueriesContext(connection) as one:
        assert len(reads.approved_figures(arrangement, date(2025, 8, 1), date(2025, 8, 1))) == 1
    with CaptureQueriesContext(connection) as twelve:
        assert len(reads.approved_figures(arrangement, date(2025, 8, 1), date(2026, 7, 1))) == 12
    assert len(one) == len(twelve) == 3


def test_targets_in_force_agree_with_the_catalogues_own_rule(small, year):
    target(small.arrangement, "WORKFORCE_VACANCY_RATE", "18", "5", year=2025)
    target(small.arrangement, "WORKFORCE_VACANCY_RATE", "12", "5", year=2026)
    later = Target.objects.create(
        arrangement=small.arrangement,
        indicator=Indicator.objects.get(code="WORKFORCE_VACANCY_RATE"),
        financial_year=2026,
        valid_from=date(2026, 6, 1),
        target=D("11"),
        tolerance=D("4"),
        reason="test",
    )
    rows = list(
        Target.objects.filter(arrangement=small.arrangement).order_by(
            "indicator_id", "valid_from", "pk"
        )
    )
    for month in [date.fromisoformat(m + "-01") for m in MONTHS]:
        expected = Target.objects.in_force(arrangement=small.arrangement, month=month)
        assert reads.targets_in_force(rows, month) == expected
    assert reads.targets_in_force(rows, date(2026, 7, 1))[later.indicator_id] == later


def test_each_month_is_rated_under_the_performance_rules_in_force_for_it(small, year):
    # The small-number size falls from 10 to 4 from April 2026: A2's vacancy rate (1 vacant of
    # 5 posts) is a small number in March 2026 and no longer in July 2026.
    from performance.tests.factories import PerformanceSettingsFactory

    PerformanceSettingsFactory(arrangement=small.arrangement, valid_from=date(2025, 4, 1))
    PerformanceSettingsFactory(
        arrangement=small.arrangement, valid_from=date(2026, 4, 1), small_number=4
    )
    march = team(reads.summary(year["2026-03"]), "A2").measures["vacancy_rate"]
    assert march.rating.small_numbers
    assert not team(july(year), "A2").measures["vacancy_rate"].rating.small_numbers
    points = reads.over_time(small.arrangement, pick=lambda f: f.team.name == "A2")
    small_by_month = {p.month: p.measures["vacancy_rate"].rating.small_numbers for p in points}
    assert small_by_month[date(2026, 3, 1)] is True
    assert small_by_month[date(2026, 4, 1)] is False
