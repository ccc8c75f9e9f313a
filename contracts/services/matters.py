"""Reserved matters: the register of decisions the trust's articles reserve to its owning
councils, and the decision log where each council records its own answer.

A decision is decided only when every owning council has consented, refused as soon as one
refuses, and awaiting otherwise (``ReservedDecision.outcome()``; ``with_outcome`` gives the same
answer as a database annotation, so lists can filter on it and count it without a query per row).

Every write names who and why in django-simple-history, like ``contracts/services/contracts.py``.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from contracts.models import Consent, ReservedDecision, ReservedMatter
from trust_portal.accounts.models import Commission, Organisation
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.history import audited_save, required_reason

DECIDED, REFUSED, AWAITING = "decided", "refused", "awaiting"
OUTCOMES = [(DECIDED, "Decided"), (AWAITING, "Awaiting answers"), (REFUSED, "Refused")]
# A reference is how the articles number the matter ("RM4", "4.2(a)"): it names the matter in
# addresses, so it has no spaces or slashes, and it has a number (so it is never a word such as
# "add", which the register's own pages use).
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.()\-]*$")


def _not_in_future(day: date | None, *, field: str, what: str) -> None:
    if day is None:
        raise ValidationError({field: f"Enter {what}."})
    if day > timezone.localdate():
        raise ValidationError({field: f"{what[0].upper()}{what[1:]} must be today or earlier."})


# --- Reads ----------------------------------------------------------------------------------


def with_outcome(decisions: QuerySet[ReservedDecision]) -> QuerySet[ReservedDecision]:
    """Annotate ``current_outcome`` ("decided", "refused" or "awaiting"), the same rule as
    ``ReservedDecision.outcome()``: any refusal refuses; decided when the consents of the
    councils that own the trust now number as many as those councils."""
    owners = (
        Commission.objects.filter(arrangement=OuterRef("matter__arrangement"))
        .values("arrangement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    owning_consent = Q(
        consents__answer=Consent.Answer.CONSENT,
        consents__council__commission__arrangement=F("matter__arrangement"),
    )
    return (
        decisions.annotate(
            refusals=Count("consents", filter=Q(consents__answer=Consent.Answer.REFUSE)),
            owner_consents=Count("consents", filter=owning_consent),
            owner_count=Coalesce(Subquery(owners), 0),
        )
        .annotate(
            current_outcome=Case(
                When(refusals__gt=0, then=Value(REFUSED)),
                When(owner_count__gt=0, owner_consents__gte=F("owner_count"), then=Value(DECIDED)),
                default=Value(AWAITING),
                output_field=CharField(),
            )
        )
        .order_by("-requested_on", "-pk")
    )  # a grouped query drops Meta.ordering


def decisions_for(arrangement) -> QuerySet[ReservedDecision]:
    """The arrangement's decision log, newest request first, with what a list shows."""
    return with_outcome(
        ReservedDecision.objects.filter(matter__arrangement=arrangement)
        .select_related("matter__arrangement__trust", "recorded_by")
        .prefetch_related(Prefetch("consents", Consent.objects.select_related("council")))
    )


def answers(decision: ReservedDecision, councils) -> list[tuple[Organisation, Consent | None]]:
    """Each owning council with its answer, or None while it is awaited."""
    given = {c.council_id: c for c in decision.consents.all()}
    return [(council, given.get(council.pk)) for council in councils]


# --- The register ---------------------------------------------------------------------------


