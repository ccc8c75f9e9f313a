"""Fixtures of the performance tests built on factories: indicators of the test's own beside
the root ``world`` (a trust, two councils, someone in every role), and helpers that fill and
save a month's return. Nothing here reads the demo's figures."""

from dataclasses import dataclass

import pytest

from performance.models import Indicator
from performance.services import returns
from performance.tests.factories import IndicatorFactory


@dataclass
class Catalogue:
    """The indicators a test names: a percentage, an additive count, a ratio that does not add
    up across areas, a count that does not either, and a rate the workforce return derives."""

    visits: Indicator
    open_cp: Indicator
    open_lac: Indicator
    caseload: Indicator
    workforce_rate: Indicator


@pytest.fixture
def catalogue(db):
    return Catalogue(
        visits=IndicatorFactory(code="TEST_VISITS_IN_TIME", name="Test visits in time"),
        open_cp=IndicatorFactory(
            code="TEST_OPEN_CP", name="Test children on a plan", unit=Indicator.Unit.COUNT
        ),
        open_lac=IndicatorFactory(
            code="TEST_OPEN_LAC", name="Test children looked after", unit=Indicator.Unit.COUNT
        ),
        caseload=IndicatorFactory(
            code="TEST_AVERAGE_CASELOAD",
            name="Test average caseload",
            unit=Indicator.Unit.RATIO,
            polarity=Indicator.Polarity.LOWER,
            additive=False,
        ),
        workforce_rate=IndicatorFactory(
            code="TEST_VACANCY_RATE",
            name="Test vacancy rate",
            domain=Indicator.Domain.WORKFORCE,
            polarity=Indicator.Polarity.LOWER,
            entered_in=Indicator.EnteredIn.WORKFORCE,
        ),
    )


def full_figures(arrangement, overrides=None):
    """Every cell of the arrangement's return, 8/10 (or 8 where there is no denominator)."""
    figures = {}
    for indicator, area in returns.cells_of(arrangement, Indicator.objects.all()):
        figures[(indicator.code, area)] = ("8", "10") if indicator.has_denominator else ("8", None)
    return {**figures, **(overrides or {})}


def save(by, monthly_return, figures=None, commentary=None):
    """Save figures (every cell at 8/10 unless given) as someone who opened the latest version."""
    monthly_return.refresh_from_db()
    return returns.return_save(
        by=by,
        monthly_return=monthly_return,
        expected_version=monthly_return.lock_version,
        figures=figures if figures is not None else full_figures(monthly_return.arrangement),
        commentary=commentary or {},
    )
