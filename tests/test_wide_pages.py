"""Wide data pages take the whole width of the screen (GOV.UK's full-width layout: the body has
the class ``tp-wide``, see templates/base.html and static/css/site.css), and their figures read
as people read them: counts with thousands separators, percentages with "%", changes with their
sign and unit (``trust_portal/numbers.py``)."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.tests.factories import agreed_contract_year
from performance.models import Indicator
from performance.tests.factories import IndicatorFactory, MeasurementFactory, MonthlyReturnFactory
from trust_portal.approvals.models import State
from workforce.tests.factories import TeamFactory

WIDE = '<body class="govuk-template__body tp-wide">'
NARROW = '<body class="govuk-template__body">'


@pytest.fixture
def june(world):
    """June 2025's approved performance return, May's approved before it."""
    returns = {}
    for month in (5, 6):
        returns[month] = MonthlyReturnFactory(
            arrangement=world.arrangement,
            period=date(2025, month, 1),
            state=State.APPROVED,
            approved_at=timezone.make_aware(datetime(2025, month + 1, 5, 12)),
        )
    return returns


def _pages(world, june):
    code = world.arrangement.code
    team = TeamFactory(arrangement=world.arrangement)
    return [
        reverse("dashboards:detail", args=[code, "workforce"]),
        reverse("workforce:overview", args=[code]),
        reverse("workforce:team-detail", args=[code, team.pk]),
        reverse("performance:return-detail", args=[code, "2025-06", 1]),
        reverse("performance:return-compare", args=[code, "2025-06"]),
        reverse("contracts:payment-list", args=[code, 2024]),
        reverse("contracts:split-calculator", args=[code, 2024]),
        reverse("performance:benchmark-list", args=[code]),
        reverse("transformation:risk-list", args=[code]),
        reverse("transformation:benefit-list", args=[code]),
    ]


def test_data_pages_use_the_full_width(people, client_for, world, june):
    agreed_contract_year(world, paid=(0, 0))
    client = client_for(people["officer"])
    for url in _pages(world, june):
        response = client.get(url)
        assert response.status_code == 200, url
        assert WIDE in response.content.decode(), url


def test_a_page_of_words_keeps_the_usual_width(people, client_for):
    page = client_for(people["officer"]).get(reverse("accounts:home")).content.decode()
    assert NARROW in page and "tp-wide" not in page


def test_a_returns_figures_read_with_separators_units_and_signed_changes(
    people, client_for, world, june
):
    visits = IndicatorFactory(code="TEST_VISITS", unit=Indicator.Unit.PERCENTAGE)
    cases = IndicatorFactory(code="TEST_CASES", unit=Indicator.Unit.COUNT)
    area = world.councils[0].code
    for month, (seen, due, held) in {5: (841, 1000, 1769), 6: (853, 1000, 1783)}.items():
        MeasurementFactory(
            monthly_return=june[month], indicator=visits, area=area, numerator=seen, denominator=due
        )
        MeasurementFactory(
            monthly_return=june[month], indicator=cases, area=area, numerator=held, denominator=None
        )
    url = reverse("performance:return-detail", args=[world.arrangement.code, "2025-06", 1])
    page = client_for(people["officer"]).get(url).content.decode()
    assert "853 / 1,000" in page
    assert ">85.3%<" in page
    assert ">+1.2 points<" in page
    assert ">1,783<" in page and "1783.0" not in page
    assert ">+14<" in page
