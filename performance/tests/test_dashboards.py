"""The performance dashboards on known figures: the overview scorecard, its pack by month, and
each indicator's trend with its target, tolerance and benchmarks."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from performance import dashboards
from performance.models import (
    Benchmark,
    Commentary,
    Indicator,
    Measurement,
    MonthlyReturn,
    Target,
)
from trust_portal.accounts.models import Arrangement
from trust_portal.approvals.models import State
from trust_portal.dashboards import figures

MAY, JUNE = date(2025, 5, 1), date(2025, 6, 1)  # after every demo month, in a year of no targets


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


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


@pytest.fixture
def months(nct):
    visits = Indicator.objects.get(code="CIN_VISIT_IN_TIME")
    Target.objects.create(arrangement=nct, indicator=visits, financial_year=2025,
                          valid_from=date(2025, 4, 1), target=Decimal(60), tolerance=Decimal(5),
                          reason="test")  # fmt: skip
    approved(nct, MAY, {
        ("CIN_VISIT_IN_TIME", "NNC"): (7, 10), ("CIN_VISIT_IN_TIME", "WNC"): (10, 20),
        ("OPEN_CASES", "NNC"): (1790, None), ("OPEN_CASES", "WNC"): (2210, None),
    })  # fmt: skip
    approved(nct, JUNE, {
        ("CIN_VISIT_IN_TIME", "NNC"): (8, 10), ("CIN_VISIT_IN_TIME", "WNC"): (9, 20),
        ("OPEN_CASES", "NNC"): (1791, None), ("OPEN_CASES", "WNC"): (2214, None),
        ("AVERAGE_CASELOAD", "NNC"): (100, 5), ("AVERAGE_CASELOAD", "WNC"): (90, 6),
        ("AVERAGE_CASELOAD", "ALL"): (190, 10),
    }, commentary={"CIN_VISIT_IN_TIME": "Two West workers were off sick."})  # fmt: skip
    return nct


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


def test_overall_adds_up_the_areas_numerators_and_denominators(months):
    scorecard = block(dashboards.build_overview(months)["blocks"], "scorecard")
    (overall,) = rows_of(scorecard, code="CIN_VISIT_IN_TIME", area="ALL")
    assert (overall["numerator"], overall["denominator"], overall["percent"]) == (17, 30, "56.7")
    (cases,) = rows_of(scorecard, code="OPEN_CASES", area="ALL")
    assert (cases["number"], cases["numerator"], cases["percent"]) == ("4005", 4005, None)


def test_overall_of_a_figure_that_does_not_add_up_is_the_returns_own(months):
    scorecard = block(dashboards.build_overview(months)["blocks"], "scorecard")
    (overall,) = rows_of(scorecard, code="AVERAGE_CASELOAD", area="ALL")
    assert (overall["number"], overall["numerator"], overall["denominator"]) == ("19.0", 190, 10)


def test_each_area_is_rated_against_the_target_in_force(months):
    scorecard = block(dashboards.build_overview(months)["blocks"], "scorecard")
    rated = {r["area"]: (r["percent"], r["rag"], r["rag_words"])
             for r in rows_of(scorecard, code="CIN_VISIT_IN_TIME")}  # fmt: skip
    assert rated == {
        "NNC": ("80.0", "green", "Green: on or beyond target"),
        "WNC": ("45.0", "red", "Red: beyond tolerance"),
        "ALL": ("56.7", "amber", "Amber: within tolerance"),
    }
    (row,) = rows_of(scorecard, code="CIN_VISIT_IN_TIME", area="NNC")
    assert (row["target"], row["tolerance"]) == ("60.00", "5.00")


def test_the_edge_of_the_tolerance_is_amber_on_the_exact_value(nct):
    visits = Indicator.objects.get(code="CIN_VISIT_IN_TIME")
    Target.objects.create(arrangement=nct, indicator=visits, financial_year=2025,
                          valid_from=date(2025, 4, 1), target=Decimal(60), tolerance=Decimal(5),
                          reason="test")  # fmt: skip
    # 11/20 is 55% exactly (amber); 5499/10000 shows as 55.0 but is red.
    approved(nct, JUNE, {("CIN_VISIT_IN_TIME", "NNC"): (11, 20),
                         ("CIN_VISIT_IN_TIME", "WNC"): (5499, 10000)})  # fmt: skip
    scorecard = block(dashboards.build_overview(nct)["blocks"], "scorecard")
    rated = {r["area"]: (r["percent"], r["rag"]) for r in rows_of(scorecard, code=visits.code)}
    assert rated["NNC"] == ("55.0", "amber")
    assert rated["WNC"] == ("55.0", "red")


def test_change_is_in_points_since_the_month_before_with_its_sign(months):
    scorecard = block(dashboards.build_overview(months)["blocks"], "scorecard")
    change = {r["area"]: r["change"] for r in rows_of(scorecard, code="CIN_VISIT_IN_TIME")}
    assert change == {"NNC": "+10.0", "WNC": "-5.0", "ALL": "0.0"}  # 17/30 both months
    (cases,) = rows_of(scorecard, code="OPEN_CASES", area="ALL")
    assert cases["change"] == "+5"
    (caseload,) = rows_of(scorecard, code="AVERAGE_CASELOAD", area="ALL")
    assert caseload["change"] is None  # no figure in May


def test_small_numbers_are_flagged_in_words(nct):
    approved(nct, JUNE, {("CIN_VISIT_IN_TIME", "NNC"): (8, 9),
                         ("CIN_VISIT_IN_TIME", "WNC"): (90, 100)})  # fmt: skip
    scorecard = block(dashboards.build_overview(nct)["blocks"], "scorecard")
    flags = {r["area"]: r["small_numbers"] for r in rows_of(scorecard, code="CIN_VISIT_IN_TIME")}
    assert flags == {"NNC": "Small numbers", "WNC": "", "ALL": ""}


def test_each_row_has_a_sparkline_labelled_in_words(months):
    scorecard = block(dashboards.build_overview(months)["blocks"], "scorecard")
    kinds = {c["key"]: c["kind"] for c in scorecard["table"]["columns"]}
    assert kinds["trend"] == "sparkline"
    (row,) = rows_of(scorecard, code="CIN_VISIT_IN_TIME", area="NNC")
    assert row["trend"].startswith("<svg")
    assert (
        "Children in need visited in time, NNC, May 2025 to Jun 2025: 70.0% to 80.0%"
        in (row["trend"])
    )


def test_a_percentage_names_its_counts_so_the_pack_can_hide_it(months):
    scorecard = block(dashboards.build_overview(months)["blocks"], "scorecard")
    columns = {c["key"]: c for c in scorecard["table"]["columns"]}
    assert columns["percent"]["kind"] == "percent"
    assert columns["percent"]["counts"] == ["numerator", "denominator"]
    assert columns["numerator"]["kind"] == columns["denominator"]["kind"] == "count"


def test_the_note_says_which_revision_and_when_it_was_approved(nct):
    old = approved(nct, JUNE, {("CIN_VISIT_IN_TIME", "NNC"): (1, 10)}, state=State.SUPERSEDED)
    approved(nct, JUNE, {("CIN_VISIT_IN_TIME", "NNC"): (9, 10)}, revision=2,
             approved_at=datetime(2025, 7, 12, 9, tzinfo=UTC))  # fmt: skip
    data = dashboards.build_overview(nct)
    assert old.state == State.SUPERSEDED
    assert block(data["blocks"], "approval")["text"].startswith(
        "Approved on 12 July 2025, revision 2"
    )
    (row,) = rows_of(block(data["blocks"], "scorecard"), code="CIN_VISIT_IN_TIME", area="NNC")
    assert row["percent"] == "90.0"  # the approved revision's, not the superseded one's


def test_the_pack_has_every_approved_month_with_its_exceptions_and_approval(months):
    pack = dashboards.build_overview(months)["pack"]["by_month"]
    assert {"2025-05", "2025-06", "2019-02"} <= set(pack)
    june = pack["2025-06"]
    assert [b["id"] for b in june] == ["approval", "scorecard", "exceptions"]
    assert "trend" not in [c["key"] for c in block(june, "scorecard")["table"]["columns"]]
    exceptions = rows_of(block(june, "exceptions"))
    assert [(r["code"], r["area"], r["percent"], r["commentary"]) for r in exceptions] == [
        ("CIN_VISIT_IN_TIME", "WNC", "45.0", "Two West workers were off sick.")
    ]
    assert block(june, "approval")["text"].startswith("Approved on 12 July 2025, revision 1")
    may = rows_of(block(pack["2025-05"], "scorecard"), code="CIN_VISIT_IN_TIME", area="ALL")
    assert may[0]["percent"] == "56.7"  # 17/30 in May too (7+10 of 10+20)


def test_an_arrangement_with_no_approved_month_gets_a_note(cast):
    oct_ = Arrangement.objects.get(trust__code="OCT")
    data = dashboards.build_overview(oct_)
    figures.check_snapshot(data)
    assert [b["id"] for b in data["blocks"]] == ["empty"]


def test_the_workforce_rates_come_from_approved_workforce_returns(cast, nct):
    data = dashboards.build_indicators(nct)
    (row,) = rows_of(block(data["blocks"], "indicators"), code="WORKFORCE_VACANCY_RATE")
    # The demo's July 2024 workforce return: 12.9% (the scrutiny committee's figure).
    assert (row["month"], row["percent"], row["numerator"]) == ("2024-07", "12.9", None)


def test_the_indicators_dashboard_is_a_snapshot_with_a_page_per_indicator(months):
    data = dashboards.build_indicators(months)
    figures.check_snapshot(data)
    assert set(data["pages"]) == set(Indicator.objects.values_list("code", flat=True))
    page = data["pages"]["CIN_VISIT_IN_TIME"]
    assert page["title"] == "Children in need visited in time"
    assert page["range"] is True
    assert [b["kind"] for b in page["blocks"]] == ["chart", "table"]
    for part in page["blocks"]:
        assert part["table"]["columns"][0]["kind"] == "month"


def test_the_index_lists_each_indicators_latest_overall_figure(months):
    data = dashboards.build_indicators(months)
    (row,) = rows_of(block(data["blocks"], "indicators"), code="CIN_VISIT_IN_TIME")
    assert (row["month"], row["percent"], row["rag"]) == ("2025-06", "56.7", "amber")


@pytest.fixture
def benchmarks(months):
    visits = Indicator.objects.get(code="CIN_VISIT_IN_TIME")
    for kind, area, value in [("england", "ALL", "72.50"),
                              ("statistical_neighbours", "NNC", "68.25")]:  # fmt: skip
        Benchmark.objects.create(arrangement=months, indicator=visits, financial_year=2025,
                                 kind=kind, area=area, value=Decimal(value),
                                 source=f"Test publication 2025, table {area}")  # fmt: skip
    return months


def test_the_trend_table_has_each_areas_figures_target_and_benchmarks(benchmarks):
    page = dashboards.build_indicators(benchmarks)["pages"]["CIN_VISIT_IN_TIME"]
    table = page["blocks"][1]
    (june,) = rows_of(table, month="2025-06")
    assert (june["NNC_percent"], june["NNC_numerator"], june["NNC_denominator"]) == ("80.0", 8, 10)
    assert (june["WNC_percent"], june["WNC_rag"]) == ("45.0", "red")
    assert (june["ALL_percent"], june["ALL_numerator"], june["ALL_denominator"]) == ("56.7", 17, 30)
    assert (june["target"], june["tolerance"]) == ("60.00", "5.00")
    assert june["england_ALL"] == "72.50"
    assert june["england_ALL_source"] == "Test publication 2025, table ALL"
    assert june["statistical_neighbours_NNC"] == "68.25"
    columns = {c["key"]: c for c in table["table"]["columns"]}
    assert columns["NNC_percent"]["counts"] == ["NNC_numerator", "NNC_denominator"]


def test_the_trend_chart_draws_areas_target_tolerance_and_benchmarks(benchmarks):
    page = dashboards.build_indicators(benchmarks)["pages"]["CIN_VISIT_IN_TIME"]
    chart = page["blocks"][0]
    traces = {t["name"]: t for t in chart["figure"]["data"]}
    assert list(traces) == [
        "North Northamptonshire Council (NNC)",
        "West Northamptonshire Council (WNC)",
        "Overall",
        "Target",
        "Edge of tolerance",
        "England average",
        "Statistical neighbours' average (NNC)",
    ]
    june = traces["Overall"]["x"].index("2025-06")
    assert traces["Overall"]["y"][june] == "56.7"
    assert traces["Target"]["y"][june] == "60.00"
    assert traces["Edge of tolerance"]["y"][june] == "55.00"
    assert traces["England average"]["y"][june] == "72.50"
    assert traces["England average"]["text"][june] == "Test publication 2025, table ALL"
    assert "72.5" not in str(
        traces["England average"]["y"][: traces["Overall"]["x"].index("2025-04")]
    )  # fmt: skip  (2024/25 and earlier have no benchmark)
    assert "Overall 30.0% in Oct 2018 and 56.7% in Jun 2025" in chart["summary"].replace(
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
