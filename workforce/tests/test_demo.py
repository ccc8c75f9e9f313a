"""The demo's workforce returns against the public record: December 2018 as the Commissioner's
report put it (shares of 328 posts 34/23/25/18%, the 18% unfilled with no cover; by the census's
definition a vacancy rate of 141/328 = 43.0%), July 2024 as the scrutiny report did (12.9% "SW
vacancies" as the census-method vacancy rate; its 9.9% "all staff" turnover as the all-staff
turnover, not the census's social-worker turnover), the synthetic months marked, and the fixture
exactly what its generator builds."""

import importlib.util
import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from trust_portal.approvals.models import State
from workforce import demo, reads, services
from workforce.models import TeamFigures, WorkforceReturn
from workforce.rates import all_staff_turnover

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PUBLIC = FIXTURES / "public_record"


def one_place(value) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal("0.1"), ROUND_HALF_UP))


def whole(value) -> int:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


def summary_of(month: str):
    return reads.summary(
        WorkforceReturn.objects.get(
            arrangement__trust__code="NCT", period=date.fromisoformat(month + "-01")
        )
    )


def published(document: str, section: str) -> dict:
    data = json.loads((PUBLIC / document).read_text())
    return {row["id"]: row for row in data[section]}


def test_the_fixture_is_what_its_generator_builds():
    path = FIXTURES / "make_workforce_returns.py"
    spec = importlib.util.spec_from_file_location("make_workforce_returns", path)
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert (FIXTURES / "workforce.json").read_text() == generator.render(generator.build())


def test_december_2018_as_shares_of_posts_is_the_reports_mix(cast):
    record = published("commissioner_2019_workforce.json", "workforce_december_2018")
    totals = summary_of("2018-12").arrangement.totals
    assert totals.establishment_fte == record["sw_establishment_posts"]["value"] == 328
    shares = {
        "share_experienced_permanent": totals.share_of_posts("experienced_fte"),
        "share_inexperienced": totals.share_of_posts("asye_fte")
        + totals.share_of_posts("international_fte"),
        "share_agency": totals.share_of_posts("agency_covering_fte"),
        "share_vacant": totals.unfilled_share,  # posts unfilled, no cover
    }
    assert {k: whole(v) for k, v in shares.items()} == {k: record[k]["value"] for k in shares}
    assert shares["share_inexperienced"] > 23  # printed "Over 23%"


def test_december_2018s_census_vacancy_rate_counts_the_agency_covered_posts(cast):
    # Changed deliberately from 59 / (59 + 187) = 24.0%: the census counts vacancies "including
    # ... those covered by agency workers", so the vacancies are 59 unfilled + 82 covered.
    whole_arrangement = summary_of("2018-12").arrangement
    totals = whole_arrangement.totals
    assert (totals.census_vacancies_fte, totals.employed_fte) == (141, 187)
    assert totals.agency_over_establishment_fte == 0
    assert one_place(whole_arrangement.measures["vacancy_rate"].value) == "43.0"
    assert one_place(whole_arrangement.measures["unfilled_share"].value) == "18.0"
    assert one_place(whole_arrangement.measures["covered_share"].value) == "58.2"  # 82 of 141


def test_some_first_response_workers_held_over_50_cases_in_december_2018(cast):
    teams = {g.label: g for g in summary_of("2018-12").teams}
    for name in ["First Response North", "First Response West"]:
        team = teams[name]
        # An average of about 50 or more a worker means some held more than 50.
        assert team.measures["average_caseload"].value >= Decimal("49.5")
        assert team.totals.workers_over_limit == team.totals.workers_holding_cases


def test_december_2018s_caseloads_match_the_performance_return_beside_them(cast):
    summary = summary_of("2018-12")
    assert summary.performance_return is not None
    for side in summary.caseloads[:2]:  # the two areas; the whole counts distinct workers
        assert side.workforce_average.value == side.performance_average.value
        assert side.workforce_over.value == side.performance_over.value


def test_july_2024_reproduces_the_published_vacancy_rate_by_the_census_method(cast):
    record = published("scrutiny_2024_finance.json", "workforce_july_2024")
    summary = summary_of("2024-07")
    measures = summary.arrangement.measures
    assert one_place(measures["vacancy_rate"].value) == record["sw_vacancy_rate_jul_2024"]["value"]
    assert measures["vacancy_rate"].label == "Vacancy rate (census method)"
    totals = summary.arrangement.totals
    # the synthetic composition behind it: 40 vacancies (24 agency-covered, 16 with no cover)
    # of 40 + 270; 4 agency FTE over the establishment
    assert (totals.census_vacancies_fte, totals.employed_fte) == (40, 270)
    assert (totals.vacant_fte, totals.agency_over_establishment_fte) == (16, 4)
    assert summary.workforce_return.period not in reads.synthetic_months(
        summary.workforce_return.arrangement
    )


