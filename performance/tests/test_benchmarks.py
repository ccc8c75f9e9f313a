"""Benchmarks: entered one at a time or imported from CSV, validated, kept with their history,
and who may read and enter them."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from performance.models import Benchmark, Indicator
from performance.services import benchmarks
from trust_portal.accounts.models import Arrangement

GOOD = "indicator,financial_year,kind,area,value,source,note\r\n"


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


@pytest.fixture
def visits(db):
    return Indicator.objects.get(code="CIN_VISIT_IN_TIME")


def add(cast, nct, indicator, who="wnc-officer", **fields):
    values = {"financial_year": 2024, "kind": "england", "area": "ALL", "value": Decimal("85.5"),
              "source": "Test publication, table 1", **fields}  # fmt: skip
    return benchmarks.benchmark_save(by=cast[who], arrangement=nct, indicator=indicator, **values)


def test_a_council_officer_adds_a_benchmark_and_the_dashboards_are_recomputed(cast, nct, visits):
    with mock.patch("performance.services.benchmarks.snapshot_queue_recompute") as queue:
        benchmark = add(cast, nct, visits)
    queue.assert_called_once_with(arrangement=nct)
    assert (benchmark.value, benchmark.area, benchmark.entered_by) == (
        Decimal("85.5"), "ALL", cast["wnc-officer"])  # fmt: skip
    assert benchmark.history.get().history_change_reason == "Entered"


@pytest.mark.parametrize("who", ["nct-manager", "dfe-observer", "wnc-scrutiny", "admin"])
def test_only_council_officers_enter_benchmarks(cast, nct, visits, who):
    with pytest.raises(PermissionDenied):
        add(cast, nct, visits, who=who)


def test_a_council_officer_of_another_arrangement_cannot_enter_one(cast, nct, visits):
    with pytest.raises(PermissionDenied):
        add(cast, nct, visits, who="occ-officer")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"value": Decimal("100.5")}, "value", "is a percentage: enter a value from 0 to 100"),
        ({"value": Decimal("-1")}, "value", "cannot be negative"),
        ({"area": "OCC"}, "area", "Use one of ALL, NNC, WNC"),
        ({"kind": "wales"}, "kind", "Choose england or statistical_neighbours"),
        ({"financial_year": 1999}, "financial_year", "from 2000 to 2100"),
        ({"source": "  "}, "source", "Say which publication and table"),
    ],
)
def test_a_benchmark_with_a_problem_is_refused_saying_what_to_fix(
    cast, nct, visits, fields, field, message
):
    with pytest.raises(ValidationError) as refused:
        add(cast, nct, visits, **fields)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Benchmark.objects.exists()


def test_a_count_indicator_may_have_a_benchmark_above_100(cast, nct):
    add(cast, nct, Indicator.objects.get(code="OPEN_CASES"), value=Decimal("2214"))


def test_a_second_benchmark_for_the_same_year_kind_and_area_is_refused(cast, nct, visits):
    add(cast, nct, visits)
    with pytest.raises(ValidationError, match="already has a england average for ALL in 2024/25"):
        add(cast, nct, visits, value=Decimal("80"))
    add(cast, nct, visits, area="NNC")  # another area is another benchmark
    add(cast, nct, visits, kind="statistical_neighbours")


def test_a_change_needs_a_reason_kept_in_the_history(cast, nct, visits):
    benchmark = add(cast, nct, visits)
    with pytest.raises(ValidationError, match="Say why the benchmark changes"):
        add(cast, nct, visits, benchmark=benchmark, value=Decimal("86"))
    add(cast, nct, visits, benchmark=benchmark, value=Decimal("86"),
        reason="The publication was revised")  # fmt: skip
    benchmark.refresh_from_db()
    assert benchmark.value == Decimal("86.00")
    latest = benchmark.history.order_by("-history_id").first()
    assert latest.history_change_reason == "The publication was revised"
    assert benchmark.history.count() == 2


# --- Import ----------------------------------------------------------------------------------


def csv_of(*rows: str) -> bytes:
    return (GOOD + "\r\n".join(rows) + "\r\n").encode()


def test_an_import_adds_every_row_and_the_dashboards_are_recomputed(cast, nct):
    raw = csv_of(
        "CIN_VISIT_IN_TIME,2024,england,ALL,85.5,Publication A table 1,",
        "WORKFORCE_VACANCY_RATE,2024,statistical_neighbours,ALL,17,Publication B table 2,"
        '"Covers North and West Northamptonshire together"',
    )
    with mock.patch("performance.services.benchmarks.snapshot_queue_recompute") as queue:
        assert benchmarks.benchmark_import(by=cast["nnc-officer"], arrangement=nct, raw=raw) == (
            2, 0)  # fmt: skip
    queue.assert_called_once_with(arrangement=nct)
    vacancy = Benchmark.objects.get(indicator__code="WORKFORCE_VACANCY_RATE")
    assert (vacancy.value, vacancy.note) == (
        Decimal("17.00"), "Covers North and West Northamptonshire together")  # fmt: skip


def test_reimporting_a_row_updates_it(cast, nct):
    row = "CIN_VISIT_IN_TIME,2024,england,ALL,{},Publication A table 1,"
    benchmarks.benchmark_import(by=cast["nnc-officer"], arrangement=nct,
                                raw=csv_of(row.format("85.5")))  # fmt: skip
    assert benchmarks.benchmark_import(by=cast["nnc-officer"], arrangement=nct,
                                       raw=csv_of(row.format("85.5"))) == (0, 0)  # fmt: skip
    assert benchmarks.benchmark_import(by=cast["nnc-officer"], arrangement=nct,
                                       raw=csv_of(row.format("86.1"))) == (0, 1)  # fmt: skip
    benchmark = Benchmark.objects.get()
    assert benchmark.value == Decimal("86.10")
    assert benchmark.history.order_by("-history_id").first().history_change_reason == (
        "Imported from a CSV file"
    )


def test_an_import_lists_every_problem_by_spreadsheet_row_and_saves_nothing(cast, nct):
    raw = csv_of(
        "CIN_VISIT_IN_TIME,2024,england,ALL,85.5,Publication A table 1,",  # row 2: fine
        ",,,,,,",  # row 3: blank, skipped but counted
        "NOT_AN_INDICATOR,2024,england,ALL,85.5,Publication A,",  # row 4
        "CIN_VISIT_IN_TIME,twenty,england,XX,lots,,",  # row 5: four problems
        "CIN_VISIT_IN_TIME,2024,england,ALL,101,Publication A,",  # row 6
        "CIN_VISIT_IN_TIME,2024,england,all,85.5,Publication A,",  # row 7: same as row 2
    )
    with pytest.raises(benchmarks.ImportRefused) as refused:
        benchmarks.benchmark_import(by=cast["nnc-officer"], arrangement=nct, raw=raw)
    found = [(e.row, e.column) for e in refused.value.errors]
    assert found == [
        (4, "indicator"),
        (5, "financial_year"),
        (5, "value"),
        (5, "area"),
        (5, "source"),
        (6, "value"),
        (7, ""),
    ]
    assert str(refused.value.errors[-1]) == "Row 7: The same benchmark as row 2."
    assert not Benchmark.objects.exists()


def test_an_import_without_the_columns_says_which_are_missing(cast, nct):
    with pytest.raises(benchmarks.ImportRefused, match="missing: kind, source"):
        benchmarks.benchmark_import(by=cast["nnc-officer"], arrangement=nct,
                                    raw=b"indicator,financial_year,area,value\r\n")  # fmt: skip


def test_the_template_is_a_file_the_import_accepts(cast, nct):
    raw = benchmarks.template_csv().encode()
    assert raw.startswith(b"indicator,financial_year,kind,area,value,source,note")
    assert benchmarks.benchmark_import(by=cast["nnc-officer"], arrangement=nct, raw=raw) == (2, 0)


def test_an_excel_csv_with_a_byte_order_mark_is_read(cast, nct):
    raw = "\ufeff".encode() + csv_of("CIN_VISIT_IN_TIME,2024,england,ALL,85.5,Publication A,")
    assert benchmarks.benchmark_import(by=cast["nnc-officer"], arrangement=nct, raw=raw) == (1, 0)


# --- Pages -----------------------------------------------------------------------------------

READERS = ["wnc-officer", "nnc-officer", "nct-manager", "dfe-observer", "wnc-scrutiny", "admin"]


@pytest.mark.parametrize(
    ("who", "status"),
    [*((who, 200) for who in READERS), ("occ-officer", 404), ("outsider", 404)],
)
def test_everyone_in_the_arrangement_reads_the_list(cast, client_for, nct, visits, who, status):
    add(cast, nct, visits)
    response = client_for(cast[who]).get(reverse("performance:benchmark-list", args=["NCT"]))
    assert response.status_code == status
    if status == 200:
        assert b"Test publication, table 1" in response.content


@pytest.mark.parametrize(
    ("who", "status"),
    [("wnc-officer", 200), ("nnc-officer", 200), ("nct-manager", 403), ("dfe-observer", 403),
     ("wnc-scrutiny", 403), ("admin", 403), ("occ-officer", 404)],
)  # fmt: skip
@pytest.mark.parametrize("name", ["benchmark-add", "benchmark-import", "benchmark-template"])
def test_only_council_officers_open_the_entry_pages(cast, client_for, who, status, name):
    response = client_for(cast[who]).get(reverse(f"performance:{name}", args=["NCT"]))
    assert response.status_code == status


def test_the_list_filters_by_year_and_exports(cast, client_for, nct, visits):
    add(cast, nct, visits)
    add(cast, nct, visits, financial_year=2023, source="Older publication")
    client = client_for(cast["dfe-observer"])
    url = reverse("performance:benchmark-list", args=["NCT"])
    page = client.get(url, {"year": "2023"}).content.decode()
    assert "Older publication" in page and "Test publication" not in page
    response = client.get(url, {"year": "2024", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert (
        "CIN_VISIT_IN_TIME,Children in need visited in time,2024/25,England average,ALL,85.50"
        in (text)
    )
    assert "Older publication" not in text
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')


def test_an_empty_list_says_so(cast, client_for):
    response = client_for(cast["wnc-officer"]).get(
        reverse("performance:benchmark-list", args=["NCT"])
    )
    assert "No benchmarks have been entered yet" in response.content.decode()


def test_the_form_shows_what_to_fix(cast, client_for):
    response = client_for(cast["wnc-officer"]).post(
        reverse("performance:benchmark-add", args=["NCT"]),
        {"indicator": "CIN_VISIT_IN_TIME", "financial_year": "2024", "kind": "england",
         "area": "ALL", "value": "120", "source": "Publication"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "enter a value from 0 to 100" in response.content.decode()
    assert not Benchmark.objects.exists()


def test_a_change_through_the_page_records_its_reason(cast, client_for, nct, visits):
    benchmark = add(cast, nct, visits)
    url = reverse("performance:benchmark-edit", args=["NCT", benchmark.pk])
    data = {"indicator": "CIN_VISIT_IN_TIME", "financial_year": "2024", "kind": "england",
            "area": "ALL", "value": "86.2", "source": "Test publication, table 1"}  # fmt: skip
    client = client_for(cast["nnc-officer"])
    assert "Enter why it changes" in client.post(url, data).content.decode()
    response = client.post(url, {**data, "reason": "Revised figures"})
    assert response.status_code == 302
    latest = benchmark.history.order_by("-history_id").first()
    assert (latest.value, latest.history_change_reason) == (Decimal("86.20"), "Revised figures")


def test_another_arrangements_benchmark_is_not_found(cast, client_for, nct, visits):
    benchmark = add(cast, nct, visits)
    response = client_for(cast["occ-officer"]).get(
        reverse("performance:benchmark-edit", args=["OCT", benchmark.pk])
    )
    assert response.status_code == 404


def test_an_import_page_lists_the_problems_with_their_rows(cast, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("b.csv", csv_of("CIN_VISIT_IN_TIME,2024,england,ALL,101,P,"))
    response = client_for(cast["wnc-officer"]).post(
        reverse("performance:benchmark-import", args=["NCT"]), {"file": upload}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "nothing was saved" in page
    assert "enter a value from 0 to 100" in page
    assert not Benchmark.objects.exists()


def test_an_import_through_the_page_saves_and_goes_back_to_the_list(cast, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("b.csv", csv_of("CIN_VISIT_IN_TIME,2024,england,ALL,85,P,"))
    response = client_for(cast["wnc-officer"]).post(
        reverse("performance:benchmark-import", args=["NCT"]), {"file": upload}
    )
    assert response.status_code == 302
    assert Benchmark.objects.get().value == Decimal("85.00")
