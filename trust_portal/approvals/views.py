"""The pages of every kind of return: list (and start a month), review, entry, submit, approve,
send back with a query, correct. Each app's urls.py maps its routes here with its kind:

    path(_one + "submit/", approvals.submission_submit, {"kind": KIND}, name="return-submit")

Who may do what is the "monthly return" row of docs/permissions.md; a view checks it, calls
the kind's service and renders the kind's template. The history, revisions and what the person
may do next come from ``approvals.pages.life_context``.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from trust_portal.accounts.permissions import (
    Action,
    Kind,
    arrangement_or_404,
    can,
    require,
    role_allows,
)
from trust_portal.approvals import checks, queries
from trust_portal.approvals.forms import AnswerForm, with_rows
from trust_portal.approvals.models import State
from trust_portal.approvals.pages import act, as_of_context, life_context, save_figures
from trust_portal.approvals.services import query_answer, query_close
from trust_portal.asof import honours_as_of
from trust_portal.formpages import act as act_at
from trust_portal.formpages import form_page
from trust_portal.govuk_forms import add_service_errors
from trust_portal.listing import EXPORTS
from trust_portal.periods import complete_months

# A month counts as in once a revision of it has been submitted (performance/deadlines.py).
SENT_IN = (State.SUBMITTED, State.RETURNED, State.APPROVED, State.SUPERSEDED)

SUBMITTED = "Submitted. The councils' officers have been told by email."
APPROVED = "Your council's area is approved."
RETURNED = "Returned to the trust with your query."
ANSWERED = "Answer sent. The council's officers have been told by email."
CLOSED = "Query closed."
CORRECTING = "Correction started. The approved figures stay in use until the councils approve it."


def _page(request, kind, page: str, submission, **context):
    context = {
        kind.object_name: submission,
        "submission": submission,
        "arrangement": submission.arrangement,
        **context,
    }
    return render(request, kind.template(page), context)


def _started(request, kind, code, arrangement, form):
    """The start form's month started (its entry page next, at the address as typed), or
    None with the service's refusal on the form."""
    try:
        started = kind.start(
            by=request.user, arrangement=arrangement, month=form.cleaned_data["month"]
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return redirect(kind.url_name("edit"), code, f"{started.period:%Y-%m}", 1)


def _begun_by(user, rows, moment):
    """The rows of months the person could have known were begun by the moment: started by
    then for a role that sees drafts, submitted by then for one that sees them once submitted
    (the latest submission: one resubmitted since counts from then), none for one that sees
    only approved returns (a month approved since says nothing of when it was begun)."""
    if role_allows(user.role, Kind.RETURN, Action.VIEW_DRAFT, submitted=False):
        return rows.filter(created_at__lte=moment)
    if role_allows(user.role, Kind.RETURN, Action.VIEW_DRAFT, submitted=True):
        return rows.filter(submitted_at__lte=moment)
    return rows.none()


@dataclass(frozen=True)
class Month:
    """One of the last year's months on the list, started or not."""

    month: date
    latest: object  # the latest revision the person may see, or None
    due: date | None  # by the kind's due rule; None for a kind without one
    overdue: bool  # past its due date, and not submitted even once


def _today():
    return timezone.localdate()  # its own function, for tests to pin the day


def _last_year(user, kind, arrangement, rows) -> list[Month]:
    """Each of the last 12 complete months, newest first, with the latest revision the person
    may see. Overdue (past its due date with no revision submitted) is said only to those who
    see returns once submitted, as the home page's overdue warning is: to someone who sees
    approved returns only, a month not yet approved may well be in."""
    today = _today()
    months = complete_months(today, 12)
    seen = defaultdict(list)
    for row in rows.filter(period__in=months).order_by("period", "revision"):
        seen[row.period].append(row)
    due = kind.due_dates(arrangement, months) if kind.due_dates else {}
    tells_overdue = role_allows(user.role, Kind.RETURN, Action.VIEW_DRAFT, submitted=True)
    found = []
    for month in months:
        sent_in = any(r.state in SENT_IN for r in seen[month])
        late = tells_overdue and month in due and today > due[month] and not sent_in
        latest = seen[month][-1] if seen[month] else None
        found.append(Month(month, latest, due.get(month), late))
    return found


def not_started_words(user) -> str:
    """What a month with no revision the person may see is, in their role's knowledge."""
    if role_allows(user.role, Kind.RETURN, Action.VIEW_DRAFT, submitted=False):
        return "Not started"
    if role_allows(user.role, Kind.RETURN, Action.VIEW_DRAFT, submitted=True):
        return "Not submitted"
    return "Not approved"


@login_required
@honours_as_of
def submission_list(request, code, *, kind):
    """The months' returns; as of a past moment (``?as_of=``), each month's revision approved
    and in force then, and the months the person can see now that were begun by then but had
    none approved."""
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.RETURN)
    rows = kind.model.objects.visible_to(request.user).filter(arrangement=arrangement)
    rows = rows.select_related("created_by", "arrangement__trust")
    as_of, none_then = request.as_of, []
    if as_of:
        months = set(_begun_by(request.user, rows, as_of.moment).values_list("period", flat=True))
        rows = rows.in_force_at(as_of.moment)
        none_then = sorted(months - set(rows.values_list("period", flat=True)), reverse=True)
    extra = kind.listing(request, arrangement, rows)
    if isinstance(extra, HttpResponse):
        return extra  # a download of the list
    can_start = not as_of and can(request.user, Action.EDIT, Kind.RETURN, arrangement)
    form = kind.start_form(request.POST if request.method == "POST" and not as_of else None)
    if request.method == "POST" and not can_start:
        require(request.user, Action.EDIT, Kind.RETURN, arrangement)
    started = _started(request, kind, code, arrangement, form) if form.is_valid() else None
    if started:
        return started
    page = Paginator(rows, 24).get_page(request.GET.get("page"))
    context = {
        "arrangement": arrangement,
        "page": page,
        "form": form,
        "can_start": can_start,
        "none_then": none_then,
        "query": as_of.query if as_of else "",
        "last_year": None if as_of else _last_year(request.user, kind, arrangement, rows),
        "shows_due": kind.due_dates is not None,
        "not_started": not_started_words(request.user),
    }
    return render(request, kind.template("list"), {**context, **extra})