def test_july_2024s_all_staff_turnover_is_the_published_9_9_under_its_own_name(cast):
    record = published("scrutiny_2024_finance.json", "workforce_july_2024")
    assert record["turnover_jul_2024"]["what"] == "turnover percentage, all staff"
    summary = summary_of("2024-07")
    july = summary.workforce_return
    value = all_staff_turnover(july.all_staff_leavers_fte, july.all_staff_fte)
    assert one_place(value) == record["turnover_jul_2024"]["value"]
    # The census's turnover is of social workers: 26 leavers' FTE / 270 in post, not 9.9%.
    spell = summary.arrangement.turnover
    assert spell.complete and spell.first == date(2023, 8, 1)
    assert (spell.leavers_fte, spell.employed_fte) == (26, 270)
    assert one_place(spell.value) == "9.6"


def launch_to(last: date) -> set[date]:
    """The first of every month from the trust's launch (April 2021) to ``last``."""
    return {
        date(year, month, 1)
        for year in range(2021, last.year + 1)
        for month in range(1, 13)
        if date(2021, 4, 1) <= date(year, month, 1) <= last
    }


def test_the_months_between_are_approved_and_marked_synthetic(cast, nct):
    # December 2018 (the Commissioner's report), then every month from the trust's launch to
    # October 2026 approved; November 2026, the last complete month before the pinned day
    # (7 December 2026), in draft.
    approved = set(
        WorkforceReturn.objects.filter(arrangement=nct, state=State.APPROVED).values_list(
            "period", flat=True
        )
    )
    assert approved == {date(2018, 12, 1)} | launch_to(date(2026, 10, 1))
    assert len(approved) == 68
    (draft,) = WorkforceReturn.objects.filter(arrangement=nct).exclude(state=State.APPROVED)
    assert (draft.period, draft.state) == (date(2026, 11, 1), State.DRAFT)
    # Every month since the launch is synthetic but July 2024 (the scrutiny report's).
    synthetic = reads.synthetic_months(nct)
    assert synthetic == launch_to(date(2026, 11, 1)) - {date(2024, 7, 1)}
    assert date(2018, 12, 1) not in synthetic and date(2024, 7, 1) not in synthetic


def test_every_demo_month_was_entered_by_the_trust_and_approved_by_both_councils(cast, nct):
    months = WorkforceReturn.objects.filter(arrangement=nct).order_by("period")
    assert months.count() == 69
    for workforce_return in months:
        assert workforce_return.created_by == cast["nct-manager"]
        councils = {d.council.code for d in workforce_return.current_decisions()}
        # the last complete month is still the trust's draft: no council has decided on it
        expected = set() if workforce_return.state == State.DRAFT else {"NNC", "WNC"}
        assert councils == expected, workforce_return.period


def test_loading_the_demo_again_adds_nothing(cast, nct):
    before = (WorkforceReturn.objects.count(), nct.teams.count())
    demo.load(password="x", log=lambda message: None, today=timezone.localdate())
    assert (WorkforceReturn.objects.count(), nct.teams.count()) == before


@pytest.mark.parametrize("month", ["2018-12", "2024-07"])
def test_every_team_of_a_demo_month_adds_up(cast, month):
    for group in summary_of(month).teams:
        totals = group.totals
        assert totals.establishment_fte == (
            totals.employed_fte + totals.agency_covering_fte + totals.vacant_fte
        )
        assert totals.case_holding_fte <= totals.workers_holding_cases


def test_the_correction_of_a_demo_month_keeps_every_teams_figures(cast, nct):
    july = WorkforceReturn.objects.get(arrangement=nct, period=date(2024, 7, 1))
    correction = services.workforce_return_correct(
        by=cast["nct-manager"], workforce_return=july, reason="Recount"
    )
    assert correction.figures.count() == july.figures.count() == 19
    assert (correction.all_staff_fte, correction.all_staff_leavers_fte) == (1010, 100)
    assert TeamFigures.objects.filter(workforce_return=correction, team__active=False).count() == 0
