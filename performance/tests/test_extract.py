"""The child-level extract, rule by rule, as ../shared/CHILD_EXTRACT.md states them.

Every extract here is a few hand-written rows, as at 31 March 2024, for a trust whose council
areas are NNC and WNC.
"""

import io
import json
import traceback
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import Workbook

from performance import extract
from performance.extract import (
    ALL,
    COLUMNS,
    COUNTS,
    INDICATORS,
    NOT_A_DATE,
    ExtractError,
    ExtractRejected,
    ExtractSettings,
    check_and_compute,
    compute,
    errors_csv,
    read_extract,
)

AS_AT = date(2024, 3, 31)
AREAS = ["NNC", "WNC"]
DEFAULTS = {"area": "NNC", "category": "CIN", "episode_start": "2024-01-01"}


def rows_of(rows) -> list[dict]:
    """Each row gets its own child id (CHILD-1, CHILD-2, …) and the defaults, unless given."""
    return [{"child_id": f"CHILD-{n}", **DEFAULTS, **row} for n, row in enumerate(rows, 1)]


def csv_bytes(rows, *, header=COLUMNS) -> bytes:
    lines = [",".join(header)]
    lines += [",".join(row.get(name, "") for name in header) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(*rows, as_at=AS_AT, settings=None):
    data = io.BytesIO(csv_bytes(rows_of(rows)))
    settings = settings or ExtractSettings()
    return check_and_compute(
        data, filename="extract.csv", as_at=as_at, areas=AREAS, settings=settings
    )


def figure(result, code, area=ALL):
    cell = result["areas"][area][code]
    return cell["numerator"], cell["denominator"]


def rejected(*rows, as_at=AS_AT) -> list[ExtractError]:
    with pytest.raises(ExtractRejected) as caught:
        run(*rows, as_at=as_at)
    return caught.value.errors


def only_error(*rows, as_at=AS_AT) -> ExtractError:
    errors = rejected(*rows, as_at=as_at)
    assert len(errors) == 1, errors
    return errors[0]


# --- Which children are open ---------------------------------------------------------------


def test_an_episode_started_on_the_as_at_date_is_open():
    assert figure(run({"episode_start": "2024-03-31"}), "OPEN_CASES") == (1, None)


def test_an_episode_starting_after_the_as_at_date_is_not_open():
    assert figure(run({"episode_start": "2024-04-01"}), "OPEN_CASES") == (0, None)


def test_an_episode_with_no_end_is_open():
    assert figure(run({"episode_end": ""}), "OPEN_CASES") == (1, None)


def test_an_episode_ending_on_the_as_at_date_is_closed():
    assert figure(run({"episode_end": "2024-03-31"}), "OPEN_CASES") == (0, None)


def test_an_episode_ending_after_the_as_at_date_is_open():
    assert figure(run({"episode_end": "2024-04-01"}), "OPEN_CASES") == (1, None)


def test_open_children_are_counted_by_category():
    result = run(
        {"category": "CIN"},
        {"category": "CP"},
        {"category": "CP"},
        {"category": "LAC"},
        {"category": "CL"},
        {"category": "CL", "episode_end": "2024-02-01"},
    )
    assert figure(result, "OPEN_CIN") == (1, None)
    assert figure(result, "OPEN_CP") == (2, None)
    assert figure(result, "OPEN_LAC") == (1, None)
    assert figure(result, "OPEN_CL") == (1, None)
    assert figure(result, "OPEN_CASES") == (5, None)


def test_closed_children_are_left_out_of_visits_and_plans():
    result = run(
        {"last_visit_date": "2024-03-30", "plan_due_date": "2024-04-30"},
        {"last_visit_date": "2024-03-01", "episode_end": "2024-03-15", "plan_due_date": ""},
    )
    assert figure(result, "CIN_VISIT_IN_TIME") == (1, 1)
    assert figure(result, "CIN_PLAN_IN_TIME") == (1, 1)


def test_a_child_with_two_open_episodes_counts_twice():
    result = run({"child_id": "C1", "category": "CIN"}, {"child_id": "C1", "category": "CP"})
    assert figure(result, "OPEN_CASES") == (2, None)


# --- Visits in time ------------------------------------------------------------------------


def test_a_cin_child_visited_28_days_before_is_in_time():
    assert figure(run({"last_visit_date": "2024-03-03"}), "CIN_VISIT_IN_TIME") == (1, 1)


def test_a_cin_child_visited_29_days_before_is_not_in_time():
    assert figure(run({"last_visit_date": "2024-03-02"}), "CIN_VISIT_IN_TIME") == (0, 1)


def test_a_child_with_no_visit_counts_from_episode_start():
    result = run({"episode_start": "2024-03-03"}, {"episode_start": "2024-03-02"})
    assert figure(result, "CIN_VISIT_IN_TIME") == (1, 2)


def test_a_cp_child_must_be_visited_within_14_days():
    result = run(
        {"category": "CP", "last_visit_date": "2024-03-17"},
        {"category": "CP", "last_visit_date": "2024-03-16"},
    )
    assert figure(result, "CP_VISIT_IN_TIME") == (1, 2)


def test_a_looked_after_child_must_be_visited_within_42_days():
    result = run(
        {"category": "LAC", "last_visit_date": "2024-02-18"},
        {"category": "LAC", "last_visit_date": "2024-02-17"},
    )
    assert figure(result, "LAC_VISIT_IN_TIME") == (1, 2)


def test_a_care_leaver_must_be_contacted_within_56_days():
    result = run(
        {"category": "CL", "last_visit_date": "2024-02-04"},
        {"category": "CL", "last_visit_date": "2024-02-03"},
    )
    assert figure(result, "CL_IN_TOUCH") == (1, 2)


def test_a_care_leaver_with_no_contact_counts_from_episode_start():
    result = run({"category": "CL", "episode_start": "2024-02-04"})
    assert figure(result, "CL_IN_TOUCH") == (1, 1)


def test_a_trust_may_change_the_visit_frequencies():
    settings = ExtractSettings(visit_days={"CIN": 10, "CP": 14, "LAC": 42, "CL": 56})
    result = run(
        {"last_visit_date": "2024-03-21"},
        {"last_visit_date": "2024-03-20"},
        settings=settings,
    )
    assert figure(result, "CIN_VISIT_IN_TIME") == (1, 2)


def test_visits_of_other_categories_do_not_count_for_cin():
    result = run({"category": "CP", "last_visit_date": "2024-03-30"})
    assert figure(result, "CIN_VISIT_IN_TIME") == (0, 0)


# --- Seen alone ----------------------------------------------------------------------------


def test_a_cin_child_visited_in_time_and_seen_alone_counts():
    row = {"last_visit_date": "2024-03-20", "last_visit_seen_alone": "Y"}
    assert figure(run(row), "CIN_SEEN_ALONE") == (1, 1)


def test_a_cin_child_visited_in_time_but_not_seen_alone_does_not_count():
    row = {"last_visit_date": "2024-03-20", "last_visit_seen_alone": "N"}
    assert figure(run(row), "CIN_SEEN_ALONE") == (0, 1)


def test_a_blank_seen_alone_means_no():
    row = {"last_visit_date": "2024-03-20", "last_visit_seen_alone": ""}
    assert figure(run(row), "CIN_SEEN_ALONE") == (0, 1)


def test_seen_alone_on_a_visit_out_of_time_does_not_count():
    row = {"last_visit_date": "2024-02-01", "last_visit_seen_alone": "Y"}
    assert figure(run(row), "CIN_SEEN_ALONE") == (0, 1)


def test_seen_alone_needs_a_visit():
    # In time because the episode began recently, but there has been no visit to be alone at.
    row = {"episode_start": "2024-03-20", "last_visit_seen_alone": "Y"}
    assert figure(run(row), "CIN_SEEN_ALONE") == (0, 1)


def test_seen_alone_may_be_written_in_lower_case():
    row = {"last_visit_date": "2024-03-20", "last_visit_seen_alone": "y"}
    assert figure(run(row), "CIN_SEEN_ALONE") == (1, 1)


def test_a_cp_child_seen_alone_uses_the_cp_frequency():
    result = run(
        {"category": "CP", "last_visit_date": "2024-03-17", "last_visit_seen_alone": "Y"},
        {"category": "CP", "last_visit_date": "2024-03-16", "last_visit_seen_alone": "Y"},
    )
    assert figure(result, "CP_SEEN_ALONE") == (1, 2)


# --- Plans ---------------------------------------------------------------------------------


def test_a_cin_plan_due_on_the_as_at_date_is_in_time():
    assert figure(run({"plan_due_date": "2024-03-31"}), "CIN_PLAN_IN_TIME") == (1, 1)


def test_a_cin_plan_due_before_the_as_at_date_is_overdue():
    assert figure(run({"plan_due_date": "2024-03-30"}), "CIN_PLAN_IN_TIME") == (0, 1)


def test_a_child_with_no_plan_is_not_in_time():
    assert figure(run({"plan_due_date": ""}), "CIN_PLAN_IN_TIME") == (0, 1)


def test_a_looked_after_childs_care_plan_in_time():
    result = run(
        {"category": "LAC", "plan_due_date": "2024-04-15"},
        {"category": "LAC", "plan_due_date": "2024-03-01"},
        {"category": "LAC"},
    )
    assert figure(result, "LAC_PLAN_IN_TIME") == (1, 3)


def test_a_care_leavers_pathway_plan_in_time():
    result = run(
        {"category": "CL", "plan_due_date": "2024-05-01"},
        {"category": "CL", "plan_due_date": "2024-03-30"},
    )
    assert figure(result, "CL_PATHWAY_PLAN_IN_TIME") == (1, 2)


# --- Assessments ---------------------------------------------------------------------------

APRIL = date(2024, 4, 30)


def test_an_assessment_of_45_working_days_across_easter_is_in_time():
    row = {"assessment_start": "2024-02-05", "assessment_completed": "2024-04-10"}
    assert figure(run(row, as_at=APRIL), "ASSESSMENT_IN_45_WD") == (1, 1)


def test_an_assessment_of_46_working_days_is_late():
    row = {"assessment_start": "2024-02-05", "assessment_completed": "2024-04-11"}
    assert figure(run(row, as_at=APRIL), "ASSESSMENT_IN_45_WD") == (0, 1)


def test_an_assessment_completed_the_day_it_started_is_in_time():
    row = {"assessment_start": "2024-03-12", "assessment_completed": "2024-03-12"}
    assert figure(run(row), "ASSESSMENT_IN_45_WD") == (1, 1)


def test_assessments_completed_on_the_first_and_last_day_of_the_month_count():
    result = run(
        {"assessment_start": "2024-02-20", "assessment_completed": "2024-03-01"},
        {"assessment_start": "2024-03-20", "assessment_completed": "2024-03-31"},
    )
    assert figure(result, "ASSESSMENT_IN_45_WD") == (2, 2)


def test_an_assessment_completed_in_an_earlier_month_does_not_count():
    row = {"assessment_start": "2024-02-01", "assessment_completed": "2024-02-29"}
    assert figure(run(row), "ASSESSMENT_IN_45_WD") == (0, 0)


def test_an_assessment_completed_after_the_as_at_date_does_not_count():
    row = {"assessment_start": "2024-03-20", "assessment_completed": "2024-04-01"}
    assert figure(run(row), "ASSESSMENT_IN_45_WD") == (0, 0)


def test_an_assessment_still_in_progress_does_not_count():
    assert figure(run({"assessment_start": "2024-03-20"}), "ASSESSMENT_IN_45_WD") == (0, 0)


def test_an_assessment_counts_even_when_the_episode_has_closed():
    row = {
        "episode_end": "2024-03-15",
        "assessment_start": "2024-03-01",
        "assessment_completed": "2024-03-14",
    }
    assert figure(run(row), "ASSESSMENT_IN_45_WD") == (1, 1)


# --- Allocation and caseloads --------------------------------------------------------------


def test_an_open_child_with_no_worker_is_unallocated():
    result = run({"worker_id": ""}, {"worker_id": "W1"})
    assert figure(result, "UNALLOCATED_CASES") == (1, None)


def test_a_closed_child_with_no_worker_is_not_unallocated():
    result = run({"worker_id": "", "episode_end": "2024-02-01"})
    assert figure(result, "UNALLOCATED_CASES") == (0, None)


def test_average_caseload_is_open_children_with_a_worker_over_distinct_workers():
    result = run(
        {"worker_id": "W1"},
        {"worker_id": "W1"},
        {"worker_id": "W2"},
        {"worker_id": ""},
        {"worker_id": "W3", "episode_end": "2024-02-01"},
    )
    assert figure(result, "AVERAGE_CASELOAD") == (3, 2)


def test_a_worker_with_more_children_than_the_limit_is_over_caseload():
    over = [{"worker_id": "W1"}] * 21
    at_limit = [{"worker_id": "W2"}] * 20
    assert figure(run(*over, *at_limit), "WORKERS_OVER_CASELOAD") == (1, 2)


def test_a_trust_may_change_the_caseload_limit():
    result = run(*[{"worker_id": "W1"}] * 3, settings=ExtractSettings(caseload_limit=2))
    assert figure(result, "WORKERS_OVER_CASELOAD") == (1, 1)


def test_closed_children_do_not_add_to_a_caseload():
    rows = [{"worker_id": "W1"}] * 20 + [{"worker_id": "W1", "episode_end": "2024-02-01"}]
    assert figure(run(*rows), "WORKERS_OVER_CASELOAD") == (0, 1)


def test_caseloads_for_all_areas_are_computed_not_summed():
    # One worker: 15 children in NNC and 10 in WNC, so over the limit of 20 only in all.
    rows = [{"worker_id": "W1", "area": "NNC"}] * 15 + [{"worker_id": "W1", "area": "WNC"}] * 10
    result = run(*rows)
    assert figure(result, "WORKERS_OVER_CASELOAD", "NNC") == (0, 1)
    assert figure(result, "WORKERS_OVER_CASELOAD", "WNC") == (0, 1)
    assert figure(result, "WORKERS_OVER_CASELOAD") == (1, 1)
    assert figure(result, "AVERAGE_CASELOAD") == (25, 1)


# --- The result's shape --------------------------------------------------------------------


def test_every_indicator_is_given_for_every_area_and_for_all():
    result = run({})
    assert list(result["areas"]) == ["NNC", "WNC", ALL]
    for figures in result["areas"].values():
        assert list(figures) == list(INDICATORS)


def test_an_area_with_no_rows_still_appears_with_zeros():
    figures = run({"area": "NNC"})["areas"]["WNC"]
    assert figures["OPEN_CASES"] == {"numerator": 0, "denominator": None}
    assert figures["CIN_VISIT_IN_TIME"] == {"numerator": 0, "denominator": 0}


def test_counts_have_no_denominator():
    figures = run({})["areas"][ALL]
    assert {code for code in INDICATORS if figures[code]["denominator"] is None} == COUNTS


def test_the_result_is_plain_json():
    result = run({"worker_id": "W1"}, {"area": "WNC"})
    assert json.loads(json.dumps(result)) == result
    assert result["as_at"] == "2024-03-31"


def test_all_areas_add_up_except_the_caseload_figures():
    result = run(
        {"area": "NNC", "worker_id": "W1", "last_visit_date": "2024-03-20"},
        {"area": "WNC", "worker_id": "W1", "category": "CP", "plan_due_date": "2024-04-01"},
        {"area": "WNC", "category": "LAC", "episode_end": "2024-02-01"},
        {"area": "NNC", "assessment_start": "2024-03-01", "assessment_completed": "2024-03-05"},
    )
    areas = result["areas"]
    for code in set(INDICATORS) - extract.NOT_ADDITIVE:
        for part in ("numerator", "denominator"):
            parts = [areas[a][code][part] for a in AREAS]
            total = None if parts[0] is None else sum(parts)
            assert areas[ALL][code][part] == total, (code, part)


def test_an_empty_extract_gives_zeros():
    result = run()
    assert figure(result, "OPEN_CASES") == (0, None)
    assert figure(result, "AVERAGE_CASELOAD") == (0, 0)


# --- Rejections: columns -------------------------------------------------------------------


def test_a_missing_required_column_is_reported_once_before_any_row():
    data = csv_bytes(rows_of([{"area": "XXX"}, {"category": "??"}]), header=COLUMNS[1:])
    with pytest.raises(ExtractRejected) as caught:
        check_and_compute(io.BytesIO(data), filename="e.csv", as_at=AS_AT, areas=AREAS)
    assert caught.value.errors == [
        ExtractError(row=None, column="child_id", value=None, reason="required column is missing")
    ]


def test_every_missing_required_column_is_reported():
    data = csv_bytes([{"child_id": "C1"}], header=["child_id"])
    with pytest.raises(ExtractRejected) as caught:
        check_and_compute(io.BytesIO(data), filename="e.csv", as_at=AS_AT, areas=AREAS)
    assert [e.column for e in caught.value.errors] == ["area", "category", "episode_start"]


def test_optional_columns_may_be_left_out():
    header = ["child_id", "area", "category", "episode_start"]
    data = csv_bytes(rows_of([{}]), header=header)
    result = check_and_compute(io.BytesIO(data), filename="e.csv", as_at=AS_AT, areas=AREAS)
    assert figure(result, "UNALLOCATED_CASES") == (1, None)


def test_a_column_given_twice_is_rejected():
    data = b"child_id,area,category,episode_start,Area\nC1,NNC,CIN,2024-01-01,NNC\n"
    with pytest.raises(ExtractRejected) as caught:
        read_extract(io.BytesIO(data), filename="e.csv")
    assert caught.value.errors[0].column == "area"


# --- Rejections: cells ---------------------------------------------------------------------


@pytest.mark.parametrize("column", ["child_id", "area", "category", "episode_start"])
def test_a_blank_required_cell_is_rejected(column):
    error = only_error({}, {column: ""})
    assert error == ExtractError(row=3, column=column, value=None, reason="required, but blank")


def test_a_cell_of_spaces_is_blank():
    assert only_error({"area": "   "}).reason == "required, but blank"


def test_cells_are_trimmed_of_spaces():
    result = run({"area": " WNC ", "category": "CP ", "episode_start": " 2024-01-01"})
    assert figure(result, "OPEN_CP", "WNC") == (1, None)


@pytest.mark.parametrize(
    "column",
    [
        "episode_start",
        "episode_end",
        "last_visit_date",
        "plan_due_date",
        "assessment_start",
        "assessment_completed",
    ],
)
def test_a_date_that_does_not_parse_is_rejected(column):
    row = {"assessment_start": "2024-03-01"} if column == "assessment_completed" else {}
    error = only_error({**row, column: "next week"})
    described = f"{NOT_A_DATE}: 9 characters, letters and other characters"
    assert error == ExtractError(row=2, column=column, value=None, reason=described)


def test_an_impossible_uk_date_is_not_a_date():
    error = only_error({"episode_start": "31/02/2019"})
    assert (error.column, error.value, error.reason) == ("episode_start", "31/02/2019", NOT_A_DATE)


@pytest.mark.parametrize("text", ["2019-02-31", "2019-13-01", "02/31/2019", "2019/03/01"])
def test_other_impossible_or_foreign_dates_are_not_dates(text):
    assert only_error({"episode_start": text}).reason == NOT_A_DATE


def test_an_excel_day_number_is_not_a_date_and_five_digits_are_described_not_shown():
    # Five digits alone could be a case number: only a year's four are shown.
    error = only_error({"episode_start": "43000"})
    assert error == ExtractError(2, "episode_start", None, f"{NOT_A_DATE}: 5 characters, digits")


def test_uk_and_iso_dates_mean_the_same_day():
    result = run(
        {"episode_start": "01/03/2024", "last_visit_date": "03/03/2024"},
        {"episode_start": "2024-03-01", "last_visit_date": "2024-03-02"},
    )
    assert figure(result, "CIN_VISIT_IN_TIME") == (1, 2)


def test_a_category_that_is_not_one_of_the_four_codes_is_rejected():
    error = only_error({"category": "LOOKED AFTER"})
    reason = "not one of CIN, CP, LAC, CL: 12 characters, letters and other characters"
    assert error == ExtractError(2, "category", None, reason)


def test_categories_are_codes_in_capitals():
    assert only_error({"category": "cin"}).column == "category"


def test_an_area_of_another_trust_is_rejected():
    error = only_error({"area": "OCC"})
    assert error == ExtractError(2, "area", "OCC", "not a council area of this trust (NNC, WNC)")


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("1234567890", "10 characters, digits"),
        ("943 476 5919", "12 characters, digits and other characters"),
        ("476 5919", "8 characters, digits and other characters"),
        ("9434-7659", "9 characters, digits and other characters"),
        ("12345", "5 characters, digits"),
    ],
)
def test_a_number_that_may_identify_a_child_under_area_is_described_not_shown(text, kinds):
    error = only_error({"area": text})
    reason = f"not a council area of this trust (NNC, WNC): {kinds}"
    assert error == ExtractError(2, "area", None, reason)


