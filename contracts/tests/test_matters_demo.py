"""The demo's reserved matters: its register (synthetic, and saying so), its decided, awaiting
and refused decisions, and loading it again. Everything else about reserved matters is tested on
factories in test_matters.py."""

import pytest
from django.utils import timezone

from contracts.models import Consent, ReservedDecision, ReservedMatter
from contracts.services import matters
from trust_portal.accounts.models import Arrangement


def outcome_of(decision) -> str:
    """The outcome both ways: the model's rule and the list's annotation must agree."""
    annotated = matters.with_outcome(ReservedDecision.objects.filter(pk=decision.pk)).get()
    assert annotated.current_outcome == decision.outcome()
    return decision.outcome()


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


def test_the_demo_register_is_synthetic_and_says_so(nct):
    import json

    from contracts.demo import MATTERS_FIXTURE

    data = json.loads(MATTERS_FIXTURE.read_text())
    assert data["synthetic"] is True and "synthetic" in data["source"]["synthetic"].lower()
    assert list(nct.reserved_matters.values_list("reference", flat=True)) == [
        "RM1",
        "RM2",
        "RM3",
        "RM4",
        "RM5",
        "RM6",
    ]


def test_the_demo_has_a_decided_an_awaiting_and_a_refused_decision(nct):
    decisions = {
        d.matter.reference: d
        for d in ReservedDecision.objects.filter(matter__arrangement=nct).select_related("matter")
    }
    assert {ref: outcome_of(d) for ref, d in decisions.items()} == {
        "RM1": "decided",
        "RM4": "awaiting",
        "RM5": "refused",
    }
    assert [c.council.code for c in decisions["RM4"].consents.all()] == ["WNC"]
    # Each answer was recorded by its own council's officer.
    for consent in Consent.objects.filter(decision__matter__arrangement=nct):
        assert consent.recorded_by.organisation_id == consent.council_id


def test_loading_the_demo_again_adds_nothing(nct, cast):
    from contracts.demo import load_reserved_matters

    officers = {"WNC": cast["wnc-officer"], "NNC": cast["nnc-officer"]}
    before = (
        ReservedMatter.objects.count(),
        ReservedDecision.objects.count(),
        Consent.objects.count(),
        Consent.history.count(),
    )
    assert "0 answers recorded" in load_reserved_matters(nct, officers, timezone.localdate())
    assert (
        ReservedMatter.objects.count(),
        ReservedDecision.objects.count(),
        Consent.objects.count(),
        Consent.history.count(),
    ) == before
