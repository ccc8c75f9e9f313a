"""The monthly return's webhook events: approved once every council has approved it, and a
correction's approval told as a correction, each naming the return by its API address."""

from datetime import date

from performance.services import returns
from performance.tests.conftest import full_figures
from performance.tests.conftest import save as save_as
from trust_portal.webhooks.models import Event
from trust_portal.webhooks.tests.conftest import delivered, listening

MONTH = date(2025, 6, 1)
SITE = "http://127.0.0.1:8000"


def submit(people, monthly_return, arrangement):
    save_as(people["manager"], monthly_return, full_figures(arrangement))
    returns.return_submit(by=people["manager"], monthly_return=monthly_return)


def test_a_return_approved_by_every_council_is_told_with_its_api_address(
    people, arrangement, catalogue
):
    hook = listening(arrangement, Event.RETURN_APPROVED, Event.RETURN_CORRECTED)
    made = returns.return_start(by=people["manager"], arrangement=arrangement, month=MONTH)
    submit(people, made, arrangement)
    returns.return_approve(by=people["officer"], monthly_return=made)
    assert delivered(hook) == []  # one council's approval is not the return's
    returns.return_approve(by=people["other-officer"], monthly_return=made)
    code = arrangement.trust.code
    assert delivered(hook) == [("return.approved", code, f"{SITE}/api/v1/returns/{made.pk}/")]


def test_an_approved_correction_is_told_as_a_correction(people, arrangement, catalogue):
    made = returns.return_start(by=people["manager"], arrangement=arrangement, month=MONTH)
    submit(people, made, arrangement)
    returns.return_approve(by=people["officer"], monthly_return=made)
    returns.return_approve(by=people["other-officer"], monthly_return=made)
    made.refresh_from_db()
    hook = listening(arrangement, Event.RETURN_CORRECTED)
    new = returns.return_correct(by=people["manager"], monthly_return=made, reason="Miscounted")
    submit(people, new, arrangement)
    returns.return_approve(by=people["officer"], monthly_return=new)
    returns.return_approve(by=people["other-officer"], monthly_return=new)
    code = arrangement.trust.code
    assert delivered(hook) == [("return.corrected", code, f"{SITE}/api/v1/returns/{new.pk}/")]