@pytest.mark.parametrize("text", ["2024-03-01", "01/03/2024", "1.3.24", "2024", "7"])
def test_a_date_or_a_year_under_area_is_shown(text):
    error = only_error({"area": text})
    assert error == ExtractError(2, "area", text, "not a council area of this trust (NNC, WNC)")


@pytest.mark.parametrize("text", ["X", "Yes", "1"])
def test_seen_alone_other_than_y_n_or_blank_is_rejected(text):
    error = only_error({"last_visit_date": "2024-03-20", "last_visit_seen_alone": text})
    assert error == ExtractError(2, "last_visit_seen_alone", text, "not Y, N or blank")


# --- Rejections: dates that contradict each other ------------------------------------------


def test_an_episode_ending_before_it_started_is_rejected():
    error = only_error({"episode_start": "2024-02-01", "episode_end": "2024-01-31"})
    assert error == ExtractError(2, "episode_end", "2024-01-31", "before episode_start")


def test_an_episode_ending_the_day_it_started_is_accepted():
    result = run({"episode_start": "2024-02-01", "episode_end": "2024-02-01"})
    assert figure(result, "OPEN_CASES") == (0, None)


def test_an_assessment_completed_before_it_started_is_rejected():
    row = {"assessment_start": "2024-03-10", "assessment_completed": "2024-03-09"}
    error = only_error(row)
    assert error == ExtractError(2, "assessment_completed", "2024-03-09", "before assessment_start")


