"""Tables of the transformation programme.

They were made in the ``contracts`` app and keep its table names (``contracts_project``…),
so moving them to this app moved no row (migrations/0001_initial.py)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from trust_portal.accounts.attribution import kept_history


def _money(**kwargs):
    return models.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class Theme(models.TextChoices):
    """The programme's six themes (scrutiny report, 15 October 2024, paragraphs 4.11 to 4.16)."""

    COMMISSIONING = "commissioning", "Commissioning and procurement"
    DEMAND = "demand", "Demand management and early help"
    WORKFORCE = "workforce", "Workforce"
    TECHNOLOGY = "technology", "Technology and innovation"
    EFFICIENCY = "efficiency", "Operational efficiency"
    PRACTICE = "practice", "Policy and practice"


class Project(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Under way"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed early"

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.PROTECT, related_name="projects"
    )
    theme = models.CharField(max_length=20, choices=Theme.choices)
    name = models.CharField(max_length=200)
    owner = models.CharField(
        max_length=200, help_text="Who leads it, e.g. 'Director of Children's Services, NCT'."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    description = models.TextField(blank=True)
    tag = models.CharField(
        max_length=100,
        blank=True,
        help_text="A heading it is reported under that is not one of the six themes, kept as "
        "published (e.g. 'Improving Outcomes for Children').",
    )
    history = kept_history(table_name="contracts_historicalproject")

    class Meta:
        db_table = "contracts_project"
        ordering = ["arrangement", "theme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "name"], name="one_project_name")
        ]

    def __str__(self):
        return self.name


class BoardMeeting(models.Model):
    """A meeting of the Transformation & Efficiency Board (the councils' chief executives
    chairing in turn, the trust and the DfE attending)."""

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.PROTECT, related_name="board_meetings"
    )
    held_on = models.DateField()
    chair = models.CharField(
        max_length=200, help_text="Name and post, e.g. 'Chief Executive, WNC'."
    )
    attendees = models.TextField(help_text="One per line.")
    minutes = models.FileField(upload_to="transformation/minutes/", blank=True)
    minutes_name = models.CharField(max_length=255, blank=True)
    minutes_sha256 = models.CharField("SHA-256 of the minutes", max_length=64, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = kept_history(table_name="contracts_historicalboardmeeting")

    class Meta:
        db_table = "contracts_boardmeeting"
        ordering = ["arrangement", "-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "held_on"], name="one_board_a_day")
        ]

    def __str__(self):
        return f"Transformation & Efficiency Board, {self.held_on:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse(
            "transformation:meeting-detail",
            args=[self.arrangement.code, f"{self.held_on:%Y-%m-%d}"],
        )


