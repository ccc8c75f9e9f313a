"""Variations: changes to an agreed contract year, requested and decided."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from contracts.models.years import ContractYear, FundingLine
from trust_portal.accounts.attribution import kept_history


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
    history = kept_history()

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