def test_an_assessment_completed_without_a_start_is_rejected():
    error = only_error({"assessment_completed": "2024-03-09"})
    assert error == ExtractError(
        2, "assessment_completed", "2024-03-09", "given without an assessment_start"
    )


def test_a_visit_after_the_as_at_date_is_rejected():
    error = only_error({"last_visit_date": "2024-04-01"})
    assert error == ExtractError(
        2, "last_visit_date", "2024-04-01", "after the as-at date (2024-03-31)"
    )


def test_a_visit_on_the_as_at_date_is_accepted():
    assert figure(run({"last_visit_date": "2024-03-31"}), "CIN_VISIT_IN_TIME") == (1, 1)


def test_a_visit_before_the_episode_started_is_rejected():
    error = only_error({"episode_start": "2024-02-01", "last_visit_date": "2024-01-31"})
    assert error == ExtractError(2, "last_visit_date", "2024-01-31", "before episode_start")


# --- Rejections: duplicates ----------------------------------------------------------------


def test_the_same_child_category_and_start_twice_is_rejected_at_the_second_row():
    error = only_error({"child_id": "C1"}, {"child_id": "C9"}, {"child_id": "C1"})
    assert error == ExtractError(
        row=4,
        column="child_id",
        value=None,
        reason="the same child, category and episode start appears more than once (first at row 2)",
    )


