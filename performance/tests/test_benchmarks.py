"""Benchmarks: entered one at a time or imported from CSV, validated, kept with their history,
and who may read and enter them. Built on factories: the root ``world`` and indicators of the
test's own (``catalogue``), not the demo (whose arrangement holds the joint area's benchmarks:
each test counts its own arrangement's)."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from performance.models import Benchmark
from performance.services import benchmarks
from performance.tests.factories import IndicatorFactory
from trust_portal.accounts.models import Arrangement

GOOD = "indicator,financial_year,kind,area,value,source,note\r\n"


@pytest.fixture
def visits(catalogue):
    return catalogue.visits


@pytest.fixture
def codes(world):
    """The world's councils' codes, first and second, and "other": another trust's council."""
    first, second = world.councils
    return {"first": first.code, "second": second.code, "other": world.outsider.organisation.code}


@pytest.fixture
def elsewhere(world):
    """The outsider's arrangement."""
    return Arrangement.objects.get(councils=world.outsider.organisation)


def add(people, arrangement, indicator, who="officer", **fields):
    values = {
        "financial_year": 2024,
        "kind": "england",
        "area": "ALL",
        "value": Decimal("85.5"),
        "source": "Test publication, table 1",
        **fields,
    }
    return benchmarks.benchmark_save(
        by=people[who], arrangement=arrangement, indicator=indicator, **values
    )


def test_a_council_officer_adds_a_benchmark_and_the_dashboards_are_recomputed(
    people, arrangement, visits
):
    with mock.patch("performance.services.benchmarks.snapshot_queue_recompute") as queue:
        benchmark = add(people, arrangement, visits)
    queue.assert_called_once_with(arrangement=arrangement)
    assert (benchmark.value, benchmark.area, benchmark.entered_by) == (
        Decimal("85.5"),
        "ALL",
        people["officer"],
    )
    assert benchmark.history.get().history_change_reason == "Entered"


@pytest.mark.parametrize("who", ["manager", "observer", "scrutiny", "admin"])
def test_only_council_officers_enter_benchmarks(people, arrangement, visits, who):
    with pytest.raises(PermissionDenied):
        add(people, arrangement, visits, who=who)


def test_a_council_officer_of_another_arrangement_cannot_enter_one(people, arrangement, visits):
    with pytest.raises(PermissionDenied):
        add(people, arrangement, visits, who="outsider")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"value": Decimal("100.5")}, "value", "is a percentage: enter a value from 0 to 100"),
        ({"value": Decimal("-1")}, "value", "cannot be negative"),
        ({"area": "other"}, "area", "Use one of ALL, {areas}"),
        ({"kind": "wales"}, "kind", "Choose england, statistical_neighbours or joint_area"),
        ({"financial_year": 1999}, "financial_year", "from 2000 to 2100"),
        ({"source": "  "}, "source", "Say which publication and table"),
    ],
)
def test_a_benchmark_with_a_problem_is_refused_saying_what_to_fix(
    people, arrangement, codes, visits, fields, field, message
):
    if fields.get("area") == "other":  # a council of another trust
        fields = {"area": codes["other"]}
    areas = ", ".join(sorted([codes["first"], codes["second"]]))
    with pytest.raises(ValidationError) as refused:
        add(people, arrangement, visits, **fields)
    assert message.format(areas=areas) in " ".join(refused.value.message_dict[field])
    assert not Benchmark.objects.filter(arrangement=arrangement).exists()


def test_a_count_indicator_may_have_a_benchmark_above_100(people, arrangement, catalogue):
    benchmark = add(people, arrangement, catalogue.open_cp, value=Decimal("2214"))
    assert benchmark.value == Decimal("2214")


def test_a_second_benchmark_for_the_same_year_kind_and_area_is_refused(
    people, arrangement, codes, visits
):
    add(people, arrangement, visits)
    with pytest.raises(ValidationError, match="already has a england average for ALL in 2024/25"):
        add(people, arrangement, visits, value=Decimal("80"))
    add(people, arrangement, visits, area=codes["second"])  # another area is another benchmark
    add(people, arrangement, visits, kind="statistical_neighbours")


