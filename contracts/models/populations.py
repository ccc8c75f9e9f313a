"""The population of each council area, as the split calculator last used it: remembered per
arrangement, so the next calculation starts from the figures a council officer entered (no
population data ships with Trust Portal; the ONS publishes mid-year estimates)."""

from django.conf import settings
from django.db import models

from trust_portal.accounts.attribution import kept_history


class Population(models.Model):
    """A council area's population for an arrangement's split calculator."""

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.CASCADE, related_name="populations"
    )
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    population = models.PositiveBigIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    history = kept_history()

    class Meta:
        ordering = ["arrangement", "council__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "council"], name="one_population_per_council"
            ),
        ]

    def __str__(self):
        return f"{self.council.code} {self.population:,}"
