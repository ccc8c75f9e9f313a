"""Factories for teams, workforce returns and each team's figures."""

from datetime import date
from decimal import Decimal

import factory

from trust_portal.accounts.tests.factories import CommissionedArrangementFactory
from workforce.models import Team, TeamFigures, WorkforceReturn


class TeamFactory(factory.django.DjangoModelFactory):
    """A team serving the arrangement's first council (or one made for it)."""

    class Meta:
        model = Team

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    service = Team.Service.SAFEGUARDING
    area = factory.LazyAttribute(lambda t: t.arrangement.councils.order_by("code").first())


class WorkforceReturnFactory(factory.django.DjangoModelFactory):
    """A draft; pass ``state`` for another state."""

    class Meta:
        model = WorkforceReturn

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    period = date(2025, 6, 1)


class TeamFiguresFactory(factory.django.DjangoModelFactory):
    """10 posts = 6 experienced + 1 ASYE + 1 agency (covering a vacant post) + 2 vacant with no
    cover; 40 cases held by 4 workers, 3.5 FTE (7/8 of an FTE a worker holding cases)."""

    class Meta:
        model = TeamFigures

    workforce_return = factory.SubFactory(WorkforceReturnFactory)
    team = factory.SubFactory(
        TeamFactory, arrangement=factory.SelfAttribute("..workforce_return.arrangement")
    )
    establishment_fte = Decimal("10.00")
    experienced_fte = Decimal("6.00")
    asye_fte = Decimal("1.00")
    international_fte = Decimal("0.00")
    agency_fte = Decimal("1.00")
    vacant_fte = Decimal("2.00")
    leavers = 1
    leavers_fte = Decimal("1.00")
    open_cases = 40
    workers_holding_cases = 4
    case_holding_fte = factory.LazyAttribute(
        lambda f: (Decimal(f.workers_holding_cases) * Decimal("0.875")).quantize(Decimal("0.01"))
    )
    workers_over_limit = 1
