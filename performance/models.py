"""The indicator catalogue: definitions (global, versioned) and targets (per arrangement and
financial year). Monthly returns and their measurements come with the rest of issue 3."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import pluralize
from django.utils import timezone

from trust_portal.accounts.attribution import kept_history
from trust_portal.approvals.models import Submission
from trust_portal.history import as_recorded
from trust_portal.periods import financial_year_of, first_of_month

indicator_code = RegexValidator(
    r"^[A-Z][A-Z0-9_]{1,49}$",
    "Use capital letters, digits and underscores (for example CIN_VISIT_IN_TIME).",
)


class IndicatorQuerySet(models.QuerySet):
    def with_definitions(self, at=None):
        """With their definitions' versions; at the past moment ``at``, those written by then."""
        if at is None:
            return self.prefetch_related("definitions")
        written = IndicatorDefinition.objects.filter(changed_at__lte=at)
        return self.prefetch_related(models.Prefetch("definitions", queryset=written))


class Indicator(models.Model):
    """What is measured. Its words live in versioned IndicatorDefinition rows."""

    class Domain(models.TextChoices):
        FRONT_DOOR = "front_door", "Front door"
        CHILD_IN_NEED = "child_in_need", "Child in need"
        CHILD_PROTECTION = "child_protection", "Child protection"
        LOOKED_AFTER = "looked_after", "Looked after"
        CARE_LEAVERS = "care_leavers", "Care leavers"
        WORKFORCE = "workforce", "Workforce"

    class Unit(models.TextChoices):
        PERCENTAGE = "percentage", "Percentage (numerator and denominator)"
        COUNT = "count", "Count"
        DAYS = "days", "Days"
        RATIO = "ratio", "Ratio (numerator per denominator)"

    class Polarity(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        CONTEXT = "context", "Context only (no RAG)"

    code = models.CharField(max_length=50, unique=True, validators=[indicator_code])
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=30, choices=Domain.choices)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    national_name = models.CharField(
        "DfE or Ofsted name", max_length=300, blank=True, help_text="Where one exists."
    )
    from_extract = models.BooleanField("computed from the child-level extract", default=False)
    additive = models.BooleanField(
        default=True,
        help_text="Whether areas add up to the whole. Not for average caseload or workers over "
        "the limit: one worker may hold cases in several areas.",
    )

    class EnteredIn(models.TextChoices):
        PERFORMANCE = "performance", "The monthly performance return"
        WORKFORCE = "workforce", "The monthly workforce return (derived from its FTE figures)"

    entered_in = models.CharField(
        max_length=12,
        choices=EnteredIn.choices,
        default=EnteredIn.PERFORMANCE,
        help_text="Which monthly return its figures come from.",
    )
    display_order = models.PositiveSmallIntegerField(default=0)
    history = kept_history()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(polarity__in=["higher", "lower", "context"]),
                name="indicator_polarity_known",
            ),
            models.CheckConstraint(
                condition=Q(unit__in=["percentage", "count", "days", "ratio"]),
                name="indicator_unit_known",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def has_rag(self) -> bool:
        return self.polarity != self.Polarity.CONTEXT

    @property
    def has_denominator(self) -> bool:
        return self.unit in (self.Unit.PERCENTAGE, self.Unit.RATIO)

    def definition_for(self, month: date) -> "IndicatorDefinition | None":
        """The definition in force in a month: the latest version valid from then or before."""
        month = first_of_month(month)
        versions = [d for d in self.definitions.all() if d.valid_from <= month]
        return max(versions, key=lambda d: d.version, default=None)


class IndicatorDefinition(models.Model):
    """One version of an indicator's words. A new version never changes past months."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="definitions")
    version = models.PositiveSmallIntegerField()
    valid_from = models.DateField(help_text="First month this version applies to.")
    definition = models.TextField(help_text="Plain English: what is counted, and when.")
    why_it_matters = models.TextField()
    numerator_words = models.CharField("numerator in short words", max_length=200, blank=True)
    denominator_words = models.CharField("denominator in short words", max_length=200, blank=True)
    reviewed_by = models.CharField(max_length=200, help_text="Who reviewed this wording.")
    reviewed_on = models.DateField()
    change_reason = models.CharField(max_length=500)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "version"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "version"], name="one_definition_version"),
            models.UniqueConstraint(
                fields=["indicator", "valid_from"], name="one_definition_per_start_month"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} v{self.version} from {self.valid_from:%b %Y}"

    def clean(self):
        if self.valid_from and self.valid_from.day != 1:
            raise ValidationError({"valid_from": "A definition starts on the first of a month."})


class PerformanceSettings(models.Model):
    """The rules an arrangement's performance figures are computed and rated under, from a month
    on: each row holds every rule, in force from its ``valid_from`` until the next row's. A
    change is a new row, so months before it keep the rules they were judged under (as targets
    and definitions do). The first row is in force from the beginning: every month before it
    too. An arrangement with no row is judged under the defaults."""

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.CASCADE, related_name="performance_settings"
    )
    valid_from = models.DateField(
        "applies from", help_text="First month these rules apply to (the first day of it)."
    )
    cin_visit_days = models.PositiveSmallIntegerField(default=28, validators=[MinValueValidator(1)])
    cp_visit_days = models.PositiveSmallIntegerField(default=14, validators=[MinValueValidator(1)])
    lac_visit_days = models.PositiveSmallIntegerField(default=42, validators=[MinValueValidator(1)])
    cl_contact_days = models.PositiveSmallIntegerField(
        default=56, validators=[MinValueValidator(1)]
    )
    caseload_limit = models.PositiveSmallIntegerField(default=20, validators=[MinValueValidator(1)])
    small_number = models.PositiveSmallIntegerField(
        default=10,
        help_text="Below this denominator a RAG is marked 'small numbers'.",
    )
    due_working_day = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1)],
        help_text="A month's return is due by this working day of the following month.",
    )
    query_change_points = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=10,
        help_text="A change from last month larger than this (percentage points) needs a comment.",
    )
    reason = models.CharField(
        max_length=1000, blank=True, help_text="Why the rules change from this month."
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True, null=True)
    history = kept_history()

    class Meta:
        ordering = ["arrangement", "valid_from"]
        verbose_name = "performance rules"
        verbose_name_plural = "performance rules"
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "valid_from"], name="one_rules_change_per_month"
            ),
        ]

    def __str__(self):
        return f"Performance rules for {self.arrangement.code} from {self.valid_from:%B %Y}"

    def clean(self):
        if self.valid_from and self.valid_from.day != 1:
            raise ValidationError({"valid_from": "Rules start on the first of a month."})

    @classmethod
    def of(cls, arrangement, month: date | None = None) -> "PerformanceSettings":
        """The rules in force for ``month`` (this month if none is given), or the defaults
        (unsaved, without a ``valid_from``) if the arrangement has none: reading pages never
        write. One query; ``RuleBook`` reads every row once for many months."""
        return RuleBook.of(arrangement).at(month or timezone.localdate())


class RuleBook:
    """Every row of an arrangement's performance rules, read once, oldest first: ``at(month)``
    is the row in force for a month."""

    def __init__(self, arrangement, rows: list[PerformanceSettings]):
        self.arrangement = arrangement
        self.rows = sorted(rows, key=lambda r: r.valid_from)
        self.defaults = PerformanceSettings(arrangement=arrangement)

    @classmethod
    def of(cls, arrangement, at=None) -> "RuleBook":
        """The arrangement's rules now, or as recorded at the past moment ``at``."""
        if at:
            return cls(
                arrangement, as_recorded(PerformanceSettings, at, arrangement_id=arrangement.pk)
            )
        return cls(arrangement, list(PerformanceSettings.objects.filter(arrangement=arrangement)))

    def at(self, month: date) -> PerformanceSettings:
        """The latest row starting in or before the month; before the first row, the first
        (it is in force from the beginning); with no row, the defaults."""
        month = first_of_month(month)
        found = self.rows[0] if self.rows else self.defaults
        for row in self.rows:
            if row.valid_from <= month:
                found = row
        return found

    @property
    def first(self) -> PerformanceSettings | None:
        return self.rows[0] if self.rows else None


class TargetQuerySet(models.QuerySet):
    def in_force(self, *, arrangement, month: date, at=None):
        """{indicator id: target} for a month: each indicator's latest target set for that
        financial year and valid from that month or earlier (as recorded at the past moment
        ``at``, if given: the rows then, as they were)."""
        month = first_of_month(month)
        which = {
            "arrangement_id": arrangement.pk,
            "financial_year": financial_year_of(month),
            "valid_from__lte": month,
        }
        if at:
            rows = sorted(
                as_recorded(self.model, at, **which),
                key=lambda r: (r.indicator_id, r.valid_from, r.pk),
            )
        else:
            rows = self.filter(**which).order_by("indicator_id", "valid_from", "pk")
        result = {}
        for row in rows:
            result[row.indicator_id] = row  # later rows replace earlier ones
        return result


class Target(models.Model):
    """A target and tolerance for one indicator in one arrangement's financial year.

    A change during the year is a new row valid from its month, so earlier months keep the
    target they were judged against.
    """

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts: 2024 means 2024/25."
    )
    valid_from = models.DateField()
    target = models.DecimalField(max_digits=9, decimal_places=2)
    tolerance = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="In the indicator's own units (percentage points for percentages).",
    )
    reason = models.CharField(max_length=500)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)
    history = kept_history()

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["arrangement", "indicator", "financial_year", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "indicator", "valid_from"], name="one_target_per_start"
            ),
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="tolerance_not_negative"),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.target} ± {self.tolerance} ({self.financial_year})"

    def clean(self):
        if self.valid_from:
            if self.valid_from.day != 1:
                raise ValidationError({"valid_from": "A target starts on the first of a month."})
            if self.financial_year and financial_year_of(self.valid_from) != self.financial_year:
                raise ValidationError(
                    {"valid_from": "The start month must fall in the target's financial year."}
                )
        if self.indicator_id and not self.indicator.has_rag:
            raise ValidationError(
                {"indicator": f"{self.indicator.name} is context only and has no target."}
            )


