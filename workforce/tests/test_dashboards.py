"""The workforce dashboard's snapshot: the demo's December 2018 (328 posts as 111 experienced
permanent, 76 inexperienced permanent, 82 agency and 59 vacant; a DfE vacancy rate of 24.0%)
and July 2024 (12.9% vacancies, 9.9% turnover over 12 months) come out as published; each
rate keeps its numerator and denominator; synthetic months stay marked; the pack holds every
approved month's summary with a note of its approval and of the months turnover covers; only
approved returns count; and the snapshot is one the pages can show."""

import pytest

from trust_portal.approvals.models import State
from trust_portal.dashboards.figures import check_snapshot, pack_blocks
from trust_portal.dashboards.registry import builders
from trust_portal.dashboards.services import snapshot_recompute
from workforce.dashboards import build_workforce
from workforce.models import WorkforceReturn


@pytest.fixture
def snapshot(cast, nct):
    return build_workforce(nct)


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
    assert snapshot["period"] == ("December 2018 to July 2024; latest approved month July 2024")
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


def test_december_2018s_staff_mix_is_328_posts_as_111_76_82_59(snapshot):
    (december,) = rows_of(block(snapshot["blocks"], "staff-mix"), month="2018-12")
    assert december["establishment"] == "328.00"
    assert [december[f"{k}_fte"] for k in ("experienced", "inexperienced", "agency", "vacant")] == [
        "111.00",
        "76.00",
        "82.00",
        "59.00",
    ]
    assert (december["experienced_share"], december["vacant_share"]) == ("33.8", "18.0")
    assert december["synthetic"] == ""


def test_the_staff_mix_chart_stacks_four_kinds_of_post_as_fte(snapshot):
    figure = block(snapshot["blocks"], "staff-mix")["figure"]
    assert [t["name"] for t in figure["data"]] == [
        "Experienced permanent",
        "Inexperienced permanent (ASYE and international first year)",
        "Agency",
        "Vacant",
    ]
    assert figure["layout"]["barmode"] == "stack"
    first = figure["data"][0]
    assert first["x"][0] == "2018-12" and first["y"][0] == "111.00"  # strings, never floats
    assert len({t["marker"]["pattern"]["shape"] for t in figure["data"]}) == 4


def test_december_2018s_dfe_vacancy_rate_is_24_0_with_its_numerator_and_denominator(snapshot):
    (whole,) = rows_of(block(snapshot["blocks"], "vacancy-rate"), month="2018-12", area_code="NCT")
    assert (whole["rate"], whole["numerator"], whole["denominator"]) == ("24.0", "59.00", "246.00")


def test_july_2024s_vacancy_rate_and_12_month_turnover_are_the_published_ones(snapshot):
    (vacancy,) = rows_of(
        block(snapshot["blocks"], "vacancy-rate"), month="2024-07", area_code="NCT"
    )
    (turnover,) = rows_of(block(snapshot["blocks"], "turnover"), month="2024-07", area_code="NCT")
    assert vacancy["rate"] == "12.9"
    assert vacancy["status"] == "Green: on or beyond target" and vacancy["rag"] == "green"
    assert (turnover["rate"], turnover["months"]) == ("9.9", 12)
    assert turnover["denominator"].count(".") == 1  # the average employed FTE, two places


def test_the_rate_charts_have_a_line_for_each_area_and_the_arrangement(snapshot):
    for block_id in ("vacancy-rate", "agency-rate", "turnover"):
        figure = block(snapshot["blocks"], block_id)["figure"]
        assert [t["name"] for t in figure["data"]] == [
            "North Northamptonshire Council (NNC)",
            "West Northamptonshire Council (WNC)",
            "All of NCT",
        ]
        assert len({t["line"]["dash"] for t in figure["data"]}) == 3


def test_turnover_under_12_months_is_shown_but_not_rated(snapshot):
    (december,) = rows_of(block(snapshot["blocks"], "turnover"), month="2018-12", area_code="NCT")
    assert december["months"] == 1
    assert (december["rag"], december["status"]) == ("grey", "Not rated: under 12 months")


def test_synthetic_months_are_marked_in_tables_and_shaded_on_charts(snapshot):
    rows = rows_of(block(snapshot["blocks"], "vacancy-rate"), area_code="NCT")
    marked = [r["month"] for r in rows if r["synthetic"] == "yes"]
    assert marked == [f"2023-{m:02}" for m in range(8, 13)] + [f"2024-{m:02}" for m in range(1, 7)]
    shapes = block(snapshot["blocks"], "staff-mix")["figure"]["layout"]["shapes"]
    assert len(shapes) == 1  # August 2023 to June 2024, one run
    note = block(snapshot["blocks"], "synthetic")["text"]
    assert note.startswith("11 of the 13 approved months are synthetic demo data")


