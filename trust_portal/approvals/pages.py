"""What every page of a submission (performance, budget monitoring and workforce returns)
shares: finding it by its address, the actions of its life and who may take them."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect

from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can
from trust_portal.approvals.models import State


def month_or_404(text: str) -> date:
    """ "2019-02" → 1 February 2019; anything else is a page that does not exist."""
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1)
    except ValueError as error:
        raise Http404("No such month.") from error


def submission_or_404(request, model, code, month, revision, *, missing: str):
    """One revision of one month's submission, if the signed-in person may see it."""
    arrangement = arrangement_or_404(request.user, code)
    found = (
        model.objects.visible_to(request.user)
        .filter(arrangement=arrangement, period=month_or_404(month), revision=revision)
        .select_related("arrangement__trust")
        .first()
    )
    if found is None:
        raise Http404(missing)
    return found


def act(request, submission, action, success: str):
    """Run one action of the life; its refusal becomes an error message on the page."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(submission.get_absolute_url())


def life_context(user, submission) -> dict:
    """The review page's history, revisions and what the person may do next."""
    arrangement = submission.arrangement
    own_council = user.organisation_id in {c.pk for c in arrangement.councils.all()}
    decisions = submission.current_decisions()
    decided = {d.council_id for d in decisions}
    editable = not submission.is_locked and can(user, Action.EDIT, Kind.RETURN)
    return {
        "decisions": decisions,
        "events": submission.events.select_related("by").order_by("-at", "-pk"),
        "revisions": type(submission)
        .objects.visible_to(user)
        .filter(arrangement=arrangement, period=submission.period)
        .order_by("revision"),
        "can_edit": editable,
        "can_submit": editable
        and submission.state in (State.DRAFT, State.RETURNED)
        and can(user, Action.SUBMIT, Kind.RETURN),
        "can_decide": submission.state == State.SUBMITTED
        and can(user, Action.APPROVE, Kind.RETURN)
        and own_council
        and user.organisation_id not in decided,
        "can_correct": submission.state == State.APPROVED and can(user, Action.EDIT, Kind.RETURN),
    }
