"""The vectorised extract against a plain row-by-row reading of CHILD_EXTRACT.md, on random
valid extracts; and the error report on random broken ones."""

import io
from collections import Counter
from datetime import date, datetime, timedelta

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from performance.extract import (
    ALL,
    CATEGORIES,
    COLUMNS,
    COUNTS,
    INDICATORS,
    NOT_ADDITIVE,
    ExtractRejected,
    ExtractSettings,
    check_and_compute,
    errors_csv,
)

AREAS = ["NNC", "WNC"]
FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


# --- The reference: the spec's words, one row at a time ------------------------------------


def parse(text: str) -> date | None:
    if not text.strip():
        return None
    for format in FORMATS:
        try:
            return datetime.strptime(text.strip(), format).date()
        except ValueError:
            pass
    raise AssertionError(f"the generator wrote a bad date: {text!r}")


def working_days(start: date, end: date) -> int:
    """Days after the start, up to and including the end, neither weekend nor bank holiday."""
    bank = holidays.UnitedKingdom(subdiv="ENG", years=range(start.year, end.year + 1))
    days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for day in days if day.weekday() < 5 and day not in bank)


def reference(rows: list[dict], as_at: date, areas: list[str], rules: ExtractSettings) -> dict:
    def is_open(row):
        start, end = parse(row["episode_start"]), parse(row["episode_end"])
        return start <= as_at and (end is None or end > as_at)

    def visited_in_time(row):
        reference_day = parse(row["last_visit_date"]) or parse(row["episode_start"])
        return (as_at - reference_day).days <= rules.visit_days[row["category"]]

    def seen_alone(row):
        has_visit = parse(row["last_visit_date"]) is not None
        return visited_in_time(row) and has_visit and row["last_visit_seen_alone"].upper() == "Y"

    def plan_in_time(row):
        due = parse(row["plan_due_date"])
        return due is not None and due >= as_at

    def completed_this_month(row):
        completed = parse(row["assessment_completed"])
        return completed is not None and as_at.replace(day=1) <= completed <= as_at

    def within_45(row):
        start, end = parse(row["assessment_start"]), parse(row["assessment_completed"])
        return working_days(start, end) <= 45

    def rate(denominator, test):
        return sum(1 for row in denominator if test(row)), len(denominator)

    result = {}
    for scope in [*areas, ALL]:
        mine = [row for row in rows if scope == ALL or row["area"] == scope]
        opened = [row for row in mine if is_open(row)]
        of = {c: [row for row in opened if row["category"] == c] for c in CATEGORIES}

        figures = {
            "CIN_VISIT_IN_TIME": rate(of["CIN"], visited_in_time),
            "CIN_SEEN_ALONE": rate(of["CIN"], seen_alone),
            "CIN_PLAN_IN_TIME": rate(of["CIN"], plan_in_time),
            "CP_VISIT_IN_TIME": rate(of["CP"], visited_in_time),
            "CP_SEEN_ALONE": rate(of["CP"], seen_alone),
            "LAC_VISIT_IN_TIME": rate(of["LAC"], visited_in_time),
            "LAC_PLAN_IN_TIME": rate(of["LAC"], plan_in_time),
            "CL_IN_TOUCH": rate(of["CL"], visited_in_time),
            "CL_PATHWAY_PLAN_IN_TIME": rate(of["CL"], plan_in_time),
            "ASSESSMENT_IN_45_WD": rate([r for r in mine if completed_this_month(r)], within_45),
        }
        figures["UNALLOCATED_CASES"] = (sum(1 for r in opened if not r["worker_id"]), None)
        figures["OPEN_CASES"] = (len(opened), None)
        for c in CATEGORIES:
            figures[f"OPEN_{c}"] = (len(of[c]), None)
        caseload = Counter(row["worker_id"] for row in opened if row["worker_id"])
        figures["AVERAGE_CASELOAD"] = (sum(caseload.values()), len(caseload))
        over = sum(1 for held in caseload.values() if held > rules.caseload_limit)
        figures["WORKERS_OVER_CASELOAD"] = (over, len(caseload))
        result[scope] = {
            code: {"numerator": figures[code][0], "denominator": figures[code][1]}
            for code in INDICATORS
        }
    return result


# --- Random valid extracts -----------------------------------------------------------------


def offset(draw, day: date, low: int, high: int) -> date:
    return day + timedelta(days=draw(st.integers(low, high)))


def written(draw, day: date | None) -> str:
    return "" if day is None else day.strftime(draw(st.sampled_from(FORMATS)))