@transaction.atomic
def matter_save(
    *,
    by,
    arrangement,
    reason: str,
    matter: ReservedMatter | None = None,
    reference: str,
    title: str,
    description: str,
    source: str = "",
) -> ReservedMatter:
    """Add a matter to the arrangement's register (``matter`` None) or change one."""
    require(by, Action.EDIT, Kind.CONTRACT, arrangement)
    reason = required_reason(reason)
    if matter is not None and matter.arrangement_id != arrangement.pk:
        raise ValidationError("That matter is in another arrangement's register.")
    reference = (reference or "").strip()
    if not REFERENCE.match(reference) or not any(ch.isdigit() for ch in reference):
        raise ValidationError(
            {
                "reference": "Enter the reference as the articles number it, for example RM4 "
                "or 4.2(a): letters, digits, dots, hyphens and brackets, with a number."
            }
        )
    taken = ReservedMatter.objects.filter(arrangement=arrangement, reference__iexact=reference)
    if matter is not None:
        taken = taken.exclude(pk=matter.pk)
    if taken.exists():
        raise ValidationError({"reference": f"The register already has a matter {reference}."})
    row = matter or ReservedMatter(arrangement=arrangement)
    row.reference, row.title = reference, (title or "").strip()
    row.description, row.source = (description or "").strip(), (source or "").strip()
    return audited_save(row, by=by, reason=reason)


# --- The decision log -----------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *, by, matter: ReservedMatter, title: str, description: str, requested_on: date
) -> ReservedDecision:
    """Log a decision the trust seeks under a reserved matter; the councils then answer."""
    require(by, Action.EDIT, Kind.CONTRACT, matter.arrangement)
    _not_in_future(requested_on, field="requested_on", what="the date it was requested")
    decision = ReservedDecision(
        matter=matter,
        title=(title or "").strip(),
        description=(description or "").strip(),
        requested_on=requested_on,
        recorded_by=by,
    )
    return audited_save(decision, by=by, reason=f"Decision sought under {matter.reference}")


def _own_council(by, decision: ReservedDecision) -> Organisation:
    """The signed-in officer's council, which must own the trust: nobody answers for another
    council."""
    arrangement = decision.matter.arrangement
    require(by, Action.EDIT, Kind.CONTRACT, arrangement)
    council = arrangement.councils.filter(pk=by.organisation_id).first()
    if council is None:
        raise ValidationError("Only an officer of one of the councils that own the trust answers.")
    return council


def _check_answer(decision: ReservedDecision, answer: str, decided_on: date | None) -> None:
    if answer not in Consent.Answer.values:
        raise ValidationError({"answer": "Select whether your council consented or refused."})
    _not_in_future(decided_on, field="decided_on", what="the date of your council's decision")
    if decided_on < decision.requested_on:
        raise ValidationError(
            {
                "decided_on": "The council's decision cannot come before the decision was "
                f"sought ({decision.requested_on:%-d %B %Y})."
            }
        )


@transaction.atomic
def consent_record(
    *, by, decision: ReservedDecision, answer: str, decided_on: date, note: str = ""
) -> Consent:
    """Record the officer's own council's answer: once; a wrong one is corrected with
    ``consent_correct``."""
    council = _own_council(by, decision)
    _check_answer(decision, answer, decided_on)
    if decision.consents.filter(council=council).exists():
        raise ValidationError(
            f"{council.code}'s answer is recorded already. Correct it, with a reason, if it is "
            "wrong."
        )
    consent = Consent(
        decision=decision,
        council=council,
        answer=answer,
        decided_on=decided_on,
        note=(note or "").strip(),
        recorded_by=by,
    )
    label = Consent.Answer(answer).label.lower()
    return audited_save(consent, by=by, reason=f"{council.code} {label}")


@transaction.atomic
def consent_correct(
    *, by, decision: ReservedDecision, answer: str, decided_on: date, note: str, reason: str
) -> Consent:
    """Correct the officer's own council's recorded answer; the wrong one stays in the
    history with the reason."""
    council = _own_council(by, decision)
    reason = required_reason(reason)
    _check_answer(decision, answer, decided_on)
    consent = decision.consents.filter(council=council).first()
    if consent is None:
        raise ValidationError(f"{council.code} has not answered yet: record its answer instead.")
    note = (note or "").strip()
    if (consent.answer, consent.decided_on, consent.note) == (answer, decided_on, note):
        raise ValidationError("Nothing changed: that is the answer recorded already.")
    consent.answer, consent.decided_on, consent.note = answer, decided_on, note
    consent.recorded_by = by
    return audited_save(consent, by=by, reason=f"Corrected: {reason}")