def test_a_change_needs_a_reason_kept_in_the_history(people, arrangement, visits):
    benchmark = add(people, arrangement, visits)
    with pytest.raises(ValidationError, match="Say why the benchmark changes"):
        add(people, arrangement, visits, benchmark=benchmark, value=Decimal("86"))
    add(
        people,
        arrangement,
        visits,
        benchmark=benchmark,
        value=Decimal("86"),
        reason="The publication was revised",
    )
    benchmark.refresh_from_db()
    assert benchmark.value == Decimal("86.00")
    latest = benchmark.history.order_by("-history_id").first()
    assert latest.history_change_reason == "The publication was revised"
    assert benchmark.history.count() == 2


# --- Import ----------------------------------------------------------------------------------


def csv_of(*rows: str) -> bytes:
    return (GOOD + "\r\n".join(rows) + "\r\n").encode()


def test_an_import_adds_every_row_and_the_dashboards_are_recomputed(people, arrangement, catalogue):
    raw = csv_of(
        f"{catalogue.visits.code},2024,england,ALL,85.5,Publication A table 1,",
        f"{catalogue.workforce_rate.code},2024,statistical_neighbours,ALL,17,Publication B table 2,"
        '"Covers both councils\' areas together"',
    )
    with mock.patch("performance.services.benchmarks.snapshot_queue_recompute") as queue:
        assert benchmarks.benchmark_import(
            by=people["other-officer"], arrangement=arrangement, raw=raw
        ) == (2, 0)
    queue.assert_called_once_with(arrangement=arrangement)
    vacancy = Benchmark.objects.get(arrangement=arrangement, indicator=catalogue.workforce_rate)
    assert (vacancy.value, vacancy.note) == (
        Decimal("17.00"),
        "Covers both councils' areas together",
    )


def test_reimporting_a_row_updates_it(people, arrangement, visits):
    row = f"{visits.code},2024,england,ALL,{{}},Publication A table 1,"

    def again(value):
        return benchmarks.benchmark_import(
            by=people["other-officer"], arrangement=arrangement, raw=csv_of(row.format(value))
        )

    assert again("85.5") == (1, 0)
    assert again("85.5") == (0, 0)
    assert again("86.1") == (0, 1)
    benchmark = Benchmark.objects.get(arrangement=arrangement)
    assert benchmark.value == Decimal("86.10")
    assert benchmark.history.order_by("-history_id").first().history_change_reason == (
        "Imported from a CSV file"
    )


def test_an_import_lists_every_problem_by_spreadsheet_row_and_saves_nothing(
    people, arrangement, visits
):
    code = visits.code
    raw = csv_of(
        f"{code},2024,england,ALL,85.5,Publication A table 1,",  # row 2: fine
        ",,,,,,",  # row 3: blank, skipped but counted
        "NOT_AN_INDICATOR,2024,england,ALL,85.5,Publication A,",  # row 4
        f"{code},twenty,england,XX,lots,,",  # row 5: four problems
        f"{code},2024,england,ALL,101,Publication A,",  # row 6
        f"{code},2024,england,all,85.5,Publication A,",  # row 7: same as row 2
    )
    with pytest.raises(benchmarks.ImportRefused) as refused:
        benchmarks.benchmark_import(by=people["other-officer"], arrangement=arrangement, raw=raw)
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
    assert not Benchmark.objects.filter(arrangement=arrangement).exists()


def test_an_import_without_the_columns_says_which_are_missing(people, arrangement):
    with pytest.raises(benchmarks.ImportRefused, match="missing: kind, source"):
        benchmarks.benchmark_import(
            by=people["other-officer"],
            arrangement=arrangement,
            raw=b"indicator,financial_year,area,value\r\n",
        )


def test_the_template_is_a_file_the_import_accepts(people, arrangement):
    for code in ("CIN_VISIT_IN_TIME", "WORKFORCE_VACANCY_RATE"):  # the catalogue's, as named
        IndicatorFactory(code=code)  # (the one already in the catalogue, if it is there)
    raw = benchmarks.template_csv().encode()
    assert raw.startswith(b"indicator,financial_year,kind,area,value,source,note")
    assert benchmarks.benchmark_import(
        by=people["other-officer"], arrangement=arrangement, raw=raw
    ) == (2, 0)