def test_a_duplicate_is_found_whichever_way_its_date_is_written():
    error = only_error(
        {"child_id": "C1", "episode_start": "2024-01-05"},
        {"child_id": "C1", "episode_start": "05/01/2024"},
    )
    assert error.row == 3


def test_every_repeat_names_the_first_row():
    errors = rejected({"child_id": "C1"}, {"child_id": "C1"}, {"child_id": "C1"})
    assert [(e.row, e.reason.endswith("(first at row 2)")) for e in errors] == [
        (3, True),
        (4, True),
    ]


def test_the_same_child_in_another_category_or_episode_is_accepted():
    result = run(
        {"child_id": "C1", "category": "CIN"},
        {"child_id": "C1", "category": "CP"},
        {"child_id": "C1", "category": "CIN", "episode_start": "2023-01-01"},
    )
    assert figure(result, "OPEN_CASES") == (3, None)


# --- The error report ----------------------------------------------------------------------


def test_every_error_is_reported_in_row_and_column_order():
    errors = rejected(
        {},
        {"last_visit_date": "2024-04-01", "area": "XXX"},
        {"category": "", "episode_start": "yesterday"},
    )
    assert [(e.row, e.column) for e in errors] == [
        (3, "area"),
        (3, "last_visit_date"),
        (4, "category"),
        (4, "episode_start"),
    ]


