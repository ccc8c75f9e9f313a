"""Forms of the scrutiny committee pack: the month to preview, the threshold below which counts
are hidden, and what an issued pack records."""

from django import forms

from trust_portal.dashboards import packs
from trust_portal.govuk_forms import GovukForm
from trust_portal.periods import MONTH, month_text_problem


def _threshold_field():
    return forms.IntegerField(
        label="Hide counts below",
        help_text="Counts from 1 up to one less than this print as “fewer than …”; zero is shown.",
        min_value=packs.THRESHOLD_MIN,
        max_value=packs.THRESHOLD_MAX,
        initial=packs.default_threshold,
    )


class MonthForm(GovukForm):
    month = forms.RegexField(
        label="Month",
        help_text="For example, 2024-07.",
        regex=MONTH,
        error_messages={"invalid": "Enter the month as year and month, for example 2024-07"},
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        problem = month_text_problem(month)
        if problem:
            raise forms.ValidationError(problem)
        return month


class ThresholdForm(GovukForm):
    threshold = _threshold_field()
    details = forms.BooleanField(
        label="Show the details: indicator codes and the counts behind each figure",
        help_text="Off in an issued pack; small counts stay hidden either way.",
        required=False,
    )


class IssueForm(GovukForm):
    threshold = _threshold_field()
    title = forms.CharField(
        label="Title (optional)",
        help_text="For example, Children's Services Scrutiny Committee: July 2024 performance.",
        max_length=200,
        required=False,
    )
    committee = forms.CharField(label="Committee (optional)", max_length=200, required=False)
    meeting_date = forms.DateField(
        label="Meeting date (optional)", help_text="For example, 18/09/2024.", required=False
    )
