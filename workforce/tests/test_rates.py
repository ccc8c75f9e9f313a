"""The DfE workforce census's rates on hand-computed cases and on England's published figures
(workforce/rates.py)."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest

from trust_portal.numbers import rounded
from workforce.rates import Totals, ratio, turnover, twelve_months_to

DECEMBER_2018 = Totals(
    establishment_fte=D("328"), experienced_fte=D("111"), asye_fte=D("76"),
    agency_fte=D("82"), vacant_fte=D("59"),
)  # fmt: skip


def test_december_2018_as_shares_of_posts_is_the_reports_mix():
    shares = {
        name: round(float(DECEMBER_2018.share_of_posts(name)))
        for name in ("experienced_fte", "asye_fte", "agency_fte", "vacant_fte")
    }
    assert shares == {"experienced_fte": 34, "asye_fte": 23, "agency_fte": 25, "vacant_fte": 18}


def test_the_census_vacancy_rate_counts_the_posts_agency_workers_cover():
    # Changed deliberately from 59 / (59 + 187) = 24.0%, which left agency-covered posts out:
    # the census counts "any FTE vacancy ... including ... those covered by agency workers".
    # (59 unfilled + 82 agency-covered) / (141 + 187 FTE social workers) = 141/328 = 43.0%.
    assert DECEMBER_2018.census_vacancies_fte == 141
    assert DECEMBER_2018.vacancy_rate == Fraction(14100, 328)
    assert round(float(DECEMBER_2018.vacancy_rate), 1) == 43.0


def test_the_reports_18_percent_is_posts_unfilled_with_no_cover():
    assert DECEMBER_2018.unfilled_share == Fraction(5900, 328)
    assert round(float(DECEMBER_2018.unfilled_share)) == 18
    # and the vacancies agency staff cover: 82 of the 141
    assert DECEMBER_2018.covered_share == Fraction(8200, 141)


def test_agency_workers_over_the_establishment_cover_no_vacancy():
    # 10 posts: 6 employed, 2 covered by agency, 2 with no cover; 1 more agency worker over
    # the establishment. Vacancies 4; the agency rate counts all 3 agency workers.
    team = Totals(
        establishment_fte=D("10"), experienced_fte=D("6"), agency_fte=D("3"),
        agency_over_establishment_fte=D("1"), vacant_fte=D("2"),
    )  # fmt: skip
    assert team.census_vacancies_fte == 4
    assert team.vacancy_rate == 40
    assert team.agency_rate == Fraction(300, 9)
    assert team.covered_share == 50


def test_the_agency_rate_counts_agency_against_agency_plus_employed():
    assert DECEMBER_2018.agency_rate == Fraction(8200, 269)


def test_the_experienced_share_is_of_the_establishment():
    assert DECEMBER_2018.experienced_share == Fraction(11100, 328)


def test_fractional_fte_stay_exact():
    team = Totals(establishment_fte=D("10.50"), experienced_fte=D("7.25"), vacant_fte=D("3.25"))
    assert team.vacancy_rate == Fraction(325, 1050) * 100
    assert Totals(open_cases=37, case_holding_fte=D("2.50")).census_caseload == Fraction(74, 5)


def test_a_team_with_no_establishment_has_no_rates_rather_than_nought():
    empty = Totals()
    assert empty.vacancy_rate is None
    assert empty.agency_rate is None
    assert empty.experienced_share is None
    assert empty.average_caseload is None
    assert empty.over_limit_share is None
    assert empty.census_caseload is None
    assert empty.unfilled_share is None
    assert empty.covered_share is None


def test_caseloads_per_worker_holding_cases():
    team = Totals(open_cases=95, workers_holding_cases=5, workers_over_limit=2)
    assert team.average_caseload == 19
    assert team.over_limit_share == 40


def test_totals_add_up_teams():
    class Row:
        def __init__(self, **kw):
            for name, value in Totals().as_dict().items():
                setattr(self, name, kw.get(name, value))

    totals = Totals.of([Row(vacant_fte=D("1.50"), open_cases=3), Row(vacant_fte=D("2.00"))])
    assert totals.vacant_fte == D("3.50") and totals.open_cases == 3


def test_turnover_is_leavers_over_the_social_workers_in_post_at_the_date():
    # Changed deliberately from an average over the year: the census divides by the FTE in
    # post at the date. 12 leavers' FTE against 240 in post: 5%.
    assert turnover(D("12"), D("240")) == 5
    assert turnover(D("12"), None) is None
    assert turnover(D("12"), D("0")) is None


# England at 30 September 2023, the DfE's "Children's social work workforce" statistics, 2023
# release (published 29 February 2024), data file "1. Indicators", csww_indicators_2017_to_2023
# .csv, England row:
# https://explore-education-statistics.service.gov.uk/find-statistics/children-s-social-work-workforce/2023
# (docs/sources/workforce-census-and-spc.md). FTE as published, to one decimal place.
ENGLAND_2023 = {
    "in_post": D("33119.1"),
    "vacancies": D("7722.7"),
    "agency": D("7173.5"),
    "leavers": D("5254.6"),
    "cases": 337055,
    "case_holding": D("21111.4"),
}


def one_place(value: Fraction) -> str:
    return str(rounded(value, 1))


def test_englands_2023_vacancy_rate_is_the_published_18_9():
    # The census's vacancies include agency-covered ones: all 7,722.7 as posts with no cover
    # here, or any split between cover and none, give the same rate.
    england = Totals(experienced_fte=ENGLAND_2023["in_post"], vacant_fte=ENGLAND_2023["vacancies"])
    assert one_place(england.vacancy_rate) == "18.9"
    covered = Totals(
        experienced_fte=ENGLAND_2023["in_post"], vacant_fte=D("549.2"),
        agency_fte=ENGLAND_2023["agency"],
    )  # fmt: skip
    assert covered.vacancy_rate == england.vacancy_rate


def test_englands_2023_agency_rate_is_the_published_17_8():
    england = Totals(experienced_fte=ENGLAND_2023["in_post"], agency_fte=ENGLAND_2023["agency"])
    assert one_place(england.agency_rate) == "17.8"


def test_englands_2023_turnover_is_the_published_15_9():
    assert one_place(turnover(ENGLAND_2023["leavers"], ENGLAND_2023["in_post"])) == "15.9"


def test_englands_2023_caseload_is_the_published_16_0():
    england = Totals(
        open_cases=ENGLAND_2023["cases"], case_holding_fte=ENGLAND_2023["case_holding"]
    )
    assert one_place(england.census_caseload) == "16.0"


def test_the_old_definitions_would_not_give_englands_published_figures():
    # Vacancies with the agency-covered ones left out (the portal's old rate) fall short of
    # 18.9%, and turnover over an average unlike the in-post figure moves off 15.9%: the
    # published figures tell the definitions apart.
    in_post, agency = ENGLAND_2023["in_post"], ENGLAND_2023["agency"]
    uncovered = ENGLAND_2023["vacancies"] - agency
    assert one_place(Fraction(uncovered) / Fraction(uncovered + in_post) * 100) != "18.9"
    average = (in_post + D("34328.2")) / 2  # 2023 and 2024 in post
    assert one_place(Fraction(ENGLAND_2023["leavers"]) / Fraction(average) * 100) != "15.9"


@pytest.mark.parametrize(
    ("month", "first"),
    [(date(2024, 7, 1), date(2023, 8, 1)), (date(2024, 12, 1), date(2024, 1, 1)),
     (date(2025, 1, 15), date(2024, 2, 1))],
)  # fmt: skip
def test_twelve_months_end_with_the_month(month, first):
    assert twelve_months_to(month) == (first, month.replace(day=1))


def test_ratio_refuses_nothing_but_a_zero_denominator():
    assert ratio(0, 5) == 0
    assert ratio(D("1.5"), D("3")) == Fraction(1, 2)
    assert ratio(1, 0) is None
