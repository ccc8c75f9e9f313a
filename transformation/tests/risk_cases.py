"""Risks the risk register's tests make for themselves, inside each test's transaction."""

from datetime import timedelta

from django.utils import timezone

from transformation.models import Risk
from transformation.services import risks
from trust_portal.accounts.models import Arrangement, User


def nct() -> Arrangement:
    return Arrangement.objects.get(trust__code="NCT")


def manager() -> User:
    return User.objects.get(username="nct-manager")


def fields(**overrides) -> dict:
    """What a trust manager types to add a risk; ``overrides`` change any of it."""
    return {
        "reason": "Raised at the board",
        "reference": "T1",
        "title": "Court delays",
        "description": "Care proceedings take longer, so children wait for permanence.",
        "project": None,
        "likelihood": 3,
        "impact": 3,
        "owner": "Head of Legal, NCT",
        "mitigation": "Early case planning with the councils' legal teams.",
        "review_date": timezone.localdate() + timedelta(days=30),
        **overrides,
    }


def make_risk(*, by=None, arrangement=None, **overrides) -> Risk:
    """A risk added by ``by`` (the NCT manager unless named) to NCT's register unless named."""
    return risks.risk_save(
        by=by or manager(), arrangement=arrangement or nct(), **fields(**overrides)
    )
