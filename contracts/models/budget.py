"""Budget monitoring: the trust's monthly budget return and its lines."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from contracts.models.fields import money_field
from trust_portal.accounts.attribution import kept_history
from trust_portal.approvals.models import Submission


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
    history = kept_history()

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