@login_required
@honours_as_of
def submission_detail(request, code, month, revision, *, kind):
    """One revision's review; as of a past moment, whether it was approved and in force then,
    its figures only if it was approved by then, and no actions."""
    submission = kind.one_or_404(request, code, month, revision)
    if request.as_of:
        life = as_of_context(request.user, submission, request.as_of.moment)
    else:
        life = life_context(request.user, submission)
    if request.as_of and not life["then"]["approved"]:
        if request.GET.get("format") in EXPORTS:
            raise Http404("This return had not been approved at that moment.")
        figures = {}  # not approved then: nothing of it as it stood (it was a draft)
    else:
        figures = kind.review(request, submission, editable=life["can_edit"])
    if isinstance(figures, HttpResponse):
        return figures  # a download of one of its tables
    urls = kind.urls(submission)
    threads = [] if request.as_of else queries.with_changes(kind, submission)
    return _page(request, kind, "detail", submission, urls=urls, queries=threads, **life, **figures)


@login_required
@require_http_methods(["GET", "POST"])
def submission_edit(request, code, month, revision, *, kind):
    submission = kind.one_or_404(request, code, month, revision)
    require(request.user, Action.EDIT, Kind.RETURN)
    if submission.is_locked:
        messages.error(request, kind.wording.locked)
        return redirect(submission.get_absolute_url())
    done, form, stale = save_figures(
        request,
        submission,
        build=lambda data=None: kind.figures_form(submission, data),
        saved=kind.wording.saved,
        save=lambda form: kind.run(
            "save",
            submission,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            **kind.figures_saved(form),
        ),
    )
    if done:
        return done
    return _page(
        request,
        kind,
        "edit",
        submission,
        form=form,
        stale=stale,
        open_queries=queries.open_threads(submission),
        **kind.entry(submission),
    )


