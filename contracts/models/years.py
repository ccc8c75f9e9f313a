"""Contract years: the contract sum of a financial year in funding lines (Blocks 1-3), the
cost split between the councils, passported grants and adjustments."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from contracts.models.fields import money_field
from trust_portal.accounts import permissions
from trust_portal.accounts.attribution import kept_history
from trust_portal.periods import financial_year_label


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
    history = kept_history()

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
    history = kept_history()

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
    history = kept_history()

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
    history = kept_history()

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
    history = kept_history()

    class Meta:
        ordering = ["contract_year", "council__code", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="adjustment_amount_positive")
        ]

    def __str__(self):
        return f"{self.name}: £{self.amount:,.2f} to {self.council.code}"
