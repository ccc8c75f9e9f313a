from django import forms
from django.core.exceptions import ValidationError

from performance.forms.uploads import SmallFileForm
from performance.models import Benchmark, Indicator
from performance.services import benchmarks
from trust_portal.govuk_forms import DecimalField, GovukForm, IntegerField


class BenchmarkForm(GovukForm):
    indicator = forms.ChoiceField()
    financial_year = IntegerField(
        label="Financial year",
        help_text="The year it starts: 2024 means 2024/25.",
        min_value=benchmarks.FIRST_YEAR,
        max_value=benchmarks.LAST_YEAR,
    )
    kind = forms.ChoiceField(label="Benchmark", choices=Benchmark.Kind.choices)
    area = forms.ChoiceField(
        label="Area",
        help_text="ALL where the published figure covers the arrangement as a whole. A figure "
        "published for the councils together is the joint area's: ALL, never one council.",
    )
    value = DecimalField(
        max_digits=9,
        decimal_places=2,
        help_text="In the indicator's own units: a percentage as 85.5.",
    )
    source = forms.CharField(
        max_length=500,
        help_text="The publication and table, for example its title, year and table number.",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: for example where the published figure covers more than one council.",
    )
    reason = forms.CharField(
        label="Why it changes", max_length=500, help_text="Recorded in its history."
    )

    def __init__(self, *args, arrangement, changing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [
            ("", "Choose an indicator"),
            *((i.code, f"{i.name} ({i.code})") for i in Indicator.objects.all()),
        ]
        self.fields["area"].choices = [(a, a) for a in benchmarks.areas_allowed(arrangement)]
        if not changing:
            del self.fields["reason"]

    def clean_indicator(self):
        code = self.cleaned_data["indicator"]
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            raise ValidationError("Choose an indicator.")
        return indicator


class BenchmarkImportForm(SmallFileForm):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns indicator, financial_year, kind, area, value, source, note. Smaller "
        "than 1 MB.",
    )
    max_bytes = benchmarks.MAX_BYTES
    too_big = "The file must be smaller than 1 MB."