def _refused(request, submission, error: ValidationError):
    """A step the return is past (submitted already, say): said on its page."""
    for message in error.messages:
        messages.error(request, message)
    return redirect(submission.get_absolute_url())


def _check_page(request, kind, submission, refused=()):
    """The check page: what stops submission in one error summary (each problem linking to
    its box on the entry page), or else what will be sent and the button that sends it.
    ``refused``: the service's own words when it refused what the page found nothing in."""
    problems = kind.checks(submission)
    missing, flagged = checks.split(problems)
    return _page(
        request,
        kind,
        "check",
        submission,
        urls=kind.urls(submission),
        problems=problems,
        missing=missing,
        flagged=flagged,
        refused=[] if problems else list(refused),
        summary=kind.summary(submission, None),
        areas=submission.arrangement.councils.order_by("code"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_submit(request, code, month, revision, *, kind):
    """Check your return (GET), then submit it (POST). The POST asks the kind's submit
    service, which checks again: a check page left open while the figures changed cannot
    send an incomplete return."""
    submission = kind.one_or_404(request, code, month, revision)
    require(request.user, Action.SUBMIT, Kind.RETURN)
    if submission.state not in (State.DRAFT, State.RETURNED):
        refusal = "Only a draft or a returned return can be submitted; this one is "
        return _refused(request, submission, ValidationError(refusal + _state_words(submission)))
    if request.method == "POST":
        try:
            kind.run("submit", submission, by=request.user)
        except ValidationError as error:
            return _check_page(request, kind, submission, refused=error.messages)
        messages.success(request, SUBMITTED)
        return redirect(submission.get_absolute_url())
    return _check_page(request, kind, submission)


def _state_words(submission) -> str:
    return f"{submission.get_state_display().lower()}."


def _why_not_decide(council, submission) -> ValidationError:
    if submission.state != State.SUBMITTED:
        refusal = "Only a submitted return can be approved; this one is "
        return ValidationError(refusal + _state_words(submission))
    return ValidationError(f"{council.name} has already decided on this return.")


@login_required
@require_http_methods(["GET", "POST"])
def submission_approve(request, code, month, revision, *, kind):
    """What the officer is approving, for their own council's area (GET), then the approval
    (POST) by the kind's approve service, which decides (and refuses any other council)."""
    submission = kind.one_or_404(request, code, month, revision)
    require(request.user, Action.APPROVE, Kind.RETURN)
    if request.method == "POST":
        # The version the confirm page showed: figures saved since then are not approved.
        shown = request.POST.get("version", "")
        version = int(shown) if shown.isascii() and shown.isdigit() else None

        def approve():
            return kind.run("approve", submission, by=request.user, expected_version=version)

        return act(request, submission, approve, APPROVED)
    council = request.user.organisation
    if council not in submission.arrangement.councils.all():
        raise PermissionDenied("Only an officer of a commissioning council can approve an area.")
    if not life_context(request.user, submission)["can_decide"]:
        return _refused(request, submission, _why_not_decide(council, submission))
    return _page(
        request,
        kind,
        "confirm",
        submission,
        council=council,
        summary=kind.summary(submission, council.code),
        urls=kind.urls(submission),
    )


def _row_choice(row) -> tuple[str, str]:
    """A row as the send-back form offers it: with its figures, where they are few."""
    return (row.key, f"{row.label}: {row.shown}" if len(row.figures) <= 3 else row.label)


@login_required
@require_http_methods(["GET", "POST"])
def submission_send_back(request, code, month, revision, *, kind):
    """The officer's query, about the whole return or one row of their area's figures, which
    the page shows beside the form; sending it back starts the query's thread."""
    submission = kind.one_or_404(request, code, month, revision)
    require(request.user, Action.APPROVE, Kind.RETURN)
    council = request.user.organisation
    rows = queries.rows_of(kind, submission, council)
    choices = [("", queries.WHOLE_RETURN)] + [_row_choice(r) for r in rows]
    form = with_rows(kind.query_form, choices)(request.POST if request.method == "POST" else None)
    if form.is_valid():
        query = form.cleaned_data["query"]
        row = queries.row_named(kind, submission, council, form.cleaned_data["row"])
        return act(
            request,
            submission,
            lambda: kind.run("send_back", submission, by=request.user, query=query, row=row),
            RETURNED,
        )
    heading, button = "Return with a query", "Return to the trust"
    return _page(
        request, kind, "action", submission, form=form, heading=heading, button=button, rows=rows
    )


@login_required
@require_http_methods(["GET", "POST"])
def query_detail(request, code, month, revision, query, *, kind):
    """One query's thread: what it is about and its figures then and now, the trust's answers,
    the answer form (the trust's managers) and accepting the answer (the raising council's
    officers)."""
    submission = kind.one_or_404(request, code, month, revision)
    require(request.user, Action.VIEW_APPROVED, Kind.QUERY)
    thread = next((q for q in queries.threads(submission) if q.pk == query), None)
    if thread is None:
        raise Http404("No such query on this return.")
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        answer = _query_post(request, submission, thread, form)
        if answer:
            return answer
    return render(
        request,
        "approvals/query_detail.html",
        _thread_context(request, kind, submission, thread, form),
    )


def _query_post(request, submission, thread, form):
    """Close the query (``action=close``), or send the answer when the form is valid."""
    back = thread.get_absolute_url()
    if request.POST.get("action") == "close":
        require(request.user, Action.APPROVE, Kind.QUERY, submission.arrangement)
        return act_at(request, lambda: query_close(query=thread, by=request.user), CLOSED, back)
    require(request.user, Action.EDIT, Kind.QUERY, submission.arrangement)
    if not form.is_valid():
        return None
    text = form.cleaned_data["text"]

    def answer():
        query_answer(query=thread, by=request.user, text=text)

    return act_at(request, answer, ANSWERED, back)


def _thread_context(request, kind, submission, thread, form) -> dict:
    user = request.user
    return {
        "submission": submission,
        "arrangement": submission.arrangement,
        "thread": thread,
        "changes": queries.changes_since(kind, thread),
        "row_now": next(
            (
                r
                for r in queries.rows_of(kind, submission, thread.council)
                if r.key == thread.row_key
            ),
            None,
        ),
        "form": form,
        "can_answer": thread.is_open and can(user, Action.EDIT, Kind.QUERY),
        "can_close": thread.state == thread.State.ANSWERED
        and can(user, Action.APPROVE, Kind.QUERY)
        and user.organisation_id == thread.council_id,
        "yours": user.organisation_id == thread.council_id,
        "can_edit_return": not submission.is_locked and can(user, Action.EDIT, Kind.RETURN),
        "edit_url": kind.urls(submission)["edit"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def submission_correct(request, code, month, revision, *, kind):
    submission = kind.one_or_404(request, code, month, revision)
    require(request.user, Action.EDIT, Kind.RETURN)
    form = kind.correction_form(request.POST if request.method == "POST" else None)

    def correct(reason, **_):
        new = kind.run("correct", submission, by=request.user, reason=reason)
        messages.success(request, CORRECTING)
        return redirect(new.get_absolute_url())

    heading, button = kind.wording.correct_heading, "Start correction"
    return form_page(
        form,
        correct,
        lambda: _page(
            request, kind, "action", submission, form=form, heading=heading, button=button
        ),
    )
