"""The workforce dashboard's snapshot, on a history of the tests' own (``history_cases``: four
teams in the root ``world``, thirteen approved months shaped as the demo's): the first month's
50 posts as 20 experienced permanent, 10 inexperienced permanent, 9 agency and 11 vacant (a
census vacancy rate of 40.0%: the agency-covered posts are vacancies too) and the latest month's
18.0% vacancies and 9.8% turnover over 12 months (of those in post in the month) come out as
worked out by hand; each rate keeps its numerator and denominator; synthetic months
stay marked; the pack holds every approved month's summary with a note of its approval and of
the months turnover covers; only approved returns count; and the snapshot is one the pages can
show. The demo's published figures are checked in ``test_dashboards_demo.py``."""

from decimal import Decimal

import pytest

from performance.models import Benchmark, Indicator
from performance.tests.factories import BenchmarkFactory
from trust_portal.approvals.models import State
from trust_portal.dashboards.figures import check_snapshot, pack_blocks
from trust_portal.dashboards.registry import builders
from trust_portal.dashboards.services import snapshot_recompute
from workforce.dashboards import build_workforce
from workforce.models import WorkforceReturn
from workforce.tests.history_cases import FIRST, SYNTHETIC, make_history, make_teams


@pytest.fixture
def history(world):
    return make_history(world, make_teams(world))


@pytest.fixture
def snapshot(arrangement, history):
    return build_workforce(arrangement)


@pytest.fixture
def areas(world):
    """The world's councils in the order the dashboard lists areas (by code)."""
    return sorted(world.councils, key=lambda council: council.code)


def block(blocks, block_id):
    return next(b for b in blocks if b["id"] == block_id)


def rows_of(found, **where):
    """The block's rows as {column key: cell}, those matching ``where``."""
    keys = [c["key"] for c in found["table"]["columns"]]
    rows = [dict(zip(keys, row, strict=True)) for row in found["table"]["rows"]]
    return [r for r in rows if all(r[k] == v for k, v in where.items())]


def test_the_builder_is_listed_as_workforce_fiftieth():
    entry = builders()["workforce"]
    assert (entry.title, entry.order, entry.listed) == ("Workforce", 50, True)


def test_the_snapshot_is_one_the_pages_can_show(snapshot):
    check_snapshot(snapshot)
    assert snapshot["title"] == "Workforce"
    assert snapshot["period"] == ("December 2023 to July 2025; latest approved month July 2025")
    assert [b["id"] for b in snapshot["blocks"]] == [
        "synthetic",
        "latest-rates",
        "latest-posts",
        "staff-mix",
        "vacancy-rate",
        "agency-rate",
        "turnover",
        "caseloads",
        "caseloads-compared",
        "definitions",
    ]


def test_the_first_months_staff_mix_is_50_posts_as_20_10_9_11(snapshot):
    (first,) = rows_of(block(snapshot["blocks"], "staff-mix"), month="2023-12")
    assert first["establishment"] == "50.00"
    # inexperienced: 8 ASYE + 2 international first year
    kinds = ("experienced", "inexperienced", "agency_covering", "vacant")
    assert [first[f"{k}_fte"] for k in kinds] == [
        "20.00",
        "10.00",
        "9.00",
        "11.00",
    ]
    assert (first["experienced_share"], first["vacant_share"]) == ("40.0", "22.0")
    # No agency worker over the establishment: the census's vacancies are 9 + 11 = 20, 45% of
    # them covered by agency staff.
    assert (first["agency_over_fte"], first["census_vacancies_fte"]) == ("0.00", "20.00")
    assert first["covered_share"] == "45.0"
    assert first["synthetic"] == ""


def test_the_staff_mix_chart_stacks_four_kinds_of_post_as_fte(snapshot):
    figure = block(snapshot["blocks"], "staff-mix")["figure"]
    assert [t["name"] for t in figure["data"]] == [
        "Experienced permanent",
        "Inexperienced permanent (ASYE and international first year)",
        "Agency, covering a vacant post",
        "Vacant, no cover",
    ]
    assert figure["layout"]["barmode"] == "stack"
    first = figure["data"][0]
    assert first["x"][0] == "2023-12" and first["y"][0] == "20.00"  # strings, never floats
    assert len({t["marker"]["pattern"]["shape"] for t in figure["data"]}) == 4


