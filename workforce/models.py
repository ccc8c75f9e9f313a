"""Teams and the monthly workforce return: FTE by kind of worker, vacancies, starters and
leavers, caseloads. The return follows the shared approvals life (trust_portal.approvals), as
performance returns and budget monitoring do."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from trust_portal.approvals.models import Submission

FTE_FIELDS = (
    "establishment_fte",
    "experienced_fte",
    "asye_fte",
    "international_fte",
    "agency_fte",
    "vacant_fte",
    "starters_fte",
    "leavers_fte",
)
COUNT_FIELDS = (
    "starters",
    "leavers",
    "open_cases",
    "workers_holding_cases",
    "workers_over_limit",
    "unallocated_cases",
)


def _fte(help_text: str):
    return models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=help_text,
    )


class Team(models.Model):
    class Service(models.TextChoices):
        FRONT_DOOR = "front_door", "Front door / MASH"
        ASSESSMENT = "assessment", "Assessment"
        SAFEGUARDING = "safeguarding", "Safeguarding (children in need and child protection)"
        CHILDREN_IN_CARE = "children_in_care", "Children in care"
        LEAVING_CARE = "leaving_care", "Leaving care"
        DISABLED_CHILDREN = "disabled_children", "Disabled children"
        COURT = "court", "Court"
        OTHER = "other", "Other"

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(max_length=200)
    service = models.CharField(max_length=20, choices=Service.choices)
    area = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The council area the team serves.",
    )
    active = models.BooleanField(default=True, help_text="Closed teams keep their history.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["arrangement", "area__code", "service", "name"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "name"], name="one_team_name"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if (
            self.arrangement_id
            and self.area_id
            and not self.arrangement.councils.filter(pk=self.area_id).exists()
        ):
            raise ValidationError({"area": "Choose one of the trust's council areas."})


class WorkforceReturn(Submission):
    """One arrangement's workforce figures for one month (one row per revision)."""

    title_words = "workforce return"
    detail_url_name = "workforce:return-detail"

    class Meta:
        ordering = ["-period", "-revision"]
        constraints = Submission.submission_constraints("workforce_return")


class TeamFigures(models.Model):
    """One team's figures in one workforce return. FTE to two decimal places; the posts add
    up: establishment = experienced + ASYE + international first year + agency + vacant."""

    workforce_return = models.ForeignKey(
        WorkforceReturn, on_delete=models.CASCADE, related_name="figures"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="figures")
    establishment_fte = _fte("Funded social worker posts, FTE.")
    experienced_fte = _fte("Experienced permanent social workers, FTE.")
    asye_fte = _fte("Newly qualified permanent social workers in their assessed year, FTE.")
    international_fte = _fte("International social workers in their first year, FTE.")
    agency_fte = _fte("Agency social workers, FTE.")
    vacant_fte = _fte("Posts with nobody in them, FTE.")
    starters = models.PositiveIntegerField(default=0, help_text="Permanent starters, heads.")
    starters_fte = _fte("Permanent starters, FTE.")
    leavers = models.PositiveIntegerField(default=0, help_text="Permanent leavers, heads.")
    leavers_fte = _fte("Permanent leavers, FTE.")
    open_cases = models.PositiveIntegerField(default=0)
    workers_holding_cases = models.PositiveIntegerField(default=0)
    workers_over_limit = models.PositiveIntegerField(default=0)
    unallocated_cases = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["workforce_return", "team__area__code", "team__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workforce_return", "team"], name="one_figure_set_per_team"
            ),
            models.CheckConstraint(
                condition=Q(workers_over_limit__lte=models.F("workers_holding_cases")),
                name="over_limit_within_workers",
            ),
        ]

    def __str__(self):
        return f"{self.team} in {self.workforce_return}"

    @property
    def employed_fte(self) -> Decimal:
        """Permanent staff: experienced, ASYE and international first year."""
        return self.experienced_fte + self.asye_fte + self.international_fte

    def clean(self):
        errors = {}
        posts = self.employed_fte + self.agency_fte + self.vacant_fte
        if posts != self.establishment_fte:
            errors["establishment_fte"] = (
                f"The posts do not add up: employed {self.employed_fte} + agency "
                f"{self.agency_fte} + vacant {self.vacant_fte} = {posts} FTE, but the "
                f"establishment is {self.establishment_fte} FTE."
            )
        if self.workers_over_limit > self.workers_holding_cases:
            errors["workers_over_limit"] = (
                "Workers above the caseload limit cannot be more than the workers holding cases."
            )
        if self.starters_fte > self.starters:
            errors["starters_fte"] = "Starters' FTE cannot be more than the number of starters."
        if self.leavers_fte > self.leavers:
            errors["leavers_fte"] = "Leavers' FTE cannot be more than the number of leavers."
        if errors:
            raise ValidationError(errors)
