"""The performance entry grid: indicators down by domain, each council area's numerator and
denominator across (any number of areas), the figure and its RAG as the server works them out,
last month's approved figure, every box labelled with its part, indicator and area, and errors
naming the indicator and area. Built on factories: the root ``world`` with a third council
added, and the test's own indicators (``catalogue``)."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from performance.models import ALL_AREAS
from performance.services import returns
from performance.tests.factories import MeasurementFactory, MonthlyReturnFactory, TargetFactory
from trust_portal.accounts.tests.factories import CouncilFactory
from trust_portal.approvals.models import State

MONTH = date(2025, 6, 1)
VISITS = "TEST_VISITS_IN_TIME"


@pytest.fixture
def areas(world):
    """[(code, name)] of the arrangement's three council areas, in the grid's order."""
    world.arrangement.councils.add(CouncilFactory(code="FCZ", name="Test Eastern Shire Council"))
    councils = world.arrangement.councils.order_by("code")
    return [(c.code, c.name.removesuffix(" Council")) for c in councils]


@pytest.fixture
def draft(people, arrangement, catalogue, areas):
    return returns.return_start(by=people["manager"], arrangement=arrangement, month=MONTH)


def edit_url(monthly_return):
    args = [monthly_return.arrangement.code, f"{monthly_return.period:%Y-%m}", 1]
    return reverse("performance:return-edit", args=args)


def typed(monthly_return, areas, **cells):
    """The form as posted without JavaScript: every box empty but those given, as
    ``n__CODE__AREA="9"`` keywords."""
    data = {"version": monthly_return.lock_version}
    data.update(cells)
    return data


def test_the_grid_has_a_column_for_each_of_three_areas(people, client_for, draft, areas):
    body = client_for(people["manager"]).get(edit_url(draft)).content.decode()
    for code, name in areas:
        assert f'<th scope="col" class="govuk-table__header">{name}<span' in body
        assert f'name="n__{VISITS}__{code}"' in body and f'name="d__{VISITS}__{code}"' in body
    # the test's indicators: visits, two counts and the ratio in 3 areas, the ratio for all
    # areas too (the workforce rate is the workforce return's)
    boxes = re.findall(r'class="govuk-input tp-grid__input[^>]*name="[nd]__TEST_', body)
    assert len(boxes) == 2 * 3 + 1 * 3 + 1 * 3 + 2 * 4


def test_every_box_is_labelled_with_its_part_indicator_and_area(people, client_for, draft, areas):
    body = client_for(people["manager"]).get(edit_url(draft)).content.decode()
    for code, name in areas:
        for field, words in [
            (f"n__{VISITS}__{code}", f"Numerator, Test visits in time, {name}"),
            (f"d__{VISITS}__{code}", f"Denominator, Test visits in time, {name}"),
            (f"n__TEST_OPEN_CP__{code}", f"Number, Test children on a plan, {name}"),
        ]:
            label = f'<label class="govuk-label govuk-visually-hidden" for="id_{field}">{words}'
            assert label + "</label>" in body
    all_areas = f"id_d__TEST_AVERAGE_CASELOAD__{ALL_AREAS}"
    assert f'for="{all_areas}">Denominator, Test average caseload, All areas</label>' in body
    assert f'for="id_c__{VISITS}">Commentary on Test visits in time' in body


def test_no_code_is_shown_in_a_heading(people, client_for, draft):
    body = client_for(people["manager"]).get(edit_url(draft)).content.decode()
    headings = re.findall(r"<(?:th|caption|h1|h2)[^>]*>(.*?)</(?:th|caption|h1|h2)>", body, re.S)
    words = [re.sub(r"<[^>]+>", "", heading) for heading in headings]  # as shown
    assert words and not [w for w in words if "TEST_" in w]
    assert 'scope="row" class="govuk-table__header tp-grid__name">Test visits in time' in body


def test_an_error_names_its_indicator_and_area_in_the_summary_and_beside_the_box(
    people, client_for, draft, areas
):
    (first, _), (second, second_name), _ = areas
    data = typed(draft, areas, **{f"n__{VISITS}__{second}": "11", f"d__{VISITS}__{second}": "10"})
    data[f"n__TEST_OPEN_CP__{first}"] = "eight"
    body = client_for(people["manager"]).post(edit_url(draft), data).content.decode()
    too_many = (
        f"Test visits in time, {second_name}: the numerator (11) cannot be more than the "
        "denominator (10)."
    )
    assert body.count(too_many) == 2  # in the error summary and beside the box
    first_name = areas[0][1]
    not_whole = f"Test children on a plan, {first_name}: the number must be a whole number"
    assert body.count(not_whole) == 2
    assert f'href="#id_n__{VISITS}__{second}">{too_many}</a>' in body
    cell = body.split(f'id="id_n__{VISITS}__{second}"')[1].split("</td>")[0]
    assert (
        '<span data-result></span> <strong class="govuk-tag govuk-tag--grey" data-rag hidden>'
        in cell
    )  # no figure, no rating
    assert draft.measurements.count() == 0  # nothing saved


def test_the_server_works_out_each_figure_and_its_rating_from_what_was_typed(
    people, client_for, arrangement, catalogue, draft, areas
):
    TargetFactory(
        arrangement=arrangement,
        indicator=catalogue.visits,
        financial_year=2025,
        target=Decimal("80.00"),
        tolerance=Decimal("5.00"),
    )
    (a, _), (b, _), (c, _) = areas
    data = typed(draft, areas)
    for area, (num, den) in {a: ("9", "10"), b: ("7", "10"), c: ("78", "100")}.items():
        data.update({f"n__{VISITS}__{area}": num, f"d__{VISITS}__{area}": den})
    data[f"n__TEST_OPEN_CP__{a}"] = "-1"  # an error, so the page comes back as posted
    body = client_for(people["manager"]).post(edit_url(draft), data).content.decode()
    assert (
        '<span data-result>90.0%</span> <strong class="govuk-tag govuk-tag--green" data-rag>'
        "Green</strong>" in body
    )
    assert '<span data-result>70.0%</span> <strong class="govuk-tag govuk-tag--red"' in body
    assert '<span data-result>78.0%</span> <strong class="govuk-tag govuk-tag--yellow"' in body
    assert "Target 80%, higher is better" in body
    assert '<form method="post" novalidate data-entry-form data-unsaved>' in body


def test_the_page_gives_its_script_the_months_targets_and_small_number_size(
    people, client_for, arrangement, catalogue, draft
):
    TargetFactory(
        arrangement=arrangement, indicator=catalogue.visits, financial_year=2025, target=85
    )
    body = client_for(people["manager"]).get(edit_url(draft)).content.decode()
    found = re.search(r'<script id="entry-rules" type="application/json">(.*?)</script>', body)
    rules = json.loads(found.group(1))
    assert rules["small_number"] == 10
    assert rules["indicators"][VISITS] == {
        "unit": "percentage",
        "polarity": "higher",
        "target": "85.00",
        "tolerance": "5.00",
    }
    assert rules["indicators"]["TEST_OPEN_CP"]["target"] is None


def test_last_months_approved_figure_is_shown_beside_the_boxes(
    people, client_for, arrangement, catalogue, draft, areas
):
    (a, _), (b, _), _ = areas
    may = MonthlyReturnFactory(arrangement=arrangement, period=date(2025, 5, 1))
    may.state = State.APPROVED
    may.save()
    MeasurementFactory(
        monthly_return=may, indicator=catalogue.visits, area=a, numerator=17, denominator=20
    )
    MeasurementFactory(
        monthly_return=may, indicator=catalogue.open_cp, area=b, numerator=12, denominator=None
    )
    body = client_for(people["manager"]).get(edit_url(draft)).content.decode()
    assert body.count("Last month: ") == 2
    assert '<p class="tp-grid__last">Last month: 85.0%</p>' in body
    assert '<p class="tp-grid__last">Last month: 12</p>' in body


def test_last_month_not_yet_approved_is_not_shown(
    people, client_for, arrangement, catalogue, draft, areas
):
    may = MonthlyReturnFactory(arrangement=arrangement, period=date(2025, 5, 1))
    MeasurementFactory(monthly_return=may, indicator=catalogue.visits, area=areas[0][0])
    body = client_for(people["manager"]).get(edit_url(draft)).content.decode()
    assert "Last month: " not in body


def test_a_plain_post_saves_and_the_review_rates_it(people, client_for, draft, areas):
    a = areas[0][0]
    data = typed(draft, areas, **{f"n__{VISITS}__{a}": "9", f"d__{VISITS}__{a}": "10"})
    response = client_for(people["manager"]).post(edit_url(draft), data)
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    saved = draft.measurements.get(indicator__code=VISITS, area=a)
    assert (saved.numerator, saved.denominator) == (9, 10)


def test_the_entry_page_has_a_save_bar_and_its_script(people, client_for, draft):
    body = client_for(people["manager"]).get(edit_url(draft)).content.decode()
    assert '<div class="tp-save-bar">' in body and ">Save as draft</button>" in body
    assert "js/entry-grid.mjs" in body
    assert '<form method="post" novalidate data-entry-form>' in body  # nothing unsaved yet