def test_the_latest_rates_carry_rag_in_words_per_area_and_overall(snapshot):
    found = block(snapshot["blocks"], "latest-rates")
    assert {r["area_code"] for r in rows_of(found)} == {"NNC", "WNC", "NCT"}
    (vacancy,) = rows_of(found, area_code="NCT", rate="Vacancy rate")
    assert (vacancy["figure"], vacancy["unit"], vacancy["target"]) == (
        "12.9",
        "%",
        "15% ± 3 points",
    )
    assert vacancy["status"] == "Green: on or beyond target"
    (turnover,) = rows_of(found, area_code="NCT", rate="Turnover (12 months)")
    assert turnover["figure"] == "9.9"


def test_the_caseloads_are_per_team_against_the_limit(snapshot):
    found = block(snapshot["blocks"], "caseloads")
    assert len(found["table"]["rows"]) == 19  # every team that reported in July 2024
    assert "against the limit of 20 cases" in found["summary"]
    shapes = found["figure"]["layout"]["shapes"]
    assert shapes[0]["x0"] == 20 and shapes[0]["line"]["dash"] == "dash"
    for row in rows_of(found):
        assert isinstance(row["open_cases"], int) and isinstance(row["workers"], int)


def test_december_2018s_first_response_teams_are_above_the_limit(cast, nct):
    WorkforceReturn.objects.filter(arrangement=nct).exclude(period__year=2018).update(
        state=State.SUPERSEDED
    )
    data = build_workforce(nct)
    found = block(data["blocks"], "caseloads")
    above = next(t for t in found["figure"]["data"] if t["name"] == "Above the limit")
    assert {"First Response North", "First Response West"} <= set(above["y"])
    assert "pages" in data and "2024-07" not in data["pack"]["by_month"]
    compared = block(data["blocks"], "caseloads-compared")
    assert compared["kind"] == "table"  # December 2018's approved performance return
    for area in rows_of(compared)[:2]:  # the areas'; the whole counts distinct workers
        assert area["average_workforce"] == area["average_performance"]
        assert area["over_workforce"] == area["over_performance"]


def test_fte_are_numbers_and_people_counts(snapshot):
    summary = pack_blocks(snapshot, month="2024-07", financial_year=2024)[0]
    kinds = {c["key"]: c["kind"] for c in summary["table"]["columns"]}
    assert kinds["posts"] == kinds["vacant"] == kinds["leavers"] == "number"
    assert kinds["workers"] == kinds["open_cases"] == "count"
    assert kinds["vacancy"] == kinds["turnover"] == "percent"


def test_the_pack_has_every_approved_months_summary(snapshot):
    assert len(snapshot["pack"]["by_month"]) == 13
    july = pack_blocks(snapshot, month="2024-07", financial_year=2024)
    assert [b["id"] for b in july] == ["workforce-summary", "workforce-rag", "workforce-approval"]
    (whole,) = rows_of(july[0], area="All of NCT")
    # 338 posts; 40 vacant of 40 + 270 employed (221.5 + 30.5 + 18) = 12.9%.
    assert (whole["posts"], whole["vacancy"], whole["vacant"], whole["vacancy_base"]) == (
        "338.00",
        "12.9",
        "40.00",
        "310.00",
    )
    assert (whole["turnover"], whole["caseload"]) == ("9.9", "16.8")
    note = july[2]["text"]
    assert "the original return" in note and "approved by the councils on" in note
    assert "Turnover covers the 12 months August 2023 to July 2024." in note
    assert "synthetic" not in note


def test_the_packs_december_2018_says_turnover_covers_one_month(snapshot):
    december = pack_blocks(snapshot, month="2018-12", financial_year=2018)
    (whole,) = rows_of(december[0], area="All of NCT")
    assert (whole["posts"], whole["vacancy"], whole["vacant"], whole["vacancy_base"]) == (
        "328.00",
        "24.0",
        "59.00",
        "246.00",
    )
    assert "only 1 of the 12 months January 2018 to December 2018" in december[2]["text"]


def test_a_synthetic_months_pack_says_so(snapshot):
    march = pack_blocks(snapshot, month="2024-03", financial_year=2023)
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


def test_recomputing_stores_the_snapshot(cast, nct):
    (stored,) = snapshot_recompute(arrangement=nct, names=["workforce"])
    assert stored.data["latest_month"] == "2024-07"
    check_snapshot(stored.data)
