"""Signals on the indicator pages: why each month's percentage moved (split into its numerator
and denominator effects) and the control chart with its Making Data Count flags, on factories
(the root ``world`` and the test's own ``catalogue``), never the demo."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from performance import dashboards
from performance.dashboards.pack import build_performance_pack
from performance.models import Indicator, Measurement, MonthlyReturn
from performance.services import returns
from performance.tests.factories import (
    IndicatorDefinitionFactory,
    IndicatorFactory,
    PerformanceSettingsFactory,
    TargetFactory,
)
from trust_portal.approvals.models import State
from trust_portal.dashboards import figures
from trust_portal.periods import next_month
from workforce.tests.factories import TeamFactory, TeamFiguresFactory, WorkforceReturnFactory

APRIL_2024 = date(2024, 4, 1)


@pytest.fixture
def codes(world):
    return sorted(council.code for council in world.councils)


def approve(arrangement, month, cells):
    """An approved return holding just these figures: {(indicator, area): (n, d)}."""
    monthly_return = MonthlyReturn.objects.create(
        arrangement=arrangement,
        period=month,
        revision=1,
        state=State.APPROVED,
        approved_at=datetime(2025, 12, 1, tzinfo=UTC),
    )
    for (indicator, area), (numerator, denominator) in cells.items():
        Measurement.objects.create(
            monthly_return=monthly_return,
            indicator=indicator,
            area=area,
            numerator=numerator,
            denominator=denominator,
        )
    return monthly_return


def history(arrangement, indicator, codes, series):
    """Consecutive approved months from April 2024: series of ((n, d) first, (n, d) second)."""
    month = APRIL_2024
    for first, second in series:
        approve(arrangement, month, {(indicator, codes[0]): first, (indicator, codes[1]): second})
        month = next_month(month)


def rows_of(block, **match):
    keys = [c["key"] for c in block["table"]["columns"]]
    found = [dict(zip(keys, row, strict=True)) for row in block["table"]["rows"]]
    return [r for r in found if all(r[k] == v for k, v in match.items())]


def page_of(arrangement, indicator):
    data = dashboards.build_indicators(arrangement)
    figures.check_snapshot(data)
    return {b["id"]: b for b in data["pages"][indicator.code]["blocks"]}


# --- why it moved ----------------------------------------------------------------------------


@pytest.fixture
def two_months(arrangement, catalogue, codes):
    IndicatorDefinitionFactory(
        indicator=catalogue.visits,
        valid_from=APRIL_2024,
        numerator_words="children visited in time",
        denominator_words="children in need",
    )
    # First area: 50 of 100, then 62 of 97. Second: 30 of 40 both months.
    history(arrangement, catalogue.visits, codes, [((50, 100), (30, 40)), ((62, 97), (30, 40))])
    return arrangement


def test_the_trend_page_says_why_each_month_moved(two_months, catalogue, codes):
    why = page_of(two_months, catalogue.visits)["why"]
    (first,) = rows_of(why, month="2024-05", area=codes[0])
    # 62/97 − 50/100 = 13.9 points: 1200/97 = 12.4 from the numerator, 150/97 = 1.5 from the
    # denominator.
    assert (first["change"], first["numerator_effect"], first["denominator_effect"]) == (
        "13.9",
        "12.4",
        "1.5",
    )
    assert first["why"] == (
        "Up 13.9 points: 12 more children visited in time added 12.4 points, "
        "3 fewer children in need added 1.5 points"
    )
    assert first["note"] == ""
    (overall,) = rows_of(why, month="2024-05", area="Overall")
    assert overall["why"].startswith("Up 10.0 points: 12 more")  # 80/140 to 92/137


def test_a_changed_definition_and_target_are_noted_beside_the_move(two_months, catalogue, codes):
    IndicatorDefinitionFactory(indicator=catalogue.visits, version=2, valid_from=date(2024, 5, 1))
    TargetFactory(arrangement=two_months, indicator=catalogue.visits, valid_from=APRIL_2024)
    TargetFactory(
        arrangement=two_months,
        indicator=catalogue.visits,
        valid_from=date(2024, 5, 1),
        target=Decimal("85.00"),
    )
    (first,) = rows_of(page_of(two_months, catalogue.visits)["why"], area=codes[0])
    assert "version 1, then version 2 from May 2024" in first["note"]
    assert "from 80% (tolerance 5) to 85% (tolerance 5)" in first["note"]


def test_a_count_indicator_has_no_split(two_months, catalogue):
    assert "why" not in page_of(two_months, catalogue.open_cp)


def test_the_return_review_says_why_each_figure_moved(people, client_for, two_months, codes):
    may = MonthlyReturn.objects.get(arrangement=two_months, period=date(2024, 5, 1))
    rows = [r for r in returns.return_rows(may) if r.why]
    assert [(r.area, r.why) for r in rows] == [
        (
            codes[0],
            "Up 13.9 points: 12 more children visited in time added 12.4 points, "
            "3 fewer children in need added 1.5 points",
        ),
        (
            codes[1],
            "No change: the same number of children visited in time and the same number of "
            "children in need",
        ),
    ]
    page = reverse("performance:return-detail", args=[two_months.code, "2024-05", 1])
    body = client_for(people["officer"]).get(page).content.decode()
    assert "Why it moved" in body
    assert "12 more children visited in time added 12.4 points" in body


# --- control chart --------------------------------------------------------------------------

STEADY = [((46, 100), (50, 100)), ((58, 100), (50, 100))] * 6 + [((46, 100), (50, 100))]
SPIKE = ((100, 100), (50, 100))  # overall 150 of 200 = 75.0%


def test_with_fewer_than_12_months_it_says_there_is_not_enough_history(
    arrangement, catalogue, codes
):
    history(arrangement, catalogue.visits, codes, STEADY[:11])
    control = page_of(arrangement, catalogue.visits)["control"]
    assert control["kind"] == "note"
    assert "Overall: not enough history for control limits yet (11 months" in control["text"]


def test_a_month_beyond_its_limit_is_said_to_be_a_real_change(arrangement, catalogue, codes):
    history(arrangement, catalogue.visits, codes, [*STEADY, SPIKE])
    blocks = page_of(arrangement, catalogue.visits)
    control = blocks["control"]
    assert control["kind"] == "chart"
    assert "Overall: May 2025's 75.0% is above its upper limit (" in control["summary"]
    assert "a real change, not noise (an improvement)" in control["summary"]
    assert (
        "Special cause in 1 of the 14 months charted (1 improvement), the latest in May 2025"
        in (control["summary"])
    )
    (may,) = rows_of(control, month="2025-05")
    assert may["signal"] == "Special cause: improvement"
    (april,) = rows_of(control, month="2024-04")
    assert april["signal"] == "" and april["centre"] == "52.50"  # 1470 of 2800
    names = [trace["name"] for trace in control["figure"]["data"]]
    assert names == ["Overall", "Centre line", "Upper limit", "Lower limit",
                     "Special cause: improvement"]  # fmt: skip
    assert "RAG asks whether" in blocks["rag_and_spc"]["text"]


def test_the_scorecard_flags_a_special_cause_month_only(arrangement, catalogue, codes):
    history(arrangement, catalogue.visits, codes, [*STEADY, SPIKE])
    data = dashboards.build_overview(arrangement)
    figures.check_snapshot(data)
    scorecard = next(b for b in data["blocks"] if b["id"] == "scorecard")
    flags = {r["area"]: r["signal"] for r in rows_of(scorecard, code=catalogue.visits.code)}
    assert flags == {
        codes[0]: "Special cause: improvement",
        codes[1]: "",
        "ALL": "Special cause: improvement",
    }
    # The pack's tables keep their columns: the flag is the dashboard's.
    pack = build_performance_pack(arrangement)["pack"]["by_month"]["2025-05"]
    keys = [c["key"] for b in pack if "table" in b for c in b["table"]["columns"]]
    assert "indicator" in keys and "signal" not in keys


# Overall (n of 200, the second area 50 of 100 throughout): 45.0%, 56.0%, … crossing the centre
# line (1423 of 2800 = 50.8%) for seven months, then 51.5% and 52.5% above it for seven; no
# month beyond a limit or two sigma, no trend.
SHIFTED = [((x, 100), (50, 100)) for x in [40, 62] * 3 + [40] + [53, 55] * 3 + [53]]


def test_seven_months_above_the_centre_line_are_a_shift(arrangement, catalogue, codes):
    history(arrangement, catalogue.visits, codes, SHIFTED)
    control = page_of(arrangement, catalogue.visits)["control"]
    words = "Special cause in 7 of the 14 months charted (7 improvement), the latest in May 2025"
    assert words in control["summary"]
    assert [r["signal"] for r in rows_of(control)] == [""] * 7 + ["Special cause: improvement"] * 7


def test_a_missing_month_breaks_the_run_of_seven(arrangement, catalogue, codes):
    # The same figures, with no return for February 2025: the seven months above the centre
    # line are three (November 2024 to January 2025) and then four (March to June 2025).
    month = APRIL_2024
    for index, (first, second) in enumerate(SHIFTED):
        if index == 10:
            month = next_month(month)
        approve(arrangement, month, {(catalogue.visits, codes[0]): first,
                                     (catalogue.visits, codes[1]): second})  # fmt: skip
        month = next_month(month)
    control = page_of(arrangement, catalogue.visits)["control"]
    assert "No month of the 14 charted is special cause." in control["summary"]
    assert [r["month"] for r in rows_of(control)][9:11] == ["2025-01", "2025-03"]
    assert [r["signal"] for r in rows_of(control)] == [""] * 14


def test_limits_are_re_based_when_the_definition_changes(arrangement, catalogue, codes):
    IndicatorDefinitionFactory(indicator=catalogue.visits, valid_from=APRIL_2024)
    IndicatorDefinitionFactory(indicator=catalogue.visits, version=2, valid_from=date(2025, 1, 1))
    history(arrangement, catalogue.visits, codes, [*STEADY, SPIKE])
    control = page_of(arrangement, catalogue.visits)["control"]
    assert control["kind"] == "note"
    assert (
        "not enough history for control limits yet (5 months of approved figures since the "
        "definition or a rule deciding it changed in January 2025" in control["text"]
    )


def test_limits_are_re_based_when_a_rule_deciding_the_indicator_changes(
    arrangement, catalogue, codes
):
    # The small-number size (which decides every percentage's rating) changes from January 2025.
    PerformanceSettingsFactory(arrangement=arrangement, valid_from=APRIL_2024)
    PerformanceSettingsFactory(arrangement=arrangement, valid_from=date(2025, 1, 1), small_number=5)
    history(arrangement, catalogue.visits, codes, [*STEADY, SPIKE])
    control = page_of(arrangement, catalogue.visits)["control"]
    assert control["kind"] == "note"
    assert (
        "not enough history for control limits yet (5 months of approved figures since the "
        "definition or a rule deciding it changed in January 2025" in control["text"]
    )


def test_a_ratio_is_not_charted_and_does_not_stop_the_overview(arrangement, codes):
    # Cases per worker: the numerator passes the denominator, so there is no p′ chart of it,
    # however many months it has.
    ratio = IndicatorFactory(code="TEST_CASES_PER_WORKER", unit=Indicator.Unit.RATIO)
    history(arrangement, ratio, codes, [((200, 10), (150, 10))] * 14)
    data = dashboards.build_overview(arrangement)
    figures.check_snapshot(data)
    scorecard = next(b for b in data["blocks"] if b["id"] == "scorecard")
    keys = [c["key"] for c in scorecard["table"]["columns"]]
    signals = {row[keys.index("signal")] for row in scorecard["table"]["rows"]}
    assert signals <= {"", None}


def test_a_workforce_rate_is_neither_split_nor_charted(world, arrangement):
    rate = IndicatorFactory(
        code="WORKFORCE_VACANCY_RATE",  # the workforce app reads it by this code
        name="Vacancy rate",
        domain=Indicator.Domain.WORKFORCE,
        polarity=Indicator.Polarity.LOWER,
        entered_in=Indicator.EnteredIn.WORKFORCE,
    )
    team = TeamFactory(arrangement=arrangement, area=world.councils[0])
    month = APRIL_2024
    for vacant in ["4.00", "5.00"] * 7:
        approved = WorkforceReturnFactory(
            arrangement=arrangement, period=month, state=State.APPROVED
        )
        TeamFiguresFactory(workforce_return=approved, team=team, vacant_fte=Decimal(vacant))
        month = next_month(month)
    blocks = page_of(arrangement, rate)
    assert blocks["control"]["kind"] == blocks["why"]["kind"] == "note"
    assert "a p′ chart does not apply" in blocks["control"]["text"]
    assert "not split here" in blocks["why"]["text"]
