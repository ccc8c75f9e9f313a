"""What a kind of return puts on people's "Waiting for you" lists (``trust_portal.work``):

- a council officer: each submitted return their council has not yet approved or queried;
- a trust manager: the months over but not started, the drafts to finish and submit, and the
  returns sent back with a query to answer.

A kind registers its lists in its app's ``AppConfig.ready``::

    returns_waiting(MonthlyReturn, order=10, look_back=12, due=performance_due)

``look_back`` is how many months just over are listed when not started (a kind with a due
rule lists the last year's, as its reminders do; one without, only the month just over);
``due(arrangement)`` gives a function from a month to the date its return is due, when the
kind has a due rule. Every list reads through the kind's ``visible_to``, as its pages do.
"""

from collections.abc import Callable
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Max, OuterRef, Subquery
from django.urls import reverse

from trust_portal.accounts.models import Role
from trust_portal.accounts.permissions import Action, Kind, role_allows
from trust_portal.approvals.models import AreaDecision, State
from trust_portal.periods import next_month, previous_month
from trust_portal.work import Item, waiting


def _title(model, period: date, revision: int = 1) -> str:
    words = model.title_words
    correction = f" (correction {revision - 1})" if revision > 1 else ""
    return f"{words[:1].upper()}{words[1:]} for {period:%B %Y}{correction}"


def _list_url(model, code: str) -> str:
    return reverse(model.detail_url_name.removesuffix("-detail") + "-list", args=[code])


def _due_dates(due, arrangements) -> dict:
    """{arrangement pk: month → due date} (empty when the kind has no due rule)."""
    return {a.pk: due(a) for a in arrangements} if due else {}


_REGISTERED: set[str] = set()


def _revision_item(model, revision, kind: str, *, since, due=None) -> Item:
    """One revision of a return in a waiting list, linking to its page."""
    return Item(
        title=_title(model, revision.period, revision.revision),
        url=revision.get_absolute_url(),
        kind=kind,
        code=revision.arrangement.code,
        since=since,
        due=due,
    )


def returns_waiting(model, *, order: int, look_back: int = 1, due: Callable | None = None) -> None:
    """Register a kind of return's waiting lists: to approve (council officers), a query to
    answer, drafts to submit and months to start (the trust), in that order."""
    label = model._meta.label_lower
    if label in _REGISTERED:
        return  # an app's ready() may run twice (Django says so): its lists stand
    _REGISTERED.add(label)
    council, trust = (Role.COUNCIL_OFFICER,), (Role.TRUST_MANAGER,)
    waiting(f"{label}-to-approve", roles=council, order=order)(_to_approve(model))
    waiting(f"{label}-to-answer", roles=trust, order=order)(_to_answer(model))
    waiting(f"{label}-to-submit", roles=trust, order=order + 1)(_to_submit(model, due))
    waiting(f"{label}-to-start", roles=trust, order=order + 2)(_to_start(model, look_back, due))


def _to_approve(model) -> Callable:
    """A council officer's list: returns submitted and awaiting their council's decision."""

    def to_approve(user, arrangements, *, today, **context):
        if not role_allows(user.role, Kind.RETURN, Action.APPROVE):
            return []
        decided = AreaDecision.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef("pk"),
            council_id=user.organisation_id,
            withdrawn_at__isnull=True,
        )
        rows = (
            model.objects.visible_to(user)
            .filter(arrangement__in=arrangements, state=State.SUBMITTED)
            .exclude(Exists(decided))
            .select_related("arrangement__trust")
            .order_by("period", "arrangement__trust__code")
        )
        return [_revision_item(model, r, "To approve", since=r.submitted_at) for r in rows]

    return to_approve


def _to_start(model, look_back, due) -> Callable:
    """The trust's list: the months over but not started (``look_back`` of them)."""

    def to_start(user, arrangements, *, today, **context):
        if not role_allows(user.role, Kind.RETURN, Action.EDIT):
            return []
        months, month = [], today.replace(day=1)
        for _ in range(look_back):
            month = previous_month(month)
            months.append(month)
        started = set(
            model.objects.filter(arrangement__in=arrangements, period__in=months).values_list(
                "arrangement_id", "period"
            )
        )
        dues = _due_dates(due, arrangements)
        items = []
        for arrangement in arrangements:
            for month in sorted(months):
                if (arrangement.pk, month) in started:
                    continue
                items.append(
                    Item(
                        title=_title(model, month),
                        url=_list_url(model, arrangement.code),
                        kind="To start",
                        code=arrangement.code,
                        since=next_month(month),  # the day the month was over
                        due=dues[arrangement.pk](month) if dues else None,
                    )
                )
        return items

    return to_start


def _to_submit(model, due) -> Callable:
    """The trust's list: drafts to finish and submit, with the first revision's due date."""

    def to_submit(user, arrangements, *, today, **context):
        if not role_allows(user.role, Kind.RETURN, Action.SUBMIT):
            return []
        rows = list(
            model.objects.visible_to(user)
            .filter(arrangement__in=arrangements, state=State.DRAFT)
            .select_related("arrangement__trust")
            .order_by("arrangement__trust__code", "period")
        )
        dues = _due_dates(due, {r.arrangement for r in rows})
        return [
            _revision_item(
                model,
                r,
                "To finish and submit",
                since=r.created_at,
                due=dues[r.arrangement_id](r.period) if dues and r.revision == 1 else None,
            )
            for r in rows
        ]

    return to_submit


def _to_answer(model) -> Callable:
    """The trust's list: returns sent back with a query, since the latest query."""

    def to_answer(user, arrangements, *, today, **context):
        if not role_allows(user.role, Kind.RETURN, Action.SUBMIT):
            return []
        queried = AreaDecision.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef("pk"),
            decision=AreaDecision.Decision.RETURNED,
        )
        rows = (
            model.objects.visible_to(user)
            .filter(arrangement__in=arrangements, state=State.RETURNED)
            .annotate(
                queried_at=Subquery(
                    queried.values("object_id").annotate(at=Max("at")).values("at")[:1]
                )
            )
            .select_related("arrangement__trust")
            .order_by("arrangement__trust__code", "period")
        )
        return [_revision_item(model, r, "Query to answer", since=r.queried_at) for r in rows]

    return to_answer
