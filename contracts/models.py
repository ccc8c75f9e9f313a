"""Service contracts and the money: contract years made of funding lines in three blocks, the
cost split, passported grants, adjustments, variations, payments, budget monitoring and the
reserved matters.

Money is ``DecimalField(max_digits=14, decimal_places=2)`` in pounds; every split and every
rounding happens in ``contracts/money.py``.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from trust_portal.accounts import permissions
from trust_portal.approvals.models import Submission
from trust_portal.periods import financial_year_label

PENCE = Decimal("0.01")


def money_field(**kwargs):
    return models.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- Service contracts ---------------------------------------------------------------------


class ServiceContract(models.Model):
    """One council's contract with the trust."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Being agreed"
        ACTIVE = "active", "In force"
        ENDED = "ended", "Ended"
        TERMINATED = "terminated", "Terminated early"

    MIN_YEARS, MAX_YEARS = 3, 5

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.PROTECT, related_name="contracts"
    )
    council = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="service_contracts"
    )
    reference = models.CharField(max_length=50, unique=True)
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The contract's last day.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["arrangement", "council__code", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="contract_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse("contracts:contract-detail", args=[self.arrangement.code, self.reference])

    def clean(self):
        errors = {}
        if (
            self.arrangement_id
            and self.council_id
            and not self.arrangement.councils.filter(pk=self.council_id).exists()
        ):
            errors["council"] = "The council must be one that commissions this trust."
        if self.starts_on and self.ends_on:
            shortest = _years_after(self.starts_on, self.MIN_YEARS) - timedelta(days=1)
            longest = _years_after(self.starts_on, self.MAX_YEARS) - timedelta(days=1)
            if not shortest <= self.ends_on <= longest:
                errors["ends_on"] = (
                    f"A service contract runs for {self.MIN_YEARS} to {self.MAX_YEARS} years: "
                    f"from {self.starts_on:%-d %B %Y} it ends between {shortest:%-d %B %Y} and "
                    f"{longest:%-d %B %Y}."
                )
            elif self.council_id and self.status != self.Status.TERMINATED:
                overlap = (
                    ServiceContract.objects.filter(
                        council_id=self.council_id,
                        starts_on__lte=self.ends_on,
                        ends_on__gte=self.starts_on,
                    )
                    .exclude(pk=self.pk)
                    .exclude(status=self.Status.TERMINATED)
                    .first()
                )
                if overlap:
                    errors["starts_on"] = (
                        f"{overlap.council.code} already has contract {overlap.reference} from "
                        f"{overlap.starts_on:%-d %B %Y} to {overlap.ends_on:%-d %B %Y}: a council "
                        "has one contract with the trust at a time."
                    )
        if errors:
            raise ValidationError(errors)


class Obligation(models.Model):
    """One of the service specification's key obligations."""

    contract = models.ForeignKey(
        ServiceContract, on_delete=models.CASCADE, related_name="obligations"
    )
    text = models.TextField()
    display_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "display_order", "pk"]

    def __str__(self):
        return self.text[:80]


class ContractDocument(models.Model):
    """A document attached to a contract (the signed contract, a specification, a variation
    letter). Stored through Django's storage API; its fingerprint is kept with it."""

    contract = models.ForeignKey(
        ServiceContract, on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="contracts/documents/")
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "-uploaded_at"]

    def __str__(self):
        return self.title


# --- Contract years: funding lines, split, grants, adjustments ------------------------------


class ContractYearQuerySet(models.QuerySet):
    def for_arrangement(self, arrangement):
        return self.filter(arrangement=arrangement)

    def visible_to(self, user):
        """The years a person may see, for pages and API alike: their arrangements' agreed
        years, and the drafts too for the roles that may see drafts (council officers,
        administrators); nothing for a role that may not see contracts."""
        may = permissions.can
        if not may(user, permissions.Action.VIEW_APPROVED, permissions.Kind.CONTRACT):
            return self.none()
        years = self.filter(arrangement__in=permissions.arrangements_for(user).values("pk"))
        if not may(user, permissions.Action.VIEW_DRAFT, permissions.Kind.CONTRACT):
            years = years.filter(state=ContractYear.State.AGREED)
        return years


