"""A business case decided by the board is told to webhooks, named by its API address."""

import pytest

from transformation.services import cases as services
from transformation.tests.test_cases import meeting, programme, project, submitted, y2024  # noqa: F401
from trust_portal.webhooks.models import Event
from trust_portal.webhooks.tests.conftest import delivered, listening

SITE = "http://127.0.0.1:8000"


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_decided_business_case_is_told(everyone, arrangement, project, meeting, decision):  # noqa: F811
    hook = listening(arrangement, Event.CASE_DECIDED)
    case = submitted(everyone, project, costs={2024: "10,000.00"})  # within what is left
    assert delivered(hook) == []  # submitting is not deciding
    services.case_decide(
        by=everyone["officer"], case=case, decision=decision, meeting=meeting, note="Not now"
    )
    code = arrangement.trust.code
    url = f"{SITE}/api/v1/business-cases/{code}-{case.reference}/"
    assert delivered(hook) == [("business_case.decided", code, url)]
