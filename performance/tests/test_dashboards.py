"""The performance dashboards on known figures: the overview scorecard, its pack by month, and
each indicator's trend with its target, tolerance and benchmarks. Built on factories: the root
``world`` (a trust and two councils) and indicators of the test's own (``catalogue``), not the
demo. The world's councils in code order stand where the demo's NNC and WNC stood."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from performance import dashboards
from performance.dashboards.pack import build_performance_pack
from performance.models import Commentary, Indicator, Measurement, MonthlyReturn
from performance.tests.factories import BenchmarkFactory, IndicatorFactory, TargetFactory
from trust_portal.approvals.models import State
from trust_portal.dashboards import figures
from workforce.tests.factories import TeamFactory, TeamFiguresFactory, WorkforceReturnFactory

MAY, JUNE = date(2025, 5, 1), date(2025, 6, 1)  # in 2025/26


@pytest.fixture
def councils(world):
    """The world's councils in code order, as the dashboards list them."""
    return sorted(world.councils, key=lambda council: council.code)


@pytest.fixture
def codes(councils):
    """(first, second): the councils' codes in the order the dashboards list them."""
    return tuple(council.code for council in councils)


@pytest.fixture
def codes_of(catalogue):
    """The catalogue's indicators by the names these tests give them."""
    return {
        "visits": catalogue.visits.code,  # a percentage, higher is better, areas add up
        "cases": catalogue.open_cp.code,  # a count, areas add up
        "caseload": catalogue.caseload.code,  # a ratio whose areas do not add up
    }


def approved(arrangement, month, cells, *, revision=1, state=State.APPROVED, commentary=None,
             approved_at=None):  # fmt: skip
    """An approved return holding just these figures: {(code, area): (numerator, denominator)}."""
    monthly_return = MonthlyReturn.objects.create(
        arrangement=arrangement, period=month, revision=revision, state=state,
        approved_at=approved_at or datetime(month.year, month.month + 1, 12, 10, tzinfo=UTC),
    )  # fmt: skip
    indicators = {i.code: i for i in Indicator.objects.all()}
    for (code, area), (numerator, denominator) in cells.items():
        Measurement.objects.create(
            monthly_return=monthly_return, indicator=indicators[code], area=area,
            numerator=numerator, denominator=denominator,
        )  # fmt: skip
    for code, text in (commentary or {}).items():
        Commentary.objects.create(monthly_return=monthly_return, indicator=indicators[code],
                                  text=text)  # fmt: skip
    return monthly_return


def visits_target(arrangement, catalogue):
    """2025/26's target for visits in time: 60%, tolerance 5 points."""
    return TargetFactory(arrangement=arrangement, indicator=catalogue.visits, financial_year=2025,
                         target=Decimal(60), tolerance=Decimal(5), reason="test")  # fmt: skip


@pytest.fixture
def months(arrangement, catalogue, codes, codes_of):
    first, second = codes
    visits, cases, caseload = codes_of["visits"], codes_of["cases"], codes_of["caseload"]
    visits_target(arrangement, catalogue)
    approved(arrangement, MAY, {
        (visits, first): (7, 10), (visits, second): (10, 20),
        (cases, first): (1790, None), (cases, second): (2210, None),
    })  # fmt: skip
    approved(arrangement, JUNE, {
        (visits, first): (8, 10), (visits, second): (9, 20),
        (cases, first): (1791, None), (cases, second): (2214, None),
        (caseload, first): (100, 5), (caseload, second): (90, 6),
        (caseload, "ALL"): (190, 10),
    }, commentary={visits: "Two West workers were off sick."})  # fmt: skip
    return arrangement


def rows_of(block, **match):
    keys = [c["key"] for c in block["table"]["columns"]]
    found = [dict(zip(keys, row, strict=True)) for row in block["table"]["rows"]]
    return [r for r in found if all(r[k] == v for k, v in match.items())]


def block(blocks, block_id):
    return next(b for b in blocks if b["id"] == block_id)


def test_the_overview_is_a_snapshot_the_pages_can_show(months):
    figures.check_snapshot(dashboards.build_overview(months))


def test_the_scorecard_is_for_the_latest_approved_month(months):
    data = dashboards.build_overview(months)
    assert data["period"] == "June 2025"
    assert block(data["blocks"], "scorecard")["title"] == "Scorecard, June 2025"


def test_overall_adds_up_the_areas_numerators_and_denominators(months, codes_of):
    scorecard = block(dashboards.build_overview(months)["blocks"], "scorecard")
    (overall,) = rows_of(scorecard, code=codes_of["visits"], area="ALL")
    assert (overall["numerator"], overall["denominator"], overall["percent"]) == (17, 30, "56.7")
    (cases,) = rows_of(scorecard, code=codes_of["cases"], area="ALL")
    assert (cases["number"], cases["numerator"], cases["percent"]) == ("4005", 4005, None)


