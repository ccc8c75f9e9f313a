"""Teams and the monthly workforce return: FTE by kind of worker, vacancies, starters and
leavers, caseloads. The return follows the shared approvals life (trust_portal.approvals), as
performance returns and budget monitoring do."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from trust_portal.accounts.attribution import kept_history
from trust_portal.approvals.models import Submission

FTE_FIELDS = (
    "establishment_fte",
    "experienced_fte",
    "asye_fte",
    "international_fte",
    "agency_fte",
    "agency_over_establishment_fte",
    "vacant_fte",
    "starters_fte",
    "leavers_fte",
    "case_holding_fte",
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
    history = kept_history()

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

    # All the trust's staff, not only social workers (optional): what an all-staff turnover,
    # as a trust reports it to its board, is worked out from. Never the census's turnover.
    all_staff_fte = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="All the trust's staff in post at the month end, FTE (optional).",
    )
    all_staff_leavers_fte = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Leavers among all the trust's staff in the 12 months to the month end, FTE.",
    )

    class Meta:
        ordering = ["-period", "-revision"]
        constraints = Submission.submission_constraints("workforce_return")


class TeamFigures(models.Model):
    """One team's figures in one workforce return. FTE to two decimal places; the posts add
    up: establishment = experienced + ASYE + international first year + agency covering a
    vacant post + vacant with no cover. Agency workers over and above the establishment are
    agency FTE but fill no post. ``vacant_fte`` is the posts with nobody in them; the DfE
    census's vacancies are those and the posts agency workers cover (``census_vacancies_fte``).
    """

    workforce_return = models.ForeignKey(
        WorkforceReturn, on_delete=models.CASCADE, related_name="figures"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="figures")
    establishment_fte = _fte("Funded social worker posts, FTE.")
    experienced_fte = _fte("Experienced permanent social workers, FTE.")
    asye_fte = _fte("Newly qualified permanent social workers in their assessed year, FTE.")
    international_fte = _fte("International social workers in their first year, FTE.")
    agency_fte = _fte("Agency social workers, FTE: all of them, covering a post or not.")
    agency_over_establishment_fte = _fte(
        "Of the agency FTE, those over and above the establishment (not covering a vacant post)."
    )
    vacant_fte = _fte("Posts with nobody in them and no agency cover, FTE.")
    starters = models.PositiveIntegerField(default=0, help_text="Permanent starters, heads.")
    starters_fte = _fte("Permanent starters, FTE.")
    leavers = models.PositiveIntegerField(default=0, help_text="Permanent leavers, heads.")
    leavers_fte = _fte("Permanent leavers, FTE.")
    open_cases = models.PositiveIntegerField(default=0)
    workers_holding_cases = models.PositiveIntegerField(default=0)
    case_holding_fte = _fte(
        "FTE of the social workers (permanent and agency) holding one or more cases at the "
        "month end."
    )
    workers_over_limit = models.PositiveIntegerField(default=0)
    unallocated_cases = models.PositiveIntegerField(default=0)
    history = kept_history()

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

    @property
    def agency_covering_fte(self) -> Decimal:
        """Agency FTE covering a vacant post (the rest are over the establishment)."""
        return self.agency_fte - self.agency_over_establishment_fte

    @property
    def census_vacancies_fte(self) -> Decimal:
        """The DfE census's vacancies: every vacant post, covered by an agency worker or not."""
        return self.vacant_fte + self.agency_covering_fte

    def clean(self):
        errors = {}
        if self.agency_over_establishment_fte > self.agency_fte:
            errors["agency_over_establishment_fte"] = (
                f"Agency workers over the establishment ({self.agency_over_establishment_fte} "
                f"FTE) cannot be more than all the agency workers ({self.agency_fte} FTE)."
            )
        else:
            posts = self.employed_fte + self.agency_covering_fte + self.vacant_fte
            if posts != self.establishment_fte:
                errors["establishment_fte"] = (
                    f"The posts do not add up: employed {self.employed_fte} + agency covering a "
                    f"vacant post {self.agency_covering_fte} + vacant with no cover "
                    f"{self.vacant_fte} = {posts} FTE, but the establishment is "
                    f"{self.establishment_fte} FTE."
                )
        errors.update(self._caseload_errors())
        if self.starters_fte > self.starters:
            errors["starters_fte"] = "Starters' FTE cannot be more than the number of starters."
        if self.leavers_fte > self.leavers:
            errors["leavers_fte"] = "Leavers' FTE cannot be more than the number of leavers."
        if errors:
            raise ValidationError(errors)

    def _caseload_errors(self) -> dict[str, str]:
        errors = {}
        if self.workers_over_limit > self.workers_holding_cases:
            errors["workers_over_limit"] = (
                "Workers above the caseload limit cannot be more than the workers holding cases."
            )
        in_post = self.employed_fte + self.agency_fte
        if self.case_holding_fte > self.workers_holding_cases:
            errors["case_holding_fte"] = (
                f"The case-holding FTE ({self.case_holding_fte}) cannot be more than the "
                f"{self.workers_holding_cases} workers holding cases: nobody is more than 1 FTE."
            )
        elif self.case_holding_fte > in_post:
            errors["case_holding_fte"] = (
                f"The case-holding FTE ({self.case_holding_fte}) cannot be more than the social "
                f"workers in post: employed + agency = {in_post} FTE."
            )
        elif self.workers_holding_cases and not self.case_holding_fte:
            errors["case_holding_fte"] = (
                f"{self.workers_holding_cases} workers hold cases: enter their FTE."
            )
        return errors