def test_the_first_months_census_vacancy_rate_is_40_0_with_its_numerator_and_denominator(
    snapshot, arrangement
):
    (whole,) = rows_of(
        block(snapshot["blocks"], "vacancy-rate"), month="2023-12", area_code=arrangement.code
    )
    # Changed deliberately from 11 / (11 + 30) = 26.8%, which left the agency-covered posts out:
    # 11 unfilled + 9 covered by agency = 20 vacancies of 20 + 30 FTE social workers (20
    # experienced + 8 ASYE + 2 international).
    assert (whole["rate"], whole["numerator"], whole["denominator"]) == ("40.0", "20.00", "50.00")


def test_the_latest_months_vacancy_rate_and_12_month_turnover(snapshot, arrangement):
    (vacancy,) = rows_of(
        block(snapshot["blocks"], "vacancy-rate"), month="2025-07", area_code=arrangement.code
    )
    (turnover,) = rows_of(
        block(snapshot["blocks"], "turnover"), month="2025-07", area_code=arrangement.code
    )
    # (5 unfilled + 4 agency-covered) / (9 + 41), against a target of 15 ± 3
    assert vacancy["rate"] == "18.0"
    assert vacancy["status"] == "Amber: within tolerance" and vacancy["rag"] == "amber"
    assert (turnover["rate"], turnover["months"]) == ("9.8", 12)  # 4 FTE left of 41
    assert turnover["denominator"] == "41.00"  # in post in July 2025, not an average


def test_the_rate_charts_have_a_line_for_each_area_and_the_arrangement(
    snapshot, arrangement, areas
):
    for block_id in ("vacancy-rate", "agency-rate", "turnover"):
        figure = block(snapshot["blocks"], block_id)["figure"]
        assert [t["name"] for t in figure["data"]] == [
            *(f"{council.name} ({council.code})" for council in areas),
            f"All of {arrangement.code}",
        ]
        assert len({t["line"]["dash"] for t in figure["data"]}) == 3


def test_turnover_under_12_months_is_shown_but_not_rated(snapshot, arrangement):
    (first,) = rows_of(
        block(snapshot["blocks"], "turnover"), month="2023-12", area_code=arrangement.code
    )
    assert first["months"] == 1
    assert (first["rag"], first["status"]) == ("grey", "Not rated: under 12 months")


def test_synthetic_months_are_marked_in_tables_and_shaded_on_charts(snapshot, arrangement):
    rows = rows_of(block(snapshot["blocks"], "vacancy-rate"), area_code=arrangement.code)
    marked = [r["month"] for r in rows if r["synthetic"] == "yes"]
    assert marked == [f"2024-{m:02}" for m in range(8, 13)] + [f"2025-{m:02}" for m in range(1, 7)]
    assert marked == [f"{month:%Y-%m}" for month in SYNTHETIC]
    shapes = block(snapshot["blocks"], "staff-mix")["figure"]["layout"]["shapes"]
    assert len(shapes) == 1  # August 2024 to June 2025, one run
    note = block(snapshot["blocks"], "synthetic")["text"]
    assert note.startswith("11 of the 13 approved months are synthetic demo data")


def test_the_latest_rates_carry_rag_in_words_per_area_and_overall(snapshot, arrangement, areas):
    found = block(snapshot["blocks"], "latest-rates")
    assert {r["area_code"] for r in rows_of(found)} == {
        *(council.code for council in areas),
        arrangement.code,
    }
    (vacancy,) = rows_of(found, area_code=arrangement.code, rate="Vacancy rate (census method)")
    assert (vacancy["figure"], vacancy["unit"], vacancy["target"]) == (
        "18.0",
        "%",
        "15% ± 3 points",
    )
    assert vacancy["status"] == "Amber: within tolerance"
    (turnover,) = rows_of(
        found, area_code=arrangement.code, rate="Turnover, 12 months (census method)"
    )
    assert turnover["figure"] == "9.8"
    (unfilled,) = rows_of(found, area_code=arrangement.code, rate="Posts unfilled, no cover")
    assert (unfilled["figure"], unfilled["status"]) == ("10.0", "Context only")  # 5 of 50
    (census,) = rows_of(found, area_code=arrangement.code, rate="Caseload (census method)")
    assert census["unit"] == "cases a full-time equivalent"
    assert census["worked_out"] == "cases held ÷ case-holding FTE, agency included"