def test_overall_of_a_figure_that_does_not_add_up_is_the_returns_own(months, codes_of):
    scorecard = block(dashboards.build_overview(months)["blocks"], "scorecard")
    (overall,) = rows_of(scorecard, code=codes_of["caseload"], area="ALL")
    assert (overall["number"], overall["numerator"], overall["denominator"]) == ("19.0", 190, 10)


def test_each_area_is_rated_against_the_target_in_force(months, codes, codes_of):
    first, second = codes
    scorecard = block(dashboards.build_overview(months)["blocks"], "scorecard")
    rated = {r["area"]: (r["percent"], r["rag"], r["rag_words"])
             for r in rows_of(scorecard, code=codes_of["visits"])}  # fmt: skip
    assert rated == {
        first: ("80.0", "green", "Green: on or beyond target"),
        second: ("45.0", "red", "Red: beyond tolerance"),
        "ALL": ("56.7", "amber", "Amber: within tolerance"),
    }
    (row,) = rows_of(scorecard, code=codes_of["visits"], area=first)
    assert (row["target"], row["tolerance"]) == ("60.00", "5.00")


def test_the_edge_of_the_tolerance_is_amber_on_the_exact_value(arrangement, catalogue, codes):
    first, second = codes
    visits = catalogue.visits
    visits_target(arrangement, catalogue)
    # 11/20 is 55% exactly (amber); 5499/10000 shows as 55.0 but is red.
    approved(arrangement, JUNE, {(visits.code, first): (11, 20),
                                 (visits.code, second): (5499, 10000)})  # fmt: skip
    scorecard = block(dashboards.build_overview(arrangement)["blocks"], "scorecard")
    rated = {r["area"]: (r["percent"], r["rag"]) for r in rows_of(scorecard, code=visits.code)}
    assert rated[first] == ("55.0", "amber")
    assert rated[second] == ("55.0", "red")


def test_change_is_in_points_since_the_month_before_with_its_sign(months, codes, codes_of):
    first, second = codes
    scorecard = block(dashboards.build_overview(months)["blocks"], "scorecard")
    change = {r["area"]: r["change"] for r in rows_of(scorecard, code=codes_of["visits"])}
    assert change == {first: "+10.0", second: "-5.0", "ALL": "0.0"}  # 17/30 both months
    (cases,) = rows_of(scorecard, code=codes_of["cases"], area="ALL")
    assert cases["change"] == "+5"
    (caseload,) = rows_of(scorecard, code=codes_of["caseload"], area="ALL")
    assert caseload["change"] is None  # no figure in May


def test_small_numbers_are_flagged_in_words(arrangement, catalogue, codes):
    first, second = codes
    visits = catalogue.visits.code
    approved(arrangement, JUNE, {(visits, first): (8, 9),
                                 (visits, second): (90, 100)})  # fmt: skip
    scorecard = block(dashboards.build_overview(arrangement)["blocks"], "scorecard")
    flags = {r["area"]: r["small_numbers"] for r in rows_of(scorecard, code=visits)}
    assert flags == {first: "Small numbers", second: "", "ALL": ""}


def test_each_row_has_a_sparkline_labelled_in_words(months, codes, codes_of):
    first, _ = codes
    scorecard = block(dashboards.build_overview(months)["blocks"], "scorecard")
    kinds = {c["key"]: c["kind"] for c in scorecard["table"]["columns"]}
    assert kinds["trend"] == "sparkline"
    (row,) = rows_of(scorecard, code=codes_of["visits"], area=first)
    assert row["trend"].startswith("<svg")
    assert f"Test visits in time, {first}, May 2025 to Jun 2025: 70.0% to 80.0%" in (row["trend"])


def test_a_percentage_names_its_counts_so_the_pack_can_hide_it(months):
    scorecard = block(dashboards.build_overview(months)["blocks"], "scorecard")
    columns = {c["key"]: c for c in scorecard["table"]["columns"]}
    assert columns["percent"]["kind"] == "percent"
    assert columns["percent"]["counts"] == ["numerator", "denominator"]
    assert columns["numerator"]["kind"] == columns["denominator"]["kind"] == "count"