def test_child_ids_never_appear_in_the_error_report():
    errors = rejected(
        {"child_id": "SECRET-1", "area": "XXX"},
        {"child_id": "SECRET-2", "episode_start": "nope", "worker_id": "W1"},
        {"child_id": "SECRET-2", "episode_start": "2024-01-01"},
        {"child_id": "SECRET-2", "episode_start": "2024-01-01"},
        {"child_id": "", "category": "XX"},
    )
    assert len(errors) == 5
    report = errors_csv(errors) + repr(errors)
    assert "SECRET" not in report


def test_a_blank_child_id_is_reported_without_a_value():
    error = only_error({"child_id": ""})
    assert (error.column, error.value) == ("child_id", None)


def test_a_child_id_in_another_column_is_hidden():
    error = only_error({"child_id": "C77"}, {"child_id": "C78", "area": "C77"})
    assert error.value is None
    assert "C77" not in error.reason
    assert error.reason.startswith("not a council area")


def test_errors_keep_the_row_numbers_of_the_spreadsheet():
    data = csv_bytes(rows_of([{}, {}, {"area": "XXX"}]))
    assert only_error_of(data).row == 4


def test_blank_lines_still_count_as_rows():
    lines = csv_bytes(rows_of([{}, {"area": "XXX"}])).split(b"\n")
    data = b"\n".join([lines[0], lines[1], b"", b"", lines[2], b""])
    assert only_error_of(data).row == 5


