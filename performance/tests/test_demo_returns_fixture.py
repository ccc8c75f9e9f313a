"""The demo returns fixture (fixtures/performance_returns.json) against the public record.

Plain pytest, no database: the published figures are read from fixtures/public_record/, the
mapping from published labels to indicator codes is stated here independently of the generator,
and the JSON must equal what fixtures/make_performance_returns.py builds.
"""

import importlib.util
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PUBLIC = FIXTURES / "public_record"

MONTHS = ["2018-10", "2018-11", "2018-12", "2019-01", "2019-02", "2019-03"]
AREAS = ("NNC", "WNC")
TABLE1_COLUMNS = {"2018-12": "dec_2018", "2019-02": "feb_2019"}
TABLE1_ROWS = {
    "Children in need plans in time": "CIN_PLAN_IN_TIME",
    "Children in need visits in time": "CIN_VISIT_IN_TIME",
    "Child protection visits in time": "CP_VISIT_IN_TIME",
    "Care plans in time": "LAC_PLAN_IN_TIME",
    "LAC visits in time (six weeks)": "LAC_VISIT_IN_TIME",
}
TABLE3_AREAS = {"North": "NNC", "West": "WNC"}
TABLE3_COLUMNS = {
    ("Child In Need", "Most Recent CIN Plan in Time"): "CIN_PLAN_IN_TIME",
    ("Child In Need", "Most Recent CIN Visit in Time"): "CIN_VISIT_IN_TIME",
    ("Child In Need", "Child Visited in Time & Seen Alone"): "CIN_SEEN_ALONE",
    ("Child Protection", "Most Recent CP Visit in Time"): "CP_VISIT_IN_TIME",
    ("Child Protection", "Child Visited in Time & Seen Alone"): "CP_SEEN_ALONE",
    ("Looked After Children", "Current PEP This Term (Autumn)"): "PEP_THIS_TERM",
    ("Looked After Children", "Current Care Plan"): "LAC_PLAN_IN_TIME",
    ("Looked After Children", "LAC Visits in time"): "LAC_VISIT_IN_TIME",
    ("Looked After Children", "LAC Review in Time"): "LAC_REVIEWS_IN_TIME",
    ("Looked After Children", "SDQ in last 12 months"): "SDQ_IN_12_MONTHS",
    ("Care Leavers", "In Touch visit in time"): "CL_IN_TOUCH",
    ("Care Leavers", "Pathway Plan in Time"): "CL_PATHWAY_PLAN_IN_TIME",
}
CATEGORIES = ("OPEN_CIN", "OPEN_CP", "OPEN_LAC", "OPEN_CL")
COHORTS = {
    "OPEN_CIN": ("CIN_VISIT_IN_TIME", "CIN_SEEN_ALONE", "CIN_PLAN_IN_TIME"),
    "OPEN_CP": ("CP_VISIT_IN_TIME", "CP_SEEN_ALONE"),
    "OPEN_LAC": ("LAC_VISIT_IN_TIME", "LAC_PLAN_IN_TIME"),
    "OPEN_CL": ("CL_IN_TOUCH", "CL_PATHWAY_PLAN_IN_TIME"),
}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def pct(numerator: int, denominator: int) -> int:
    """numerator / denominator × 100 rounded half-up, on exact integers."""
    return (200 * numerator + denominator) // (2 * denominator)


@pytest.fixture(scope="module")
def data() -> dict:
    return load(FIXTURES / "performance_returns.json")


@pytest.fixture(scope="module")
def months(data) -> dict:
    return {row["month"]: row for row in data["returns"]}


@pytest.fixture(scope="module")
def indicators() -> dict:
    """The indicators a performance return holds (the workforce return's rates are derived in
    the workforce app, not entered here)."""
    rows = load(FIXTURES / "indicators.json")["indicators"]
    return {r["code"]: r for r in rows if r.get("entered_in", "performance") == "performance"}


def test_shape(data, months):
    assert set(data) == {"source", "arrangement", "returns"}
    assert set(data["source"]) == {"real", "synthetic", "method"}
    assert all(text.strip() for text in data["source"].values())
    assert "chosen, not published" in data["source"]["method"]
    assert data["arrangement"] == "NCT"
    assert [row["month"] for row in data["returns"]] == MONTHS
    for month, row in months.items():
        assert set(row) == {"month", "synthetic", "state", "figures", "commentary", "notes"}
        assert row["state"] == ("draft" if month == "2019-03" else "approved")
        assert row["synthetic"] is (month in ("2018-10", "2018-11", "2019-03"))
        assert row["notes"].strip()


def test_every_code_and_area_in_every_month(months, indicators):
    assert len(indicators) == 26
    for month, row in months.items():
        assert set(row["figures"]) == set(indicators), month
        for code, cells in row["figures"].items():
            expected = set(AREAS) if indicators[code]["additive"] else {*AREAS, "ALL"}
            assert set(cells) == expected, (month, code)