class BusinessCase(models.Model):
    """A proposal for transformation money, drafted and submitted by the trust, decided by the
    board (recorded by the councils' officers)."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted to the board"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        DEFERRED = "deferred", "Deferred"

    class Funding(models.TextChoices):
        BLOCK2 = "block2", "A Block 2 transformation item"
        BLOCK3 = "block3", "The Block 3 transformation fund"

    DECIDED = (State.APPROVED, State.REJECTED)

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="business_cases")
    reference = models.CharField(max_length=20, help_text="Unique in the programme, e.g. BC07.")
    title = models.CharField(max_length=200)
    summary = models.TextField()
    funding = models.CharField(max_length=10, choices=Funding.choices)
    block2_line = models.ForeignKey(
        "contracts.FundingLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="business_cases",
        help_text="For Block 2 funding: the transformation item that pays for it.",
    )
    expected_benefits = models.TextField()
    risks = models.TextField(
        blank=True, help_text="The main risks, in words; the register holds them."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    meeting = models.ForeignKey(
        BoardMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="The board meeting that made the latest decision.",
    )
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    synthetic = models.BooleanField(
        default=False, help_text="Demo data only: figures the public record does not give."
    )
    history = kept_history(table_name="contracts_historicalbusinesscase")

    class Meta:
        db_table = "contracts_businesscase"
        ordering = ["project__theme", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(funding="block2") | Q(block2_line__isnull=True),
                name="only_block2_cases_name_a_line",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse(
            "transformation:case-detail", args=[self.project.arrangement.code, self.reference]
        )

    def clean(self):
        if self.funding == self.Funding.BLOCK2 and self.block2_line_id:
            if self.block2_line.block != 2:
                raise ValidationError({"block2_line": "Choose a Block 2 transformation item."})
            if self.block2_line.contract_year.arrangement_id != self.project.arrangement_id:
                raise ValidationError({"block2_line": "Choose a line of this trust's contract."})

    @property
    def total_cost(self) -> Decimal:
        return sum((c.amount for c in self.costs.all()), Decimal("0.00"))


class CaseCost(models.Model):
    """What a business case costs in one financial year."""

    business_case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="costs")
    financial_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount = _money(validators=[MinValueValidator(Decimal("0.01"))])
    history = kept_history(table_name="contracts_historicalcasecost")

    class Meta:
        db_table = "contracts_casecost"
        ordering = ["business_case", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_case", "financial_year"], name="one_cost_a_year"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="case_cost_positive"),
        ]

    def __str__(self):
        return f"{self.business_case.reference} {self.financial_year}: £{self.amount:,.2f}"


class CaseSpend(models.Model):
    """Money actually spent on an approved case in a month, reported by the trust."""

    business_case = models.ForeignKey(BusinessCase, on_delete=models.PROTECT, related_name="spends")
    month = models.DateField(help_text="The first day of the month.")
    amount = _money(validators=[MinValueValidator(Decimal("0.01"))])
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = kept_history(table_name="contracts_historicalcasespend")

    class Meta:
        db_table = "contracts_casespend"
        ordering = ["business_case", "month"]
        constraints = [
            models.UniqueConstraint(fields=["business_case", "month"], name="one_spend_a_month"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="case_spend_positive"),
        ]

    def __str__(self):
        return f"{self.business_case.reference} {self.month:%b %Y}: £{self.amount:,.2f}"


class Block3Draw(models.Model):
    """Money released from a year's Block 3 transformation fund. Only an approved business case
    releases it (the transformation programme writes these rows when the Transformation &
    Efficiency Board approves a case); nobody records one by hand."""

    contract_year = models.ForeignKey(
        "contracts.ContractYear", on_delete=models.PROTECT, related_name="block3_draws"
    )
    amount = _money(validators=[MinValueValidator(Decimal("0.01"))])
    business_case = models.ForeignKey(
        BusinessCase,
        on_delete=models.PROTECT,
        related_name="block3_draws",
        help_text="The approved business case that released it.",
    )
    drawn_on = models.DateField(help_text="The date of the board's approval.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = kept_history(table_name="contracts_historicalblock3draw")

    class Meta:
        db_table = "contracts_block3draw"
        ordering = ["contract_year", "drawn_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="block3_draw_positive")
        ]

    def __str__(self):
        return f"£{self.amount:,.2f} for {self.business_case.reference}"


class Benefit(models.Model):
    """A benefit an approved case promised, tracked quarter by quarter."""

    class Kind(models.TextChoices):
        SAVING = "saving", "Savings (£)"
        COUNT = "count", "A number (children, assessments…)"

    business_case = models.ForeignKey(
        BusinessCase, on_delete=models.PROTECT, related_name="benefits"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField(blank=True)
    history = kept_history(table_name="contracts_historicalbenefit")

    class Meta:
        db_table = "contracts_benefit"
        ordering = ["business_case", "name"]
        constraints = [
            models.UniqueConstraint(fields=["business_case", "name"], name="one_benefit_name")
        ]

    def __str__(self):
        return self.name


class BenefitQuarter(models.Model):
    """One quarter's target, lower tolerance and (once reported) actual for a benefit.
    Green at or above target, amber at or above the lower tolerance, red below it; grey until
    the actual is reported."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="quarters")
    financial_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)], help_text="1 is April to June."
    )
    target = _money(validators=[MinValueValidator(Decimal("0"))])
    lower_tolerance = _money(
        validators=[MinValueValidator(Decimal("0"))], help_text="The least that is acceptable."
    )
    actual = _money(null=True, blank=True)
    commentary = models.TextField(blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    history = kept_history(table_name="contracts_historicalbenefitquarter")

    class Meta:
        db_table = "contracts_benefitquarter"
        ordering = ["benefit", "financial_year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit", "financial_year", "quarter"], name="one_benefit_quarter"
            ),
            models.CheckConstraint(
                condition=Q(lower_tolerance__lte=models.F("target")),
                name="tolerance_not_above_target",
            ),
        ]

    def __str__(self):
        return f"{self.benefit} {self.financial_year} Q{self.quarter}"

    @property
    def rag(self) -> str:
        if self.actual is None:
            return "grey"
        if self.actual >= self.target:
            return "green"
        if self.actual >= self.lower_tolerance:
            return "amber"
        return "red"


class Risk(models.Model):
    """A risk to a project, or to the programme as a whole (no project)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.PROTECT, related_name="risks"
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="risk_entries"
    )
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    description = models.TextField()
    likelihood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 rare to 5 almost certain.",
    )
    impact = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 minimal to 5 severe."
    )
    owner = models.CharField(max_length=200)
    mitigation = models.TextField()
    review_date = models.DateField(help_text="When it is next reviewed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    history = kept_history(table_name="contracts_historicalrisk")

    class Meta:
        db_table = "contracts_risk"
        ordering = ["arrangement", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "reference"], name="one_risk_reference"),
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scores_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    @property
    def score(self) -> int:
        """Likelihood × impact, 1 to 25."""
        return self.likelihood * self.impact

    @property
    def rating(self) -> str:
        """The usual 5×5 bands: 1–4 low, 5–9 medium, 10–16 high, 20–25 very high."""
        score = self.score
        if score >= 20:
            return "very high"
        if score >= 10:
            return "high"
        if score >= 5:
            return "medium"
        return "low"

    def review_overdue(self, today) -> bool:
        return self.status == self.Status.OPEN and self.review_date < today