def test_wholly_blank_rows_are_skipped():
    lines = csv_bytes(rows_of([{}, {}])).split(b"\n")
    data = b"\n".join([lines[0], lines[1], b",,,,, ,,,,,", lines[2], b""])
    result = check_and_compute(io.BytesIO(data), filename="e.csv", as_at=AS_AT, areas=AREAS)
    assert figure(result, "OPEN_CASES") == (2, None)


def only_error_of(data: bytes, filename="e.csv") -> ExtractError:
    with pytest.raises(ExtractRejected) as caught:
        check_and_compute(io.BytesIO(data), filename=filename, as_at=AS_AT, areas=AREAS)
    assert len(caught.value.errors) == 1, caught.value.errors
    return caught.value.errors[0]


def test_the_error_report_downloads_as_csv():
    errors = [
        ExtractError(None, "child_id", None, "required column is missing"),
        ExtractError(7, "episode_start", "31/02/2019", NOT_A_DATE),
    ]
    assert errors_csv(errors).splitlines() == [
        "row,column,value,reason",
        ",child_id,,required column is missing",
        "7,episode_start,31/02/2019,not a date (use YYYY-MM-DD or DD/MM/YYYY)",
    ]


def test_the_error_report_cannot_smuggle_spreadsheet_formulas():
    report = errors_csv([ExtractError(2, "area", "=HYPERLINK(1)", "not a council area")])
    assert "'=HYPERLINK(1)" in report


