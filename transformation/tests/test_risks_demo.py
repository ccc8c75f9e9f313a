"""The demo's risk register (fixtures/risks.json): its heat map, its overdue reviews, and who
recorded it.
Everything else about the register is tested on factories in test_risks.py."""

import pytest
from django.utils import timezone

from transformation.models import Risk
from transformation.services import risks
from transformation.tests.risk_cases import manager, nct


def grid(cells) -> dict[tuple[int, int], int]:
    return {(c.likelihood, c.impact): c.count for row in cells for c in row}


def test_the_demo_heat_map_of_open_risks_counts_every_open_risk_once(cast):
    register = risks.register(nct())
    open_risks = register.filter(status=Risk.Status.OPEN)
    counts = grid(risks.heat_map(open_risks))
    assert sum(counts.values()) == open_risks.count() == register.count() - 1  # R09 closed
    assert counts[(4, 5)] >= 1  # R02, placement sufficiency: very high


def test_the_demo_has_two_overdue_reviews(cast):
    late = risks.overdue(risks.register(nct()), timezone.localdate())
    assert sorted(r.reference for r in late) == ["R02", "R03"]


@pytest.mark.django_db
def test_the_demo_risks_were_recorded_by_the_trusts_manager():
    demo = Risk.objects.filter(arrangement__trust__code="NCT")
    assert demo.count() >= 9
    assert {r.history.earliest().history_user for r in demo} == {manager()}