ALL_AREAS = "ALL"


class MonthlyReturn(Submission):
    """One arrangement's performance figures for one month (one row per revision)."""

    title_words = "performance return"
    detail_url_name = "performance:return-detail"

    class Meta:
        ordering = ["-period", "-revision"]
        constraints = Submission.submission_constraints("monthly_return")


class Measurement(models.Model):
    """One indicator's figure for one council area (or all areas) in one return."""

    class Source(models.TextChoices):
        FORM = "form", "Entered in the form"
        EXCEL = "excel", "Uploaded in the Excel template"
        EXTRACT = "extract", "Computed from the child-level extract"
        DEMO = "demo", "Demo data"

    monthly_return = models.ForeignKey(
        MonthlyReturn, on_delete=models.CASCADE, related_name="measurements"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    area = models.CharField(max_length=10, help_text="A council's code, or ALL.")
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    extract_upload = models.ForeignKey(
        "ExtractUpload",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The child-level extract this figure was computed from, if any.",
    )
    history = kept_history()

    class Meta:
        ordering = ["indicator__display_order", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["monthly_return", "indicator", "area"], name="one_figure_per_cell"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.area}: {self.numerator}/{self.denominator}"


class Commentary(models.Model):
    """The trust's words on one indicator in one return (needed where a figure of it needs
    commentary: red, or changed sharply)."""

    monthly_return = models.ForeignKey(
        MonthlyReturn, on_delete=models.CASCADE, related_name="commentaries"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    history = kept_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["monthly_return", "indicator"], name="one_commentary_per_indicator"
            )
        ]

    def __str__(self):
        return f"Commentary on {self.indicator.code}"


