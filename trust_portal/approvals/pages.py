"""What every page of a submission (performance, budget monitoring and workforce returns)
shares: finding it by its address, the actions of its life and who may take them."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect

from trust_portal import formpages
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can
from trust_portal.approvals.models import State
from trust_portal.approvals.services import ConcurrentChange
from trust_portal.periods import parse_month, previous_month


def month_or_404(text: str) -> date:
    """ "2019-02" → 1 February 2019; anything else (a month outside the range the portal
    takes among it) is a page that does not exist."""
    try:
        return parse_month(text)
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


def last_month_approved(submission):
    """The month before's approved revision of the same kind of return, or None: the figures
    an entry page shows beside its boxes as last month's."""
    return (
        type(submission)
        .objects.filter(
            arrangement=submission.arrangement,
            period=previous_month(submission.period),
            state=State.APPROVED,
        )
        .first()
    )


def act(request, submission, action, success: str):
    """Run one action of the life; its refusal becomes an error message on the page."""
    return formpages.act(request, action, success, submission.get_absolute_url())


def save_figures(request, submission, *, build, save, saved: str | None = None):
    """The entry page's form and its save: ``(redirect or None, form, stale)``.

    ``build(data)`` makes the form (unbound for the figures as stored), ``save(form)`` calls the
    service with the version the form started from. When someone else saved first, the form
    comes back with their figures and ``stale`` says so; the service's refusals land on the
    form's fields. ``saved`` is the message after a save (by default it says whether anything
    had changed)."""
    form = build(request.POST if request.method == "POST" else None)
    stale, version = None, submission.lock_version
    if form.is_valid():
        try:
            save(form)
        except ConcurrentChange as error:
            submission.refresh_from_db()
            form = build()  # the latest figures, as the other person saved them
            stale = " ".join(error.messages)
        except ValidationError as error:
            form.attach(error)
        else:
            changed = submission.lock_version != version
            messages.success(
                request, saved or ("Figures saved." if changed else "Nothing had changed.")
            )
            return redirect(submission.get_absolute_url()), form, stale
    return None, form, stale


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


def as_of_context(user, submission, moment) -> dict:
    """The review page as of a past moment: whether this revision was approved by then and
    in force, the revision that was, the revisions approved by then, and (for an approved
    one) its decisions and history as they stood. No actions: a past moment is only read.
    A revision not approved by then shows nothing of itself (it was a draft then, which the
    person may not have been able to see)."""
    month = (
        type(submission)
        .objects.visible_to(user)
        .filter(arrangement=submission.arrangement, period=submission.period)
    )
    approved = list(month.approved_by(moment).order_by("revision"))
    in_force = month.in_force_at(moment).first()
    was_approved = any(r.pk == submission.pk for r in approved)
    decisions = events = ()
    if was_approved:
        decisions = submission.decisions.filter(at__lte=moment).filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=moment)
        )
        decisions = decisions.select_related("council", "by")
        events = submission.events.filter(at__lte=moment).select_related("by")
        events = events.order_by("-at", "-pk")
    return {
        "then": {
            "approved": was_approved,
            "begun": submission.created_at <= moment,
            "in_force": in_force,
        },
        "decisions": decisions,
        "events": events,
        "revisions": approved,
        "can_edit": False,
        "can_submit": False,
        "can_decide": False,
        "can_correct": False,
    }
