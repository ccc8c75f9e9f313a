"""The performance overview's scorecard matrix on known figures (the ``months`` world of
test_dashboards.py: May and June 2025 approved, visits in time rated against 60% with a tolerance
of 5 points), and its page: the month selector, the folded rows, the links to the trends, the
downloads kept."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from performance import dashboards
from performance.dashboards import matrix
from performance.models import Indicator
from performance.tests import test_dashboards as known
from performance.tests.factories import IndicatorFactory
from trust_portal.dashboards import figures
from trust_portal.dashboards.models import Snapshot
from trust_portal.dashboards.services import snapshot_recompute

# The known world's fixtures, used here by name.
councils, codes, codes_of, months = known.councils, known.codes, known.codes_of, known.months
block = known.block


def cells_of(grid, code):
    return next(r for g in grid["groups"] for r in g["rows"] if r["code"] == code)["cells"]


def mine(grid, catalogue):
    """The grid's groups cut to the catalogue's own indicators (the test database may hold the
    demo's catalogue too, which this arrangement has no figures for)."""
    ours = {i.code for i in vars(catalogue).values()}
    return [
        (g["label"], [r["code"] for r in g["rows"] if r["code"] in ours])
        for g in grid["groups"]
        if any(r["code"] in ours for r in g["rows"])
    ]


@pytest.fixture
def overview(months):
    return dashboards.build_overview(months)


def test_each_cell_has_its_value_with_its_unit_rag_and_change_judged_by_polarity(
    overview, codes_of
):
    grid = block(overview["blocks"], "matrix")
    assert [a["short"] for a in grid["areas"]][-1] == "All areas"
    visits = cells_of(grid, codes_of["visits"])  # 80%, 45%, 17/30 against 60% (5 points)
    assert [(c["value"], c["rag"], c["change"], c["direction"]) for c in visits] == [
        ("80.0%", "green", "+10.0 points", "better"),
        ("45.0%", "red", "−5.0 points", "worse"),
        ("56.7%", "amber", "0.0 points", "no change"),
    ]
    cases = cells_of(grid, codes_of["cases"])  # counts: thousands separated, change in units
    assert [(c["value"], c["change"], c["direction"]) for c in cases] == [
        ("1,791", "+1", "better"),
        ("2,214", "+4", "better"),
        ("4,005", "+5", "better"),
    ]
    caseload = cells_of(grid, codes_of["caseload"])  # lower is better; no May figure
    assert [(c["value"], c["rag"], c["change"]) for c in caseload] == [
        ("20.0", "grey", None),
        ("15.0", "grey", None),
        ("19.0", "grey", None),
    ]


@pytest.mark.parametrize(
    ("polarity", "change", "expected"),
    [
        (Indicator.Polarity.HIGHER, Fraction(12, 10), "better"),
        (Indicator.Polarity.HIGHER, Fraction(-12, 10), "worse"),
        (Indicator.Polarity.LOWER, Fraction(12, 10), "worse"),
        (Indicator.Polarity.LOWER, Fraction(-12, 10), "better"),
        (Indicator.Polarity.LOWER, Fraction(1, 100), "no change"),  # 0.0 as shown
        (Indicator.Polarity.CONTEXT, Fraction(14), "up"),
    ],
)
def test_the_arrow_knows_which_way_is_better(db, polarity, change, expected):
    indicator = IndicatorFactory.build(polarity=polarity)
    assert matrix.direction(indicator, change) == expected


@pytest.mark.parametrize(
    ("unit", "value", "target", "change", "words"),
    [
        ("percentage", Fraction(853, 10), Decimal("85.00"), Fraction(12, 10), "+1.2 points"),
        ("count", Fraction(1783), Decimal("0.00"), Fraction(14), "+14"),
        ("days", Fraction(25, 2), Decimal("20.00"), Fraction(-1, 2), "−0.5 days"),
        ("ratio", Fraction(182, 10), Decimal("18.00"), Fraction(-3, 10), "−0.3"),
    ],
)
def test_values_targets_and_changes_carry_their_units(db, unit, value, target, change, words):
    indicator = IndicatorFactory.build(unit=unit)
    shown = {"percentage": "85.3%", "count": "1,783", "days": "12.5 days", "ratio": "18.2"}
    targets = {"percentage": "85%", "count": "0", "days": "20 days", "ratio": "18"}
    assert matrix.value_text(indicator, value) == shown[unit]
    assert matrix.target_text(indicator, target) == targets[unit]
    assert matrix.change_text(indicator, change) == words


def test_rows_are_grouped_by_domain_and_those_without_figures_folded(overview, catalogue):
    grid = block(overview["blocks"], "matrix")
    assert mine(grid, catalogue) == [
        ("Child in need", [catalogue.visits.code, catalogue.open_cp.code, catalogue.caseload.code])
    ]
    folded = [r["code"] for r in grid["folded"]]
    assert catalogue.open_lac.code in folded
    assert catalogue.workforce_rate.code in folded  # a workforce rate never entered here
    assert catalogue.visits.code not in folded


def test_the_counts_are_per_domain_and_area_and_in_all_domains(overview):
    grid = block(overview["blocks"], "matrix")
    (group,) = [g for g in grid["groups"] if g["label"] == "Child in need"]
    assert group["counts"] == [
        {"green": 1, "amber": 0, "red": 0},
        {"green": 0, "amber": 0, "red": 1},
        {"green": 0, "amber": 1, "red": 0},
    ]
    assert grid["total"] == group["counts"]  # the only domain with a rated figure


def test_each_red_indicator_is_an_exception_once_with_its_commentary(overview, codes, codes_of):
    first, second = codes
    exceptions = block(overview["blocks"], "exceptions")
    assert exceptions["items"] == [
        {
            "code": codes_of["visits"],
            "name": "Test visits in time",
            "target": "60%",
            "red": [{"area": second, "value": "45.0%"}],
            "commentary": "Two West workers were off sick.",
        }
    ]


def test_every_approved_month_has_its_page_and_the_latest_is_the_default(overview):
    figures.check_snapshot(overview)
    assert overview["month"] == "2025-06"
    assert set(overview["months"]) == {"2025-05", "2025-06"}
    may = overview["months"]["2025-05"]
    assert may["period"] == "May 2025"
    assert [b["id"] for b in may["blocks"]] == [
        "matrix",
        "exceptions",
        "scorecard",
        "approval",
        "rules",
    ]
    assert overview["blocks"] == overview["months"]["2025-06"]["blocks"]
    # The latest month's download keeps the trend columns it always had.
    keys = [c["key"] for c in block(overview["blocks"], "scorecard")["table"]["columns"]]
    assert keys[-2:] == ["trend", "signal"]
    assert block(overview["blocks"], "scorecard")["download_only"] is True
    # The scrutiny pack's figures are their own builder's (performance/dashboards/pack.py).
    assert "pack" not in overview


# --- The page ---------------------------------------------------------------------------------


@pytest.fixture
def page(months, people, client_for):
    snapshot_recompute(arrangement=months, names=["overview"])
    client_for(people["observer"])
    return reverse("dashboards:detail", args=[months.code, "overview"])


def test_the_page_shows_the_latest_month_by_default_with_every_approved_month_to_choose(
    page, client
):
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["month"] == "2025-06"
    assert response.context["months"] == [("2025-06", "June 2025"), ("2025-05", "May 2025")]
    assert '<option value="2025-06" selected>June 2025</option>' in html
    assert "Scorecard, June 2025" in html
    assert "+10.0 points, better" in html
    assert "−5.0 points, worse" in html


def test_a_month_can_be_chosen(page, client):
    response = client.get(page, {"month": "2025-05"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Scorecard, May 2025" in html
    assert "Scorecard, June 2025" not in html
    assert "month=2025-05" in html  # the downloads are the chosen month's


@pytest.mark.parametrize(
    ("month", "status", "words"),
    [
        ("2025-13", 400, "Month must be written as YYYY-MM, for example 2024-04."),
        ("June", 400, "Month must be written as YYYY-MM, for example 2024-04."),
        ("٢٠٢٥-05", 400, "Month must be written as YYYY-MM, for example 2024-04."),
        ("1999-12", 400, f"Enter a month from January 2000 to December {date.today().year + 1}."),
        ("2025-07", 404, "There are no approved figures for July 2025."),
    ],
)
def test_a_wrong_month_is_explained_and_the_latest_shown(page, client, month, status, words):
    response = client.get(page, {"month": month})
    assert response.status_code == status
    html = response.content.decode()
    assert "There is a problem with the month" in html
    assert f"{words} These are the figures for June 2025, the latest month." in html
    assert "Scorecard, June 2025" in html


def test_a_month_is_kept_with_as_of(page, client):
    moment = timezone.now().isoformat()  # after the snapshot was computed, and past
    response = client.get(page, {"month": "2025-05", "as_of": moment})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<input type="hidden" name="as_of" value="{moment}">' in html
    assert "Scorecard, May 2025" in html
    assert response.context["as_of"].text == moment


def test_the_names_link_to_their_trend_pages_and_the_folded_rows_are_counted(
    page, client, months, catalogue
):
    html = client.get(page).content.decode()
    trend = reverse("dashboards:page", args=[months.code, "indicators", catalogue.visits.code])
    assert f'href="{trend}">Test visits in time</a>' in html
    folded = block(dashboards.build_overview(months)["blocks"], "matrix")["folded"]
    assert f"{len(folded)} indicators have no figures for June 2025" in html
    lac = reverse("dashboards:page", args=[months.code, "indicators", catalogue.open_lac.code])
    assert f'href="{lac}">Test children looked after</a>' in html


def test_the_per_area_scorecard_is_a_download_not_a_table_on_the_page(page, client, months):
    html = client.get(page).content.decode()
    assert "tp-dashboard-table" not in html  # no long table laid out
    data = reverse("dashboards:data", args=[months.code, "overview", "scorecard"])
    response = client.get(data, {"format": "csv"})
    assert response.status_code == 200
    header = response.content.decode().splitlines()[0]
    assert header == (
        "\ufeffIndicator,Code,Area,Percentage,Number,numerator,denominator,Target,Tolerance,RAG,"
        "Rating,Small numbers,Change since the previous month (points or units),"
        "Previous month: numerator,Previous month: denominator,Control chart"
    )
    may = client.get(data, {"format": "csv", "month": "2025-05"}).content.decode()
    assert ",2025-05" not in may.splitlines()[0]
    assert "Test visits in time,TEST_VISITS_IN_TIME," in may
    assert client.get(data, {"format": "csv", "month": "2031-01"}).status_code == 404


def test_an_old_snapshot_without_months_still_shows_and_says_why_no_month_can_be_chosen(
    page, client, months
):
    snapshot = Snapshot.objects.get(arrangement=months, name="overview")
    old = {k: v for k, v in snapshot.data.items() if k not in ("months", "month", "month_keys")}
    Snapshot.objects.filter(pk=snapshot.pk).update(data=old)
    assert client.get(page).status_code == 200
    response = client.get(page, {"month": "2025-05"})
    assert response.status_code == 404
    assert "Months cannot be chosen until these figures are next recomputed" in (
        response.content.decode()
    )


def test_the_page_reads_one_month_however_many_months_there_are(
    page, client, months, codes, codes_of
):
    """The page reads the month it shows from the snapshot, not every month's figures: the same
    queries for two approved months or three, and the snapshot's parts read alone."""
    with CaptureQueriesContext(connection) as two:
        assert client.get(page).status_code == 200
    first, second = codes
    visits = codes_of["visits"]
    known.approved(months, date(2025, 7, 1), {(visits, first): (9, 10), (visits, second): (9, 20)})
    snapshot_recompute(arrangement=months, names=["overview"])
    with CaptureQueriesContext(connection) as three:
        assert client.get(page).status_code == 200
    assert len(three.captured_queries) == len(two.captured_queries)
    snapshot = Snapshot.objects.version(months, "overview")
    assert Snapshot.objects.part(snapshot.pk, "month_keys") == ["2025-05", "2025-06", "2025-07"]
    assert Snapshot.objects.part(snapshot.pk, "months", "2025-07")["period"] == "July 2025"
    assert Snapshot.objects.part(snapshot.pk, "months", "2031-01") is None