def test_the_caseloads_are_per_team_against_the_limit(snapshot):
    found = block(snapshot["blocks"], "caseloads")
    assert len(found["table"]["rows"]) == 4  # every team that reported in July 2025
    assert "against the limit of 20 cases" in found["summary"]
    shapes = found["figure"]["layout"]["shapes"]
    assert shapes[0]["x0"] == 20 and shapes[0]["line"]["dash"] == "dash"
    for row in rows_of(found):
        assert isinstance(row["open_cases"], int) and isinstance(row["workers"], int)


def test_the_first_months_teams_of_the_first_council_are_above_the_limit(arrangement, history):
    WorkforceReturn.objects.filter(arrangement=arrangement).exclude(period=FIRST).update(
        state=State.SUPERSEDED
    )
    data = build_workforce(arrangement)
    found = block(data["blocks"], "caseloads")
    above = next(t for t in found["figure"]["data"] if t["name"] == "Above the limit")
    # MASH A 50 / 2 = 25 and First Response A 66 / 3 = 22 cases a worker; the others 12 and 7.5
    assert set(above["y"]) == {"MASH A", "First Response A"}
    assert "pages" in data and "2025-07" not in data["pack"]["by_month"]
    compared = block(data["blocks"], "caseloads-compared")
    assert compared["kind"] == "table"  # the first month's approved performance return
    for area in rows_of(compared)[:2]:  # the areas'; the whole counts distinct workers
        assert area["average_workforce"] == area["average_performance"]
        assert area["over_workforce"] == area["over_performance"]


def test_fte_are_numbers_and_people_counts(snapshot):
    summary = pack_blocks(snapshot, month="2025-07", financial_year=2025)[0]
    kinds = {c["key"]: c["kind"] for c in summary["table"]["columns"]}
    assert kinds["posts"] == kinds["vacant"] == kinds["leavers"] == "number"
    assert kinds["workers"] == kinds["open_cases"] == "count"
    assert kinds["vacancy"] == kinds["turnover"] == "percent"


def test_the_pack_has_every_approved_months_summary(snapshot, arrangement):
    assert len(snapshot["pack"]["by_month"]) == 13
    july = pack_blocks(snapshot, month="2025-07", financial_year=2025)
    assert [b["id"] for b in july] == ["workforce-summary", "workforce-rag", "workforce-approval"]
    (whole,) = rows_of(july[0], area=f"All of {arrangement.code}")
    # 50 posts; 9 vacancies (5 unfilled, 4 agency-covered) of 9 + 41 employed (38 + 2 + 1).
    assert (whole["posts"], whole["vacancy"], whole["vacant"], whole["vacancy_base"]) == (
        "50.00",
        "18.0",
        "9.00",
        "50.00",
    )
    assert (whole["unfilled"], whole["covered"]) == ("10.0", "44.4")
    # 4 FTE left of 41 over the 12 months; 184 cases of 11 workers.
    assert (whole["turnover"], whole["caseload"]) == ("9.8", "16.7")
    note = july[2]["text"]
    assert "the original return" in note and "approved by the councils on" in note
    assert "Turnover covers the 12 months August 2024 to July 2025." in note
    assert "synthetic" not in note


def test_the_packs_first_month_says_turnover_covers_one_month(snapshot, arrangement):
    first = pack_blocks(snapshot, month="2023-12", financial_year=2023)
    (whole,) = rows_of(first[0], area=f"All of {arrangement.code}")
    assert (whole["posts"], whole["vacancy"], whole["vacant"], whole["vacancy_base"]) == (
        "50.00",
        "40.0",
        "20.00",
        "50.00",
    )
    assert "only 1 of the 12 months January 2023 to December 2023" in first[2]["text"]