# --- Reading files -------------------------------------------------------------------------


def test_a_csv_with_a_byte_order_mark_is_read():
    data = b"\xef\xbb\xbf" + csv_bytes(rows_of([{}]))
    result = check_and_compute(io.BytesIO(data), filename="e.csv", as_at=AS_AT, areas=AREAS)
    assert figure(result, "OPEN_CASES") == (1, None)


def test_column_names_are_matched_ignoring_case_and_spaces():
    data = b" Child_ID ,AREA,Category, Episode_Start\nC1,NNC,CP,2024-01-01\n"
    frame = read_extract(io.BytesIO(data), filename="e.csv")
    assert list(frame.columns) == ["child_id", "area", "category", "episode_start"]


def test_extra_columns_are_ignored():
    data = b"notes,child_id,area,category,episode_start,ethnicity\nx,C1,NNC,CP,2024-01-01,y\n"
    frame = read_extract(io.BytesIO(data), filename="e.csv")
    assert list(frame.columns) == ["child_id", "area", "category", "episode_start"]


def test_every_cell_is_read_as_text():
    data = b"child_id,area,category,episode_start,worker_id\n007,NNC,CP,2024-01-01,NA\n"
    frame = read_extract(io.BytesIO(data), filename="e.csv")
    assert frame.loc[2].tolist() == ["007", "NNC", "CP", "2024-01-01", "NA"]


