"""Service contracts: the agreements between the councils and the trust, their obligations and
the signed documents."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from trust_portal.accounts.attribution import kept_history


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


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
    history = kept_history()

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
    history = kept_history()

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