def test_the_note_says_which_revision_and_when_it_was_approved(arrangement, catalogue, codes):
    first, _ = codes
    visits = catalogue.visits.code
    old = approved(arrangement, JUNE, {(visits, first): (1, 10)}, state=State.SUPERSEDED)
    approved(arrangement, JUNE, {(visits, first): (9, 10)}, revision=2,
             approved_at=datetime(2025, 7, 12, 9, tzinfo=UTC))  # fmt: skip
    data = dashboards.build_overview(arrangement)
    assert old.state == State.SUPERSEDED
    assert block(data["blocks"], "approval")["text"].startswith(
        "Approved on 12 July 2025, revision 2"
    )
    (row,) = rows_of(block(data["blocks"], "scorecard"), code=visits, area=first)
    assert row["percent"] == "90.0"  # the approved revision's, not the superseded one's


def test_the_pack_has_every_approved_month_with_its_exceptions_and_approval(
    months, codes, codes_of
):
    first, second = codes
    # The pack's performance figures are their own builder's (performance/dashboards/pack.py).
    pack = build_performance_pack(months)["pack"]["by_month"]
    assert set(pack) == {"2025-05", "2025-06"}  # the world's only approved months
    june = pack["2025-06"]
    assert "trend" not in [c["key"] for b in june if "table" in b for c in b["table"]["columns"]]
    exceptions = rows_of(block(june, "top-exceptions"))
    assert [(r["where"], r["target"], r["commentary"]) for r in exceptions] == [
        (second, "60%", "Two West workers were off sick.")
    ]
    # The approval behind each month is on its overview page (the pack's cover names it too).
    pages = dashboards.build_overview(months)["months"]
    assert block(pages["2025-06"]["blocks"], "approval")["text"].startswith(
        "Approved on 12 July 2025, revision 1"
    )
    june_exceptions = rows_of(block(pages["2025-06"]["blocks"], "exceptions"))
    assert [(r["code"], r["area"], r["percent"]) for r in june_exceptions] == [
        (codes_of["visits"], second, "45.0")
    ]
    may_scorecard = block(pages["2025-05"]["blocks"], "scorecard")
    may = rows_of(may_scorecard, code=codes_of["visits"], area="ALL")
    assert may[0]["percent"] == "56.7"  # 17/30 in May too (7+10 of 10+20)


def test_an_arrangement_with_no_approved_month_gets_a_note(arrangement):
    data = dashboards.build_overview(arrangement)  # the world's, with no return approved
    figures.check_snapshot(data)
    assert [b["id"] for b in data["blocks"]] == ["empty"]


def test_the_workforce_rates_come_from_approved_workforce_returns(world, arrangement):
    # The catalogue's vacancy rate (the workforce app reads it by this code), as already there.
    IndicatorFactory(
        code="WORKFORCE_VACANCY_RATE",
        name="Vacancy rate",
        domain=Indicator.Domain.WORKFORCE,
        polarity=Indicator.Polarity.LOWER,
        entered_in=Indicator.EnteredIn.WORKFORCE,
    )
    july = WorkforceReturnFactory(arrangement=arrangement, period=date(2024, 7, 1),
                                  state=State.APPROVED)  # fmt: skip
    team = TeamFactory(arrangement=arrangement, area=world.councils[0])
    # 4 vacant of 4 + 27 employed (25 experienced, 2 ASYE; agency staff are not employed):
    # 4/31 = 12.9%.
    TeamFiguresFactory(workforce_return=july, team=team, establishment_fte=Decimal("31.00"),
                       experienced_fte=Decimal("25.00"), asye_fte=Decimal("2.00"),
                       agency_fte=Decimal("0.00"), vacant_fte=Decimal("4.00"))  # fmt: skip
    data = dashboards.build_indicators(arrangement)
    (row,) = rows_of(block(data["blocks"], "indicators"), code="WORKFORCE_VACANCY_RATE")
    assert (row["month"], row["percent"], row["numerator"]) == ("2024-07", "12.9", None)


def test_the_indicators_dashboard_is_a_snapshot_with_a_page_per_indicator(months, codes_of):
    data = dashboards.build_indicators(months)
    figures.check_snapshot(data)
    assert set(data["pages"]) == set(Indicator.objects.values_list("code", flat=True))
    page = data["pages"][codes_of["visits"]]
    assert page["title"] == "Test visits in time"
    assert page["range"] is True
    assert [b["id"] for b in page["blocks"]] == [
        "trend",
        "control",
        "rag_and_spc",
        "why",
        "figures",
        "rules",
    ]
    for part in page["blocks"]:
        if part["kind"] != "note":
            assert part["table"]["columns"][0]["kind"] == "month"


def test_the_index_lists_each_indicators_latest_overall_figure(months, codes_of):
    data = dashboards.build_indicators(months)
    (row,) = rows_of(block(data["blocks"], "indicators"), code=codes_of["visits"])
    assert (row["month"], row["percent"], row["rag"]) == ("2025-06", "56.7", "amber")