@st.composite
def valid_extracts(draw):
    """(rows, as at, settings): every rule in the spec holds on every row."""
    as_at = draw(st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 12, 31)))
    rows, keys = [], set()
    for _ in range(draw(st.integers(0, 30))):
        child = draw(st.sampled_from(["C1", "C2", "C3", "C4", "C5", "C6"]))
        category = draw(st.sampled_from(CATEGORIES))
        start = offset(draw, as_at, -1500, 20)
        if (child, category, start) in keys:
            continue
        keys.add((child, category, start))
        end = offset(draw, start, 0, 1500) if draw(st.booleans()) else None
        visit = None
        if start <= as_at and draw(st.booleans()):
            visit = offset(draw, start, 0, (as_at - start).days)
        plan = offset(draw, as_at, -90, 90) if draw(st.booleans()) else None
        assessed = completed = None
        if draw(st.booleans()):  # completed, mostly in or near the reporting month
            completed = offset(draw, as_at, -40, 10)
            # 45 working days are about 63 calendar days: land near that edge often.
            took = draw(st.integers(0, 100) | st.integers(60, 68))
            assessed = completed - timedelta(days=took)
        elif draw(st.booleans()):  # in progress
            assessed = offset(draw, as_at, -150, 0)
        rows.append(
            {
                "child_id": child,
                "area": draw(st.sampled_from(AREAS)),
                "category": category,
                "worker_id": draw(st.sampled_from(["", "W1", "W2", "W3", "W4"])),
                "episode_start": written(draw, start),
                "episode_end": written(draw, end),
                "last_visit_date": written(draw, visit),
                "last_visit_seen_alone": draw(st.sampled_from(["Y", "N", "y", "n", ""])),
                "plan_due_date": written(draw, plan),
                "assessment_start": written(draw, assessed),
                "assessment_completed": written(draw, completed),
            }
        )
    rules = ExtractSettings(
        visit_days={c: draw(st.integers(1, 60)) for c in CATEGORIES},
        caseload_limit=draw(st.integers(0, 4)),
    )
    return rows, as_at, rules


def csv_file(rows: list[dict]) -> io.BytesIO:
    lines = [",".join(COLUMNS), *(",".join(row[name] for name in COLUMNS) for row in rows)]
    return io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))


def computed(rows, as_at, rules) -> dict:
    return check_and_compute(
        csv_file(rows), filename="e.csv", as_at=as_at, areas=AREAS, settings=rules
    )


@settings(max_examples=60, deadline=None)
@given(valid_extracts())
def test_the_vectorised_figures_match_the_row_by_row_reading(extract):
    rows, as_at, rules = extract
    assert computed(rows, as_at, rules)["areas"] == reference(rows, as_at, AREAS, rules)


@settings(max_examples=60, deadline=None)
@given(valid_extracts())
def test_all_areas_is_the_sum_of_the_areas_for_every_additive_figure(extract):
    figures = computed(*extract)["areas"]
    for code in set(INDICATORS) - NOT_ADDITIVE:
        numerators = sum(figures[area][code]["numerator"] for area in AREAS)
        assert figures[ALL][code]["numerator"] == numerators
        if code not in COUNTS:
            denominators = sum(figures[area][code]["denominator"] for area in AREAS)
            assert figures[ALL][code]["denominator"] == denominators


# --- Random broken extracts ----------------------------------------------------------------

junk = st.sampled_from(
    ["", " ", "x", "NNC", "OCC", "CIN", "cp", "Y", "n", "maybe", "2024-02-30", "31/02/2019",
     "2024-01-15", "15/01/2024", "2023-12-31", "01/04/2024", "=1+1"]
)  # fmt: skip


@st.composite
def broken_extracts(draw):
    rows = []
    for n in range(draw(st.integers(1, 15))):
        row = {name: draw(junk) for name in COLUMNS}
        row["child_id"] = draw(st.sampled_from(["", f"SECRET-{n}", "SECRET-0"]))
        rows.append(row)
    return rows


@settings(max_examples=60, deadline=None)
@given(broken_extracts())
def test_no_error_report_ever_shows_a_child_id(rows):
    try:
        check_and_compute(csv_file(rows), filename="e.csv", as_at=date(2024, 3, 31), areas=AREAS)
    except ExtractRejected as rejected:
        errors = rejected.errors
        assert "SECRET" not in errors_csv(errors)
        assert all(error.value is None for error in errors if error.column == "child_id")
        numbered = [error.row for error in errors]
        assert numbered == sorted(numbered)
        assert all(2 <= row <= len(rows) + 1 for row in numbered)