def test_numerators_and_denominators(months, indicators):
    for month, row in months.items():
        for code, cells in row["figures"].items():
            unit = indicators[code]["unit"]
            for area, (num, den) in cells.items():
                where = (month, code, area)
                assert isinstance(num, int) and num >= 0, where
                if unit == "count":
                    assert den is None, where
                else:
                    assert isinstance(den, int) and den > 0, where
                if unit == "percentage":
                    assert num <= den, where


def test_non_additive_all(months):
    for month, row in months.items():
        caseload = row["figures"]["AVERAGE_CASELOAD"]
        over = row["figures"]["WORKERS_OVER_CASELOAD"]
        assert caseload["ALL"][0] == sum(caseload[a][0] for a in AREAS), month
        assert caseload["ALL"][1] <= sum(caseload[a][1] for a in AREAS), month
        for area in (*AREAS, "ALL"):
            # both count the same workers holding cases
            assert over[area][1] == caseload[area][1], (month, area)
        # ALL is computed, not summed: shared workers are counted once
        assert over["ALL"][1] < sum(over[a][1] for a in AREAS), month
        assert over["ALL"][0] <= over["ALL"][1], month
        for area in AREAS:
            allocated = row["figures"]["OPEN_CASES"][area][0]
            allocated -= row["figures"]["UNALLOCATED_CASES"][area][0]
            assert caseload[area][0] == allocated, (month, area)


def test_table1_reproduced_county_wide(months):
    table1 = load(PUBLIC / "commissioner_2019_table1_key_indicators.json")
    assert {row["row_label"] for row in table1["figures"]} == set(TABLE1_ROWS)
    for month, column in TABLE1_COLUMNS.items():
        for row in table1["figures"]:
            cells = months[month]["figures"][TABLE1_ROWS[row["row_label"]]]
            num = sum(cells[a][0] for a in AREAS)
            den = sum(cells[a][1] for a in AREAS)
            assert pct(num, den) == row[column]["value"], (month, row["row_label"])


def test_table3_reproduced_per_area(months):
    table3 = load(PUBLIC / "commissioner_2019_table3_timeliness.json")
    january = months["2019-01"]["figures"]
    seen = 0
    for row in table3["figures"]:
        area = TABLE3_AREAS[row["row_label"]]
        for value in row["values"]:
            code = TABLE3_COLUMNS[(value["group"], value["column_label"])]
            num, den = january[code][area]
            assert pct(num, den) == value["value"], (area, value["column_label"])
            seen += 1
    assert seen == 2 * len(TABLE3_COLUMNS)


def test_table2_open_cases_january(months):
    table2 = load(PUBLIC / "commissioner_2019_table2_open_cases.json")
    totals = table2["grand_total_row_as_published"]
    january = months["2019-01"]["figures"]
    assert january["OPEN_CASES"]["NNC"] == [totals["north"], None]
    assert january["OPEN_CASES"]["WNC"] == [totals["west"], None]
    assert totals["north"] == 1791 and totals["west"] == 2214


def test_categories_sum_to_open_cases(months):
    for month, row in months.items():
        for area in AREAS:
            total = sum(row["figures"][c][area][0] for c in CATEGORIES)
            assert total == row["figures"]["OPEN_CASES"][area][0], (month, area)


def test_cohorts_consistent(months):
    january = months["2019-01"]["figures"]
    for month, row in months.items():
        figures = row["figures"]
        for category, codes in COHORTS.items():
            for area in AREAS:
                size = figures[category][area][0]
                for code in codes:
                    assert figures[code][area][1] == size, (month, code, area)
                # plausible: within 5% of January's published-based cohort
                assert abs(size - january[category][area][0]) <= january[category][area][0] / 20
        for visits, alone in (("CIN_VISIT_IN_TIME", "CIN_SEEN_ALONE"),
                              ("CP_VISIT_IN_TIME", "CP_SEEN_ALONE")):  # fmt: skip
            for area in AREAS:
                assert figures[alone][area][0] <= figures[visits][area][0], (month, alone, area)
        for area in AREAS:
            referrals = figures["REFERRALS"][area][0]
            assert figures["REREFERRALS_12_MONTHS"][area][1] == referrals, (month, area)
            assert figures["UNALLOCATED_CASES"][area][0] <= figures["OPEN_CASES"][area][0]


def test_every_indicator_has_commentary(months, indicators):
    for month, row in months.items():
        assert set(row["commentary"]) == set(indicators), month
        for code, text in row["commentary"].items():
            assert isinstance(text, str) and len(text.strip()) > 20, (month, code)
            assert "{" not in text and "None" not in text, (month, code)


def test_json_is_what_the_generator_builds(data):
    spec = importlib.util.spec_from_file_location(
        "make_performance_returns", FIXTURES / "make_performance_returns.py"
    )
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    built = generator.build()
    assert built == data
    assert generator.render(built) == (FIXTURES / "performance_returns.json").read_text("utf-8")
