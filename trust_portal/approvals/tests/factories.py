"""Factories for what the approvals life records against any kind of return: a council's
decision on its area (``AreaDecisionFactory``) and an event of the return's history
(``EventFactory``). Each is made against a submission given as ``submission=`` (a workforce
return, a draft of a made-up arrangement, unless given); the decision is its first council's,
by an officer of that council.

The life itself makes these rows through ``trust_portal.approvals.services``; the factories are
for tests of what reads them (histories, pages, exports) that need a decision or an event as
it stands, without walking the life to it."""

import factory

from trust_portal.accounts.tests.factories import CouncilOfficerFactory
from trust_portal.approvals.models import AreaDecision, Event
from workforce.tests.factories import WorkforceReturnFactory


class AreaDecisionFactory(factory.django.DjangoModelFactory):
    """An approval of the submission's first council's area (``decision=`` and ``query=`` for a
    query), standing unless ``withdrawn_at`` is given."""

    class Meta:
        model = AreaDecision

    submission = factory.SubFactory(WorkforceReturnFactory)
    council = factory.LazyAttribute(
        lambda d: d.submission.arrangement.councils.order_by("code").first()
    )
    decision = AreaDecision.Decision.APPROVED
    by = factory.SubFactory(CouncilOfficerFactory, organisation=factory.SelfAttribute("..council"))


class EventFactory(factory.django.DjangoModelFactory):
    """An event of the submission's history: started, by the person given (or no one)."""

    class Meta:
        model = Event

    submission = factory.SubFactory(WorkforceReturnFactory)
    action = Event.Action.CREATED
    by = None
