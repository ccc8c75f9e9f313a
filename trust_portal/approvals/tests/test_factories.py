"""The approvals factories make rows the life's own readers accept: a decision is found among
the submission's standing decisions, and an event in its history, in order."""

import pytest

from trust_portal.accounts.tests.factories import TrustManagerFactory
from trust_portal.approvals.models import AreaDecision, Event
from trust_portal.approvals.tests.factories import AreaDecisionFactory, EventFactory
from workforce.tests.factories import WorkforceReturnFactory

pytestmark = pytest.mark.django_db


def test_a_decision_is_its_first_councils_by_an_officer_of_that_council():
    decision = AreaDecisionFactory()
    submission = decision.submission
    assert decision.council == submission.arrangement.councils.order_by("code").first()
    assert decision.by.organisation == decision.council
    assert list(submission.current_decisions()) == [decision]
    assert decision.decision == AreaDecision.Decision.APPROVED


def test_a_withdrawn_decision_no_longer_stands():
    decision = AreaDecisionFactory(
        decision=AreaDecision.Decision.RETURNED, query="Why did visits fall?"
    )
    AreaDecisionFactory(submission=decision.submission, withdrawn_at=decision.at)
    assert list(decision.submission.current_decisions()) == [decision]


def test_events_are_the_submissions_history_in_order():
    submission = WorkforceReturnFactory()
    manager = TrustManagerFactory(organisation=submission.arrangement.trust)
    started = EventFactory(submission=submission, by=manager)
    submitted = EventFactory(submission=submission, by=manager, action=Event.Action.SUBMITTED)
    EventFactory()  # another return's
    assert list(submission.events.all()) == [started, submitted]
    assert str(submitted).startswith(f"Submitted by {manager}")
