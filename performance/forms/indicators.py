from django import forms

from trust_portal.govuk_forms import DecimalField, GovukForm
from trust_portal.periods import financial_year_label


class TargetForm(GovukForm):
    financial_year = forms.TypedChoiceField(coerce=int, label="Financial year")
    valid_from = forms.DateField(
        label="Applies from",
        help_text="The first day of a month, for example 2026-12-01. Leave empty for the start "
        "of the year (only when the year has no target yet).",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    target = DecimalField(max_digits=9, decimal_places=2)
    tolerance = DecimalField(
        max_digits=9,
        decimal_places=2,
        min_value=0,
        help_text="How far short of the target is still amber, in the indicator's units "
        "(percentage points for percentages).",
    )
    reason = forms.CharField(max_length=500, help_text="Recorded with the change.")

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = [(y, financial_year_label(y)) for y in years]


class DefinitionForm(GovukForm):
    valid_from = forms.DateField(
        label="Applies from",
        help_text="The first day of a month, this month or later.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    definition = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    why_it_matters = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    numerator_words = forms.CharField(label="Numerator in short words", required=False)
    denominator_words = forms.CharField(label="Denominator in short words", required=False)
    reviewed_by = forms.CharField(help_text="Who reviewed the new wording.")
    reviewed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    change_reason = forms.CharField(label="Why it changes", max_length=500)