def test_a_synthetic_months_pack_says_so(snapshot):
    march = pack_blocks(snapshot, month="2025-03", financial_year=2024)
    assert "synthetic demo data" in march[2]["text"]


def test_only_approved_returns_count(small):
    small.approved(
        "2025-01", {"A1": {"establishment_fte": 10, "experienced_fte": 8, "vacant_fte": 2}}
    )
    draft = small.approved("2025-02", {"A1": {"establishment_fte": 10, "vacant_fte": 10}})
    draft.state = State.SUBMITTED
    draft.save()
    data = build_workforce(small.arrangement)
    check_snapshot(data)
    rows = rows_of(block(data["blocks"], "vacancy-rate"))
    assert {r["month"] for r in rows} == {"2025-01"}
    # A1 serves AAC: 2 vacant of 2 + 8; BBC has no figures that month.
    assert [(r["area_code"], r["rate"], r["numerator"], r["denominator"]) for r in rows] == [
        ("AAC", "20.0", "2.00", "10.00"),
        ("TWT", "20.0", "2.00", "10.00"),
    ]
    assert list(data["pack"]["by_month"]) == ["2025-01"]


def test_an_arrangement_without_approved_returns_gets_a_note(small):
    data = build_workforce(small.arrangement)
    check_snapshot(data)
    assert [b["id"] for b in data["blocks"]] == ["no-returns"]


def test_recomputing_stores_the_snapshot(arrangement, history):
    (stored,) = snapshot_recompute(arrangement=arrangement, names=["workforce"])
    assert stored.data["latest_month"] == "2025-07"
    check_snapshot(stored.data)


def test_a_benchmark_for_the_councils_together_stands_beside_the_whole_arrangement(
    arrangement, history, areas
):
    vacancy = Indicator.objects.get(code="WORKFORCE_VACANCY_RATE")
    BenchmarkFactory(
        arrangement=arrangement,
        indicator=vacancy,
        financial_year=2025,
        kind=Benchmark.Kind.JOINT_AREA,
        value=Decimal("31.70"),
        source="DfE, Children's social work workforce 2024, the joint area's return",
    )
    BenchmarkFactory(
        arrangement=arrangement, indicator=vacancy, financial_year=2024, value=Decimal("17.30")
    )  # another financial year: not shown
    found = block(build_workforce(arrangement)["blocks"], "benchmarks")
    (row,) = rows_of(found)
    names = " and ".join(council.name for council in areas)
    assert row["area"].startswith(f"{names} together (one published figure for the joint area")
    # beside the whole arrangement's census-method vacancy rate, not a council's
    assert (row["benchmark"], row["ours"], row["ours_for"]) == (
        "31.70",
        "18.0",
        f"All of {arrangement.code}",
    )
    assert row["rate"] == "Vacancy rate (census method)"


def test_an_england_average_for_the_whole_arrangement_is_not_called_the_joint_areas(
    arrangement, history
):
    BenchmarkFactory(
        arrangement=arrangement,
        indicator=Indicator.objects.get(code="WORKFORCE_VACANCY_RATE"),
        financial_year=2025,
        kind=Benchmark.Kind.ENGLAND,
        value=Decimal("17.30"),
    )
    (row,) = rows_of(block(build_workforce(arrangement)["blocks"], "benchmarks"))
    assert (row["kind"], row["area"], row["ours"], row["ours_for"]) == (
        "England average",
        f"All of {arrangement.code}",
        "18.0",
        f"All of {arrangement.code}",
    )


def test_a_councils_own_benchmark_stands_beside_that_council(arrangement, history, areas):
    BenchmarkFactory(
        arrangement=arrangement,
        indicator=Indicator.objects.get(code="WORKFORCE_AGENCY_RATE"),
        financial_year=2025,
        area=areas[0].code,
        value=Decimal("12.00"),
    )
    (row,) = rows_of(block(build_workforce(arrangement)["blocks"], "benchmarks"))
    assert row["area"] == row["ours_for"] == f"{areas[0].name} ({areas[0].code})"


def test_no_benchmark_no_block(snapshot):
    assert "benchmarks" not in [b["id"] for b in snapshot["blocks"]]
