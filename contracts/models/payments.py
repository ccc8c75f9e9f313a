"""Payments: the monthly instalments of a contract year and the balancing payment."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from contracts.models.fields import money_field
from contracts.models.years import ContractYear
from trust_portal.accounts.attribution import kept_history


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
    history = kept_history()

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