def test_an_excel_csv_with_a_byte_order_mark_is_read(people, arrangement, visits):
    raw = "\ufeff".encode() + csv_of(f"{visits.code},2024,england,ALL,85.5,Publication A,")
    assert benchmarks.benchmark_import(
        by=people["other-officer"], arrangement=arrangement, raw=raw
    ) == (1, 0)


# --- Pages -----------------------------------------------------------------------------------

READERS = ["officer", "other-officer", "manager", "observer", "scrutiny", "admin"]


@pytest.mark.parametrize(
    ("who", "status"),
    [*((who, 200) for who in READERS), ("outsider", 404), ("unattached", 404)],
)
def test_everyone_in_the_arrangement_reads_the_list(
    people, client_for, arrangement, visits, who, status
):
    add(people, arrangement, visits)
    url = reverse("performance:benchmark-list", args=[arrangement.code])
    response = client_for(people[who]).get(url)
    assert response.status_code == status
    if status == 200:
        assert b"Test publication, table 1" in response.content


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 200),
        ("other-officer", 200),
        ("manager", 403),
        ("observer", 403),
        ("scrutiny", 403),
        ("admin", 403),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("name", ["benchmark-add", "benchmark-import", "benchmark-template"])
def test_only_council_officers_open_the_entry_pages(
    people, client_for, arrangement, who, status, name
):
    response = client_for(people[who]).get(reverse(f"performance:{name}", args=[arrangement.code]))
    assert response.status_code == status