class ContractYear(models.Model):
    """One financial year (April to March) of the arrangement's contracts: the contract sum
    and how it is split. Drafted (a rollover starts one), then agreed by the councils; after
    that every change is a variation."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.PROTECT, related_name="contract_years"
    )
    financial_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The year the financial year starts: 2024 means 2024/25.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    split_basis = models.TextField(
        blank=True, help_text="How the split was set (population, demand, the weighting)."
    )
    split_agreed_on = models.DateField(null=True, blank=True)
    agreed_on = models.DateField(
        null=True, blank=True, help_text="The date of the councils' joint decision."
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rolled_over_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ContractYearQuerySet.as_manager()

    class Meta:
        ordering = ["arrangement", "-financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "financial_year"], name="one_contract_year_per_year"
            )
        ]

    def __str__(self):
        return f"{self.arrangement.code} contract year {self.label}"

    def get_absolute_url(self):
        return reverse("contracts:year-detail", args=[self.arrangement.code, self.financial_year])

    @property
    def label(self) -> str:
        return financial_year_label(self.financial_year)

    @property
    def starts_on(self) -> date:
        return date(self.financial_year, 4, 1)

    @property
    def ends_on(self) -> date:
        return date(self.financial_year + 1, 3, 31)


class FundingLine(models.Model):
    """One line of a contract year's funding, in its block."""

    class Block(models.IntegerChoices):
        CORE = 1, "Block 1: core funding"
        TRANSFORMATION_ITEM = 2, "Block 2: transformation items"
        TRANSFORMATION_FUND = 3, "Block 3: transformation fund"

    contract_year = models.ForeignKey(ContractYear, on_delete=models.CASCADE, related_name="lines")
    block = models.PositiveSmallIntegerField(choices=Block.choices)
    name = models.CharField(max_length=200)
    amount = money_field(validators=[MinValueValidator(Decimal("0.00"))])
    recurring = models.BooleanField(
        default=True, help_text="Recurring lines are carried into next year by a rollover."
    )
    funded_by = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Block 3 only: one council funds it alone, instead of the councils by the "
        "year's split.",
    )
    display_order = models.PositiveSmallIntegerField(default=0)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract_year", "block", "display_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="line_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(block=1) | Q(recurring=True), name="core_funding_recurs"
            ),
            models.CheckConstraint(
                condition=Q(block=3) | Q(funded_by__isnull=True),
                name="only_block_3_funded_by_one_council",
            ),
        ]

    def __str__(self):
        return f"{self.name} (£{self.amount:,.2f})"

    def clean(self):
        if self.block == self.Block.CORE and not self.recurring:
            raise ValidationError({"recurring": "Block 1 core funding is always recurring."})
        if self.funded_by_id and self.block != self.Block.TRANSFORMATION_FUND:
            raise ValidationError(
                {"funded_by": "Only a Block 3 provision can be funded by one council alone."}
            )
        if self.funded_by_id and self.contract_year_id:
            arrangement = self.contract_year.arrangement
            if not arrangement.councils.filter(pk=self.funded_by_id).exists():
                raise ValidationError({"funded_by": "Choose one of the trust's councils."})


class CostShare(models.Model):
    """One council's percentage of a contract year's costs. A year's shares sum to exactly 100;
    they are recorded only through an approved variation."""

    contract_year = models.ForeignKey(ContractYear, on_delete=models.CASCADE, related_name="shares")
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    percentage = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract_year", "council__code"]
        constraints = [
            models.UniqueConstraint(fields=["contract_year", "council"], name="one_share_each"),
            models.CheckConstraint(
                condition=Q(percentage__gte=0) & Q(percentage__lte=100), name="share_0_to_100"
            ),
        ]

    def __str__(self):
        return f"{self.council.code} {self.percentage}%"


class PassportedGrant(models.Model):
    """A specific grant paid to one council that it passes to the trust, outside the split."""

    contract_year = models.ForeignKey(ContractYear, on_delete=models.CASCADE, related_name="grants")
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    amount = money_field(validators=[MinValueValidator(Decimal("0.01"))])
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract_year", "council__code", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive")
        ]

    def __str__(self):
        return f"{self.name} to {self.council.code}"


class Adjustment(models.Model):
    """Money the trust returns to one council (for example early-help funding)."""

    contract_year = models.ForeignKey(
        ContractYear, on_delete=models.CASCADE, related_name="adjustments"
    )
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    amount = money_field(
        validators=[MinValueValidator(Decimal("0.01"))], help_text="Returned to the council."
    )
    reason = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract_year", "council__code", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="adjustment_amount_positive")
        ]

    def __str__(self):
        return f"{self.name}: £{self.amount:,.2f} to {self.council.code}"


# --- Variations ------------------------------------------------------------------------------


class Variation(models.Model):
    """A requested change to a contract year: requested by a council officer with a reason,
    approved (or rejected) by an administrator on the councils' joint decision."""

    class Kind(models.TextChoices):
        ADD_LINE = "add_line", "Add a funding line"
        CHANGE_LINE = "change_line", "Change a funding line's amount"
        REMOVE_LINE = "remove_line", "Remove a funding line"
        SPLIT = "split", "Record an agreed cost split"

    class State(models.TextChoices):
        REQUESTED = "requested", "Awaiting decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    contract_year = models.ForeignKey(
        ContractYear, on_delete=models.PROTECT, related_name="variations"
    )
    number = models.PositiveSmallIntegerField(help_text="1, 2, 3… within the contract year.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    line = models.ForeignKey(
        FundingLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="variations"
    )
    proposed = models.JSONField(
        help_text="The change: amounts as strings of pounds and pence, shares by council code."
    )
    before = models.JSONField(null=True, blank=True, help_text="What it replaced, on approval.")
    reason = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_date = models.DateField(
        null=True, blank=True, help_text="The date of the councils' joint decision."
    )
    decision_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract_year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract_year", "number"], name="one_variation_number_per_year"
            )
        ]

    def __str__(self):
        return f"Variation {self.number} to {self.contract_year}"

    def get_absolute_url(self):
        year = self.contract_year
        return reverse(
            "contracts:variation-detail",
            args=[year.arrangement.code, year.financial_year, self.number],
        )


