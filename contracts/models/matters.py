"""Reserved matters: decisions the councils reserve to themselves, and each council's consent."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from trust_portal.accounts.attribution import kept_history


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
    history = kept_history()

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
    history = kept_history()

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
    history = kept_history()

    class Meta:
        ordering = ["decision", "council__code"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "council"], name="one_answer_per_council")
        ]

    def __str__(self):
        return f"{self.council.code}: {self.get_answer_display()}"