def test_the_list_filters_by_year_and_exports(people, client_for, arrangement, visits):
    add(people, arrangement, visits)
    add(people, arrangement, visits, financial_year=2023, source="Older publication")
    client = client_for(people["observer"])
    url = reverse("performance:benchmark-list", args=[arrangement.code])
    page = client.get(url, {"year": "2023"}).content.decode()
    assert "Older publication" in page and "Test publication" not in page
    response = client.get(url, {"year": "2024", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert f"{visits.code},{visits.name},2024/25,England average,ALL,85.50" in text
    assert "Older publication" not in text
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')


def test_an_empty_list_says_so(people, client_for, arrangement):
    response = client_for(people["officer"]).get(
        reverse("performance:benchmark-list", args=[arrangement.code])
    )
    assert "No benchmarks have been entered yet" in response.content.decode()


def test_the_form_shows_what_to_fix(people, client_for, arrangement, visits):
    response = client_for(people["officer"]).post(
        reverse("performance:benchmark-add", args=[arrangement.code]),
        {
            "indicator": visits.code,
            "financial_year": "2024",
            "kind": "england",
            "area": "ALL",
            "value": "120",
            "source": "Publication",
        },
    )
    assert response.status_code == 200
    assert "enter a value from 0 to 100" in response.content.decode()
    assert not Benchmark.objects.filter(arrangement=arrangement).exists()


def test_a_change_through_the_page_records_its_reason(people, client_for, arrangement, visits):
    benchmark = add(people, arrangement, visits)
    url = reverse("performance:benchmark-edit", args=[arrangement.code, benchmark.pk])
    data = {
        "indicator": visits.code,
        "financial_year": "2024",
        "kind": "england",
        "area": "ALL",
        "value": "86.2",
        "source": "Test publication, table 1",
    }
    client = client_for(people["other-officer"])
    assert "Enter why it changes" in client.post(url, data).content.decode()
    response = client.post(url, {**data, "reason": "Revised figures"})
    assert response.status_code == 302
    latest = benchmark.history.order_by("-history_id").first()
    assert (latest.value, latest.history_change_reason) == (Decimal("86.20"), "Revised figures")


def test_another_arrangements_benchmark_is_not_found(
    people, client_for, arrangement, elsewhere, visits
):
    benchmark = add(people, arrangement, visits)
    response = client_for(people["outsider"]).get(
        reverse("performance:benchmark-edit", args=[elsewhere.code, benchmark.pk])
    )
    assert response.status_code == 404


def test_an_import_page_lists_the_problems_with_their_rows(people, client_for, arrangement, visits):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("b.csv", csv_of(f"{visits.code},2024,england,ALL,101,P,"))
    response = client_for(people["officer"]).post(
        reverse("performance:benchmark-import", args=[arrangement.code]), {"file": upload}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "nothing was saved" in page
    assert "enter a value from 0 to 100" in page
    assert not Benchmark.objects.filter(arrangement=arrangement).exists()


def test_an_import_through_the_page_saves_and_goes_back_to_the_list(
    people, client_for, arrangement, visits
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("b.csv", csv_of(f"{visits.code},2024,england,ALL,85,P,"))
    response = client_for(people["officer"]).post(
        reverse("performance:benchmark-import", args=[arrangement.code]), {"file": upload}
    )
    assert response.status_code == 302
    assert Benchmark.objects.get(arrangement=arrangement).value == Decimal("85.00")


# --- The joint area's published figure: for the councils together, never one council ---------


def test_a_joint_areas_figure_is_for_the_whole_arrangement(people, arrangement, visits):
    benchmark = add(people, arrangement, visits, kind="joint_area", value=Decimal("31.7"))
    assert (benchmark.kind, benchmark.area, benchmark.get_kind_display()) == (
        "joint_area",
        "ALL",
        "Joint area's published figure (the councils together)",
    )


def test_a_joint_areas_figure_for_one_council_is_refused(people, arrangement, codes, visits):
    with pytest.raises(ValidationError) as refused:
        add(people, arrangement, visits, kind="joint_area", area=codes["first"])
    assert refused.value.message_dict == {
        "area": ["A joint area's figure is for the councils together: use ALL, not one council."]
    }
    assert not Benchmark.objects.filter(arrangement=arrangement).exists()


def test_an_arrangement_of_one_council_has_no_joint_area(db, visits):
    from trust_portal.accounts.tests.factories import CommissionedArrangementFactory

    alone = CommissionedArrangementFactory()
    errors = benchmarks.benchmark_check(
        arrangement=alone,
        indicator=visits,
        financial_year=2024,
        kind="joint_area",
        area="ALL",
        value=Decimal("31.7"),
        source="Test publication",
    )
    assert errors == {
        "kind": "A joint area's figure covers more than one council: this arrangement has one. "
        "Choose england or statistical_neighbours."
    }


def test_the_database_refuses_a_joint_areas_figure_for_one_council(arrangement, codes, visits):
    from django.db import IntegrityError, transaction

    from performance.tests.factories import BenchmarkFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        BenchmarkFactory(
            arrangement=arrangement, indicator=visits, kind="joint_area", area=codes["first"]
        )


def test_an_import_takes_joint_area_rows(people, arrangement, codes, visits):
    whole = f"{visits.code},2024,joint_area,ALL,31.7,Publication A,For the councils together"
    one = f"{visits.code},2023,joint_area,{codes['second']},30,Publication A,"
    by = people["other-officer"]
    with pytest.raises(benchmarks.ImportRefused) as refused:
        benchmarks.benchmark_import(by=by, arrangement=arrangement, raw=csv_of(whole, one))
    assert [str(e) for e in refused.value.errors] == [
        f"Row 3, area (“{codes['second']}”): A joint area's figure is for the councils "
        "together: use ALL, not one council."
    ]
    assert benchmarks.benchmark_import(by=by, arrangement=arrangement, raw=csv_of(whole)) == (1, 0)


def test_the_trend_page_names_the_joint_areas_figure():
    from performance.dashboards.indicators import benchmark_name

    assert benchmark_name("joint_area", "ALL") == (
        "Joint area's published figure, the councils together"
    )


def test_the_demos_joint_area_rates_are_the_published_parts_rates():
    """fixtures/workforce_benchmarks.json: each published rate is its parts' rate, to one
    decimal place (vacancy and agency: part ÷ (part + FTE social workers); turnover: leavers ÷
    FTE social workers)."""
    import json
    from fractions import Fraction

    from django.conf import settings

    from trust_portal.numbers import rounded

    rows = json.loads((settings.BASE_DIR / "fixtures" / "workforce_benchmarks.json").read_text())
    for row in rows["benchmarks"]:
        part, in_post = (Fraction(Decimal(x)) for x in row["parts"])
        base = in_post if row["indicator"] == "WORKFORCE_TURNOVER_RATE" else part + in_post
        assert rounded(100 * part / base, 1) == Decimal(row["value"]), row
