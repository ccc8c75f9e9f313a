"""The workforce dashboard's snapshot of the demo: December 2018 (328 posts as 111 experienced
permanent, 76 inexperienced permanent, 82 agency and 59 unfilled with no cover; by the census's
definition a vacancy rate of 141/328 = 43.0%) and July 2024 (12.9% vacancies by the census
method; 9.9% turnover of all staff, under that name) come out as published. The dashboard's
workings on figures of the tests' own are in ``test_dashboards.py``."""

from datetime import date

import pytest

from trust_portal.dashboards.figures import pack_blocks
from workforce import reads
from workforce.dashboards import build_workforce
from workforce.dashboards.benchmarks import benchmarks_block
from workforce.dashboards.overview import _all_staff_block
from workforce.dashboards.rates import groups_over_time


@pytest.fixture
def snapshot(cast, nct):
    # nct: the demo's arrangement (workforce/tests/conftest.py)
    return build_workforce(nct)


def block(blocks, block_id):
    return next(b for b in blocks if b["id"] == block_id)


def rows_of(found, **where):
    """The block's rows as {column key: cell}, those matching ``where``."""
    keys = [c["key"] for c in found["table"]["columns"]]
    rows = [dict(zip(keys, row, strict=True)) for row in found["table"]["rows"]]
    return [r for r in rows if all(r[k] == v for k, v in where.items())]


def test_december_2018s_staff_mix_is_328_posts_as_111_76_82_59(snapshot):
    (december,) = rows_of(block(snapshot["blocks"], "staff-mix"), month="2018-12")
    assert december["establishment"] == "328.00"
    kinds = ("experienced", "inexperienced", "agency_covering", "vacant")
    assert [december[f"{k}_fte"] for k in kinds] == [
        "111.00",
        "76.00",
        "82.00",
        "59.00",
    ]
    assert (december["experienced_share"], december["vacant_share"]) == ("33.8", "18.0")
    assert december["synthetic"] == ""


def test_december_2018s_census_vacancy_rate_is_43_0_with_its_numerator_and_denominator(snapshot):
    # Changed deliberately from 59 / 246 = 24.0%: the agency-covered posts are vacancies too.
    (whole,) = rows_of(block(snapshot["blocks"], "vacancy-rate"), month="2018-12", area_code="NCT")
    assert (whole["rate"], whole["numerator"], whole["denominator"]) == ("43.0", "141.00", "328.00")


@pytest.fixture
def july_2024(cast, nct):
    """July 2024 as the dashboard's latest month: the point the builder takes its latest-month
    blocks from, and its summary (the demo now reaches November 2026, so July 2024 is no
    longer the latest approved month)."""
    points = groups_over_time(nct, reads.synthetic_months(nct))[-1][2]
    (july,) = [p for p in points if p.month == date(2024, 7, 1)]
    return july, reads.summary(july.workforce_return)


def test_july_2024s_vacancy_rate_and_all_staff_turnover_are_the_published_ones(snapshot, july_2024):
    (vacancy,) = rows_of(
        block(snapshot["blocks"], "vacancy-rate"), month="2024-07", area_code="NCT"
    )
    (turnover,) = rows_of(block(snapshot["blocks"], "turnover"), month="2024-07", area_code="NCT")
    assert vacancy["rate"] == "12.9"
    assert vacancy["status"] == "Green: on or beyond target" and vacancy["rag"] == "green"
    # the census's social-worker turnover: 26 leavers' FTE / 270 in post in July
    assert (turnover["rate"], turnover["months"]) == ("9.6", 12)
    assert (turnover["numerator"], turnover["denominator"]) == ("26.00", "270.00")
    # the scrutiny report's 9.9%, of all staff, under its own name: the block the dashboard
    # shows while July 2024 is its latest month
    july, _ = july_2024
    staff = _all_staff_block(july.workforce_return, july.measures["turnover"])["text"]
    assert staff.startswith("Turnover, all staff (12 months), July 2024: 9.9% (100.00 leavers")
    assert "not the census's turnover" in staff and "9.6% by the census method" in staff


def test_the_latest_month_october_2026_has_its_all_staff_turnover_and_no_benchmarks(snapshot):
    # Synthetic months give the trust's all-staff figures too (workforce/demo_months.py:
    # 1,032.00 FTE, 104.10 leavers' FTE in October 2026); the register holds no 2026/27
    # benchmark, so the dashboard leaves that block out rather than showing an empty one.
    assert snapshot["latest_month"] == "2026-10"
    assert [b["id"] for b in snapshot["blocks"]] == [
        "synthetic", "latest-rates", "all-staff-turnover", "latest-posts", "staff-mix",
        "vacancy-rate", "agency-rate", "turnover", "caseloads", "caseloads-compared",
        "definitions",
    ]  # fmt: skip
    (staff,) = [b for b in snapshot["blocks"] if b["id"] == "all-staff-turnover"]
    assert "10.1% (104.10 leavers' FTE ÷ 1,032.00 FTE in post)" in staff["text"]


def test_the_packs_december_2018_says_turnover_covers_one_month(snapshot):
    december = pack_blocks(snapshot, month="2018-12", financial_year=2018)
    (whole,) = rows_of(december[0], area="All of NCT")
    assert (whole["posts"], whole["vacancy"], whole["vacant"], whole["vacancy_base"]) == (
        "328.00",
        "43.0",
        "141.00",
        "328.00",
    )
    assert (whole["unfilled"], whole["covered"]) == ("18.0", "58.2")
    assert "only 1 of the 12 months January 2018 to December 2018" in december[2]["text"]


JOINT = "North Northamptonshire Council and West Northamptonshire Council together (one "
JOINT += "published figure for the joint area, not either council's)"


def test_the_joint_areas_published_2024_census_rates_stand_beside_the_whole_trusts(july_2024):
    # docs/sources/workforce-census-and-spc.md: at 30 September 2024, 176 FTE vacancies, 123
    # agency FTE and 42.4 leavers' FTE beside 379.5 FTE social workers, for the joint area;
    # beside July 2024's own figures, as the dashboard shows them for a 2024/25 latest month.
    _, summary = july_2024
    rows = rows_of(benchmarks_block(summary))
    assert [(r["rate"], r["benchmark"], r["ours"], r["ours_for"]) for r in rows] == [
        ("Vacancy rate (census method)", "31.70", "12.9", "All of NCT"),
        ("Agency rate (census method)", "24.50", "9.4", "All of NCT"),
        ("Turnover, 12 months (census method)", "11.20", "9.6", "All of NCT"),
    ]
    assert {(r["kind"], r["area"]) for r in rows} == {
        ("Joint area's published figure (the councils together)", JOINT)
    }
    assert {r["note"] for r in rows} == {
        "Published for North and West Northamptonshire together: the DfE publishes one "
        "workforce return for the joint area, so this is not either council's figure."
    }