@pytest.fixture
def benchmarks(months, catalogue, codes):
    first, _ = codes
    for kind, area, value in [("england", "ALL", "72.50"),
                              ("statistical_neighbours", first, "68.25")]:  # fmt: skip
        BenchmarkFactory(arrangement=months, indicator=catalogue.visits, financial_year=2025,
                         kind=kind, area=area, value=Decimal(value),
                         source=f"Test publication 2025, table {area}")  # fmt: skip
    return months


def test_the_trend_table_has_each_areas_figures_target_and_benchmarks(benchmarks, codes, codes_of):
    first, second = codes
    page = dashboards.build_indicators(benchmarks)["pages"][codes_of["visits"]]
    table = block(page["blocks"], "figures")
    (june,) = rows_of(table, month="2025-06")
    assert (june[f"{first}_percent"], june[f"{first}_numerator"],
            june[f"{first}_denominator"]) == ("80.0", 8, 10)  # fmt: skip
    assert (june[f"{second}_percent"], june[f"{second}_rag"]) == ("45.0", "red")
    assert (june["ALL_percent"], june["ALL_numerator"], june["ALL_denominator"]) == ("56.7", 17, 30)
    assert (june["target"], june["tolerance"]) == ("60.00", "5.00")
    assert june["england_ALL"] == "72.50"
    assert june["england_ALL_source"] == "Test publication 2025, table ALL"
    assert june[f"statistical_neighbours_{first}"] == "68.25"
    columns = {c["key"]: c for c in table["table"]["columns"]}
    assert columns[f"{first}_percent"]["counts"] == [f"{first}_numerator", f"{first}_denominator"]


def test_the_trend_chart_draws_areas_target_tolerance_and_benchmarks(
    benchmarks, councils, codes, codes_of
):
    first, second = codes
    visits = codes_of["visits"]
    # March 2025, in 2024/25 (no target, no benchmark): 3/10 and 6/20, overall 9/30 = 30.0%.
    approved(benchmarks, date(2025, 3, 1), {(visits, first): (3, 10), (visits, second): (6, 20)})
    page = dashboards.build_indicators(benchmarks)["pages"][visits]
    chart = page["blocks"][0]
    traces = {t["name"]: t for t in chart["figure"]["data"]}
    assert list(traces) == [
        f"{councils[0].name} ({first})",
        f"{councils[1].name} ({second})",
        "Overall",
        "Target",
        "Edge of tolerance",
        "England average",
        f"Statistical neighbours' average ({first})",
    ]
    # Each month ticked once, "Mar 2025" (not twice a month as plotly's own ticks would).
    assert chart["figure"]["layout"]["xaxis"]["dtick"] == "M1"
    assert chart["figure"]["layout"]["xaxis"]["tickformat"] == "%b %Y"
    june = traces["Overall"]["x"].index("2025-06")
    assert traces["Overall"]["y"][june] == "56.7"
    assert traces["Target"]["y"][june] == "60.00"
    assert traces["Edge of tolerance"]["y"][june] == "55.00"
    assert traces["England average"]["y"][june] == "72.50"
    assert traces["England average"]["text"][june] == "Test publication 2025, table ALL"
    assert "72.5" not in str(
        traces["England average"]["y"][: traces["Overall"]["x"].index("2025-04")]
    )  # fmt: skip  (2024/25 and earlier have no benchmark)
    # March to June, April's gap included; 2025/26's benchmark from April.
    assert traces["Overall"]["x"] == ["2025-03", "2025-04", "2025-05", "2025-06"]
    assert traces["England average"]["y"] == [None, "72.50", "72.50", "72.50"]
    assert "Overall 30.0% in Mar 2025 and 56.7% in Jun 2025" in chart["summary"].replace(
        "overall", "Overall"
    )


def test_the_pack_hides_a_change_that_would_give_away_last_months_small_count():
    """Change = this month − last month: with last month's count hidden and this month's shown,
    the change would reveal it, so the scorecard links the change to all four counts."""
    from trust_portal.dashboards import figures
    from trust_portal.dashboards.packs import _suppress_table

    columns = [c for c in dashboards.value_columns() if c["kind"] == "count"] + [
        figures.column("change", "Change", counts=["numerator", "denominator",
                                                   "previous_numerator", "previous_denominator"]),
        figures.column("previous_numerator", "Previous numerator", "count"),
        figures.column("previous_denominator", "Previous denominator", "count"),
    ]  # fmt: skip
    table = figures.table(columns, [[20, 40, "+15.0", 3, 40], [20, 40, "+0.0", 20, 40]])
    _suppress_table(table, 5)
    assert table["rows"][0] == [20, 40, "fewer than 5", "fewer than 5", 40]
    assert table["rows"][1] == [20, 40, "+0.0", 20, 40]
