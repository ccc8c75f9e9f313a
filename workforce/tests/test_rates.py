"""The DfE workforce rates on hand-computed cases (workforce/rates.py)."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest

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


def test_the_dfe_vacancy_rate_is_higher_than_the_share_of_posts():
    # 59 vacant / (59 vacant + 187 employed): employed means permanent staff only.
    assert DECEMBER_2018.vacancy_rate == Fraction(5900, 246)
    assert DECEMBER_2018.vacancy_rate > DECEMBER_2018.share_of_posts("vacant_fte")


def test_the_agency_rate_counts_agency_against_agency_plus_employed():
    assert DECEMBER_2018.agency_rate == Fraction(8200, 269)


def test_the_experienced_share_is_of_the_establishment():
    assert DECEMBER_2018.experienced_share == Fraction(11100, 328)


def test_fractional_fte_stay_exact():
    team = Totals(establishment_fte=D("10.50"), experienced_fte=D("7.25"), vacant_fte=D("3.25"))
    assert team.vacancy_rate == Fraction(325, 1050) * 100


def test_a_team_with_no_establishment_has_no_rates_rather_than_nought():
    empty = Totals()
    assert empty.vacancy_rate is None
    assert empty.agency_rate is None
    assert empty.experienced_share is None
    assert empty.average_caseload is None
    assert empty.over_limit_share is None


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


def test_turnover_is_leavers_over_the_average_employed():
    # 12 leavers' FTE against an average of 200 employed FTE: 6%.
    assert turnover(D("12"), [D("190"), D("210")]) == 6
    assert turnover(D("12"), []) is None
    assert turnover(D("12"), [D("0"), D("0")]) is None


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