def test_a_file_may_be_given_by_its_path(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(csv_bytes(rows_of([{}])))
    result = check_and_compute(path, filename=path.name, as_at=AS_AT, areas=AREAS)
    assert figure(result, "OPEN_CASES") == (1, None)


def test_a_csv_that_is_not_utf8_is_rejected():
    data = csv_bytes(rows_of([{"worker_id": "Zoë"}])).replace("ë".encode(), b"\xeb")
    assert "UTF-8" in only_error_of(data).reason


def test_a_row_longer_than_the_header_is_rejected_with_its_row_number():
    data = csv_bytes(rows_of([{}, {}])) + b"C9,NNC,CIN,,2024-01-01,,,,,,,extra\n"
    error = only_error_of(data)
    assert (error.row, error.value) == (4, None)


def test_a_readers_own_message_never_reaches_a_traceback():
    # pyarrow's message for this row quotes it, child id and all.
    data = csv_bytes(rows_of([{}])) + b"SECRET-9,NNC,CIN,,2024-01-01,,,,,,,extra\n"
    with pytest.raises(ExtractRejected) as caught:
        check_and_compute(io.BytesIO(data), filename="e.csv", as_at=AS_AT, areas=AREAS)
    assert "SECRET" not in "".join(traceback.format_exception(caught.value))


def test_a_quote_left_open_is_rejected_at_its_row():
    data = csv_bytes(rows_of([{}])) + b'C9,"NNC,CIN,,2024-01-01\n' + csv_bytes(rows_of([{}]))
    error = only_error_of(data)
    assert (error.row, error.reason) == (3, "a quoted cell starting in this row is never closed")


def test_a_short_row_is_read_with_blank_cells():
    data = csv_bytes(rows_of([{}])) + b"C9,WNC,CP\n"
    error = only_error_of(data)
    assert (error.row, error.column, error.reason) == (3, "episode_start", "required, but blank")


def test_an_empty_file_is_rejected():
    assert only_error_of(b"").row is None


def test_a_file_that_is_neither_csv_nor_xlsx_is_rejected():
    assert "CSV" in only_error_of(csv_bytes(rows_of([{}])), filename="extract.txt").reason


def test_a_file_with_too_many_rows_is_rejected(monkeypatch):
    monkeypatch.setattr(extract, "MAX_ROWS", 2)
    error = only_error_of(csv_bytes(rows_of([{}, {}, {}])))
    assert error.reason == "the file has more than 2 rows"


def xlsx_bytes(rows, *, header=COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(name) for name in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run_xlsx(data: bytes):
    return check_and_compute(io.BytesIO(data), filename="Extract.XLSX", as_at=AS_AT, areas=AREAS)


def test_an_xlsx_extract_is_read_from_its_first_sheet():
    data = xlsx_bytes(rows_of([{"category": "CP"}, {"area": "WNC"}]))
    result = run_xlsx(data)
    assert figure(result, "OPEN_CP", "NNC") == (1, None)
    assert figure(result, "OPEN_CIN", "WNC") == (1, None)


def test_excel_dates_and_numbers_are_read_as_text():
    rows = [
        {
            "child_id": 1001,
            "area": "NNC",
            "category": "CIN",
            "worker_id": 42,
            "episode_start": datetime(2024, 1, 1),
            "last_visit_date": date(2024, 3, 20),
        }
    ]
    frame = read_extract(io.BytesIO(xlsx_bytes(rows)), filename="e.xlsx")
    assert frame.loc[2, ["child_id", "worker_id", "episode_start", "last_visit_date"]].tolist() == [
        "1001",
        "42",
        "2024-01-01",
        "2024-03-20",
    ]


def test_a_date_and_time_in_excel_is_not_a_date():
    rows = rows_of([{"episode_start": datetime(2024, 1, 1, 9, 30)}])
    with pytest.raises(ExtractRejected) as caught:
        run_xlsx(xlsx_bytes(rows))
    described = f"{NOT_A_DATE}: 19 characters, digits and other characters"
    assert caught.value.errors[0].reason == described


def test_excel_formulas_are_never_evaluated():
    # openpyxl saves no computed value, so the cell reads blank rather than as "W2" or text.
    rows = rows_of([{"worker_id": '="W"&(1+1)'}])
    frame = read_extract(io.BytesIO(xlsx_bytes(rows)), filename="e.xlsx")
    assert frame.loc[2, "worker_id"] == ""


def test_xlsx_errors_keep_the_sheets_row_numbers():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS[:5]))
    sheet.append(["C1", "NNC", "CIN", "", "2024-01-01"])
    sheet.append([])  # a blank row, as spreadsheets have
    sheet.append(["C2", "XXX", "CIN", "", "2024-01-01"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ExtractRejected) as caught:
        run_xlsx(out.getvalue())
    assert [(e.row, e.column) for e in caught.value.errors] == [(4, "area")]


def test_xlsx_column_names_are_matched_ignoring_case():
    workbook = Workbook()
    workbook.active.append(["CHILD_ID", "Area ", "category", "Episode_Start"])
    workbook.active.append(["C1", "NNC", "CIN", "2024-01-01"])
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    assert figure(run_xlsx(data), "OPEN_CASES") == (1, None)


def test_an_xlsx_with_too_many_rows_is_rejected(monkeypatch):
    monkeypatch.setattr(extract, "MAX_ROWS", 2)
    with pytest.raises(ExtractRejected) as caught:
        run_xlsx(xlsx_bytes(rows_of([{}, {}, {}])))
    assert caught.value.errors[0].reason == "the file has more than 2 rows"


def test_a_broken_xlsx_is_rejected():
    error = only_error_of(b"PK not really a workbook", filename="e.xlsx")
    assert "Excel" in error.reason


# --- Frames built by hand ------------------------------------------------------------------


def test_a_frame_without_row_numbers_is_numbered_as_under_a_header():
    frame = pd.DataFrame(
        {
            "child_id": ["C1", "C2"],
            "area": ["NNC", None],
            "category": ["CIN", "CP"],
            "episode_start": ["2024-01-01", "2024-01-01"],
        }
    )
    with pytest.raises(ExtractRejected) as caught:
        compute(frame, as_at=AS_AT, areas=AREAS)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "area")]