# --- Payments --------------------------------------------------------------------------------


class Instalment(models.Model):
    """One monthly payment a council owes the trust in a contract year."""

    contract_year = models.ForeignKey(
        ContractYear, on_delete=models.PROTECT, related_name="instalments"
    )
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    BALANCING = 13

    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(BALANCING)],
        help_text="1 is April, 12 is March; 13 is a balancing payment after a late change.",
    )
    due_on = models.DateField()
    amount = money_field()
    paid_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="The payment reference.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract_year", "council__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract_year", "council", "number"], name="one_instalment_a_month"
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | ~Q(reference=""),
                name="paid_instalment_has_reference",
            ),
        ]

    def __str__(self):
        if self.is_balancing:
            return f"{self.council.code} balancing payment of {self.contract_year.label}"
        return f"{self.council.code} instalment {self.number} of {self.contract_year.label}"

    @property
    def is_balancing(self) -> bool:
        return self.number == self.BALANCING

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


# --- Budget monitoring -----------------------------------------------------------------------


class BudgetReturn(Submission):
    """The trust's monthly budget monitoring: per spend category, budget, actual to date and
    forecast outturn. Follows the shared approvals life (draft → submitted → approved)."""

    title_words = "budget monitoring"
    detail_url_name = "contracts:budget-detail"

    class Meta:
        ordering = ["-period", "-revision"]
        constraints = Submission.submission_constraints("budget_return")


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        PLACEMENTS = "placements", "Placements"
        STAFFING = "staffing", "Staffing"
        CHILDRENS_HOMES = "childrens_homes", "Children's homes"
        ADOPTION = "adoption", "Adoption"
        OTHER = "other", "Other"

    budget_return = models.ForeignKey(BudgetReturn, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(max_length=20, choices=Category.choices)
    budget = money_field(help_text="The full year's budget.")
    actual_to_date = money_field()
    forecast_outturn = money_field(help_text="What the whole year is expected to cost.")
    commentary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["budget_return", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget_return", "category"], name="one_line_per_category"
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0) & Q(actual_to_date__gte=0) & Q(forecast_outturn__gte=0),
                name="budget_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} in {self.budget_return}"

    @property
    def variance(self) -> Decimal:
        """Forecast outturn less budget: above zero is an overspend."""
        return self.forecast_outturn - self.budget


# --- Reserved matters ------------------------------------------------------------------------


class ReservedMatter(models.Model):
    """A kind of decision the trust's articles reserve to its owning councils."""

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.PROTECT, related_name="reserved_matters"
    )
    reference = models.CharField(max_length=20, help_text="As the articles number it, e.g. RM4.")
    title = models.CharField(max_length=200)
    description = models.TextField()
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the articles or agreement say so."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["arrangement", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "reference"], name="one_reserved_matter_reference"
            )
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"


class ReservedDecision(models.Model):
    """One decision sought under a reserved matter: decided only when every owning council has
    consented; refused as soon as one refuses."""

    matter = models.ForeignKey(ReservedMatter, on_delete=models.PROTECT, related_name="decisions")
    title = models.CharField(max_length=200)
    description = models.TextField()
    requested_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("contracts:decision-detail", args=[self.matter.arrangement.code, self.pk])

    def outcome(self) -> str:
        """ "decided" once every owning council has consented, "refused" as soon as one has
        refused, else "awaiting"."""
        answers = {c.council_id: c.answer for c in self.consents.all()}
        if Consent.Answer.REFUSE in answers.values():
            return "refused"
        owners = {c.pk for c in self.matter.arrangement.councils.all()}
        if owners and all(answers.get(pk) == Consent.Answer.CONSENT for pk in owners):
            return "decided"
        return "awaiting"


class Consent(models.Model):
    """One council's answer to a reserved decision."""

    class Answer(models.TextChoices):
        CONSENT = "consent", "Consented"
        REFUSE = "refuse", "Refused"

    decision = models.ForeignKey(
        ReservedDecision, on_delete=models.PROTECT, related_name="consents"
    )
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    decided_on = models.DateField(help_text="The date of the council's decision.")
    note = models.TextField(blank=True, help_text="The decision's reference or minute.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "council__code"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "council"], name="one_answer_per_council")
        ]

    def __str__(self):
        return f"{self.council.code}: {self.get_answer_display()}"