class ExtractUpload(models.Model):
    """One child-level extract uploaded into a draft return: what is kept of it once its job
    has run. The file itself is deleted as soon as it has been read (CHILD_EXTRACT.md,
    "Privacy"); what stays is its fingerprint, who sent it, and, for a rejected file, the error
    report (no child id) for 30 days."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being checked"
        DONE = "done", "Figures filled"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Could not be used"

    FINISHED = (State.DONE, State.REJECTED, State.FAILED)
    KEEP_ERRORS_DAYS = 30

    monthly_return = models.ForeignKey(
        MonthlyReturn, on_delete=models.PROTECT, related_name="extract_uploads"
    )
    as_at = models.DateField(help_text="The extract is taken as at this date.")
    filename = models.CharField(max_length=255)
    storage_name = models.CharField(
        max_length=255,
        blank=True,
        help_text="Where the file waits for its job; blank once deleted.",
    )
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    row_count = models.PositiveIntegerField(null=True, blank=True)
    based_on_version = models.PositiveIntegerField(
        help_text="The draft's version when the file was uploaded: a draft changed meanwhile "
        "is not overwritten."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    stage = models.CharField(max_length=100, blank=True)
    # When its check last started: one running longer than the lease had its worker die.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True, help_text="Why the file could not be used.")
    figures_filled = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="The error report: row, column, value, reason."
    )
    errors_deleted_at = models.DateTimeField(null=True, blank=True)
    changes = models.JSONField(
        default=list,
        blank=True,
        help_text="The figures the upload changed (aggregates only): indicator, area, the "
        "figure before and after, and whether a commentary had been written for the old one.",
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="progress_at_most_100"),
        ]

    def __str__(self):
        return f"Extract {self.sha256[:12]} for {self.monthly_return}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse(
            "performance:extract-upload-detail",
            args=[self.monthly_return.arrangement.code, self.pk],
        )

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def status(self) -> str:
        """The one status line every place shows (the headline, the summary, the polled
        status, the return's list of uploads), in plain words."""
        if self.state == self.State.QUEUED:
            return "Queued: checking starts in a moment"
        if self.state == self.State.RUNNING:
            return f"{self.stage or 'Checking the file'}: {self.progress}% done"
        if self.state == self.State.DONE:
            filled, changed = self.figures_filled, len(self.changes)
            return f"Done: {filled:,} figure{pluralize(filled)} filled, {changed:,} changed"
        if self.state == self.State.REJECTED:
            count = self.error_count
            return f"Rejected: {count:,} error{pluralize(count)}, nothing filled"
        return "Could not be used: nothing filled"

    @property
    def source_text(self) -> str:
        """Where a figure computed from this upload came from, in words: "extract uploaded
        6 December 2026, 18:04, by Helen Marsh (603,987 rows)" (UK time)."""
        at = timezone.localtime(self.uploaded_at)
        who = self.uploaded_by.get_full_name() or self.uploaded_by.get_username()
        rows = "" if self.row_count is None else f" ({self.row_count:,} rows)"
        return f"extract uploaded {at.day} {at:%B %Y, %H:%M}, by {who}{rows}"


class Benchmark(models.Model):
    """A published comparison figure for one indicator and financial year: the England
    average, the statistical neighbours' average, for all areas or for one council; or the
    joint area's own published figure, for the councils together (the DfE publishes one
    workforce return for North and West Northamptonshire), only ever for all areas."""

    class Kind(models.TextChoices):
        ENGLAND = "england", "England average"
        STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours' average"
        JOINT_AREA = "joint_area", "Joint area's published figure (the councils together)"

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.CASCADE, related_name="benchmarks"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="benchmarks")
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts: 2024 means 2024/25."
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    area = models.CharField(
        max_length=10,
        default=ALL_AREAS,
        help_text="A council's code, or ALL for the arrangement as a whole.",
    )
    value = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        help_text="In the indicator's own units (a percentage as 85.5).",
    )
    source = models.CharField(
        max_length=500, help_text="The publication and table the figure comes from."
    )
    note = models.TextField(
        blank=True,
        help_text="For example where a published figure covers more than one council.",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)
    history = kept_history()

    class Meta:
        ordering = ["-financial_year", "indicator__display_order", "kind", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "indicator", "financial_year", "kind", "area"],
                name="one_benchmark_per_year_kind_area",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["england", "statistical_neighbours", "joint_area"]),
                name="benchmark_kind_known",
            ),
            models.CheckConstraint(
                condition=~Q(kind="joint_area") | Q(area=ALL_AREAS),
                name="joint_area_benchmark_for_all_areas",
            ),
        ]

    def __str__(self):
        return (
            f"{self.indicator.code} {self.get_kind_display()} {self.area} "
            f"{self.financial_year}: {self.value}"
        )
