"""The demo's risk register (fixtures/risks.json): its heat map, its overdue reviews, and who
recorded it.
Everything else about the register is tested on factories in test_risks.py."""

import pytest
from django.utils import timezone

from transformation.demo import PROGRAMME_LOADED
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


def test_the_demo_had_two_overdue_reviews_when_its_register_was_recorded(cast):
    # The register was recorded on the programme's day (October 2024), R02 and R03 already
    # past their review dates; nobody has reviewed a risk since, so by the pinned day
    # (7 December 2026) every open one is overdue.
    register = risks.register(nct())
    then = risks.overdue(register, PROGRAMME_LOADED)
    assert sorted(r.reference for r in then) == ["R02", "R03"]
    late = risks.overdue(register, timezone.localdate())
    assert sorted(r.reference for r in late) == [f"R0{n}" for n in range(1, 9)]  # R09 closed


@pytest.mark.django_db
def test_the_demo_risks_were_recorded_by_the_trusts_manager():
    demo = Risk.objects.filter(arrangement__trust__code="NCT")
    assert demo.count() >= 9
    assert {r.history.earliest().history_user for r in demo} == {manager()}
