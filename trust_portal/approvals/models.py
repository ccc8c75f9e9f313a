"""The life every return shares: draft → submitted → approved, or → returned → resubmitted.

A concrete return (performance, workforce, budget monitoring) subclasses ``Submission`` and
keeps its figures in its own tables. Each commissioning council approves its own area; the
return is approved when every council has. An approved revision is locked: a correction is a
new revision (a row of its own) with a reason, and the approved one stays the one everybody
sees until the correction is approved.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from trust_portal.accounts.attribution import api_token_field, api_token_name_field, kept_history


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned with a query"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Replaced by a later revision"


OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.RETURNED)
EDITABLE_STATES = (State.DRAFT, State.SUBMITTED, State.RETURNED)


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rows of the user's arrangements that their role may see in their state."""
        from trust_portal.accounts.permissions import (
            Action,
            Kind,
            arrangements_for,
            role_allows,
        )

        mine = self.filter(arrangement__in=arrangements_for(user))
        if not user or not user.is_authenticated:
            return mine.none()
        states = []
        if role_allows(user.role, Kind.RETURN, Action.VIEW_APPROVED):
            states += [State.APPROVED, State.SUPERSEDED]
        if role_allows(user.role, Kind.RETURN, Action.VIEW_DRAFT, submitted=True):
            states += [State.SUBMITTED, State.RETURNED]
        if role_allows(user.role, Kind.RETURN, Action.VIEW_DRAFT, submitted=False):
            states += [State.DRAFT]
        return mine.filter(state__in=states)

    def approved_by(self, moment):
        """Revisions approved by ``moment``, whether or not a correction replaced them since."""
        return self.filter(
            state__in=(State.APPROVED, State.SUPERSEDED), approved_at__isnull=False
        ).filter(approved_at__lte=moment)

    def in_force_at(self, moment):
        """Each month's revision approved and in force at ``moment``: the highest revision
        approved by then (one replaced by a correction later still counts: it was in force
        then). Months with none approved by then have none."""
        later = self.model.objects.approved_by(moment).filter(
            arrangement=OuterRef("arrangement"),
            period=OuterRef("period"),
            revision__gt=OuterRef("revision"),
        )
        return self.approved_by(moment).exclude(Exists(later))


class Submission(models.Model):
    # The kind of object in docs/permissions.md whose rules govern this submission.
    permission_kind = "monthly return"
    # What a subclass is called in its title ("performance return"), and its page's URL name.
    title_words = "return"
    detail_url_name = ""

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.PROTECT, related_name="+"
    )
    period = models.DateField(help_text="The first day of the month reported.")
    revision = models.PositiveSmallIntegerField(default=1)
    revision_reason = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # Optimistic locking: every save of the figures must name the version it started from.
    lock_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    events = GenericRelation("approvals.Event")
    decisions = GenericRelation("approvals.AreaDecision")
    queries = GenericRelation("approvals.Query")

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        revision = f" (correction {self.revision - 1})" if self.revision > 1 else ""
        return f"{self.arrangement.code} {self.title_words} for {self.period:%B %Y}{revision}"

    def get_absolute_url(self):
        return reverse(
            self.detail_url_name,
            args=[self.arrangement.code, f"{self.period:%Y-%m}", self.revision],
        )

    @classmethod
    def submission_constraints(cls, prefix: str) -> list:
        """One row per revision; at most one open and one approved revision per month."""
        return [
            models.UniqueConstraint(
                fields=["arrangement", "period", "revision"], name=f"{prefix}_one_per_revision"
            ),
            models.UniqueConstraint(
                fields=["arrangement", "period"],
                condition=Q(state__in=["draft", "submitted", "returned"]),
                name=f"{prefix}_one_open_revision",
            ),
            models.UniqueConstraint(
                fields=["arrangement", "period"],
                condition=Q(state="approved"),
                name=f"{prefix}_one_approved_revision",
            ),
        ]

    @property
    def is_locked(self) -> bool:
        return self.state not in EDITABLE_STATES

    def current_decisions(self):
        """This revision's standing area decisions (withdrawn ones excluded)."""
        return self.decisions.filter(withdrawn_at__isnull=True).select_related("council", "by")


class AreaDecision(models.Model):
    """A council officer's approval of, or query on, their council's area of a submission."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned with a query"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    submission = GenericForeignKey("content_type", "object_id")
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    query = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    # A change to the figures after submission withdraws every standing decision.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.council.code} {self.decision} by {self.by}"


class Event(models.Model):
    """Who did what to a submission, and when: its readable history."""

    class Action(models.TextChoices):
        CREATED = "created", "Started"
        SAVED = "saved", "Figures saved"
        SUBMITTED = "submitted", "Submitted"
        AREA_APPROVED = "area_approved", "Area approved"
        RETURNED = "returned", "Returned with a query"
        APPROVED = "approved", "Approved by every council"
        APPROVALS_WITHDRAWN = "approvals_withdrawn", "Approvals withdrawn by a change"
        REVISION_STARTED = "revision_started", "Correction started"
        SUPERSEDED = "superseded", "Replaced by a later revision"
        QUERY_ANSWERED = "query_answered", "Query answered"
        QUERY_CLOSED = "query_closed", "Query closed"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    submission = GenericForeignKey("content_type", "object_id")
    action = models.CharField(max_length=30, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)
    # A step taken through the API with a token names it (trust_portal.accounts.attribution).
    api_token = api_token_field()
    api_token_name = api_token_name_field()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.get_action_display()} by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class Query(models.Model):
    """A council officer's query on their council's area of a submission: about the whole
    return, or one of its rows (an indicator and area, a spend category, a team: the kind names
    its rows by ``row_key`` and says them in ``row_label``). The trust answers it; the officer
    accepts the answer (closing it), and approval of the return closes any still open."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    submission = GenericForeignKey("content_type", "object_id")
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    row_key = models.CharField(max_length=100, blank=True, help_text="Empty: the whole return.")
    row_label = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = kept_history()

    class Meta:
        ordering = ["raised_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name_plural = "queries"

    def __str__(self):
        return f"{self.council.code} query on {self.about}"

    def get_absolute_url(self):
        """The query's page, beside its return's (``performance:return-query``)."""
        submission = self.submission
        name = submission.detail_url_name.removesuffix("-detail") + "-query"
        period = f"{submission.period:%Y-%m}"
        return reverse(
            name, args=[submission.arrangement.code, period, submission.revision, self.pk]
        )

    @property
    def about(self) -> str:
        return self.row_label or "the whole return"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED


class Answer(models.Model):
    """The trust's answer to a query (a query may have several, one after another)."""

    query = models.ForeignKey(Query, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    history = kept_history()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"Answer by {self.by} at {self.at:%Y-%m-%d %H:%M}"
