"""Forms of the transformation programme's pages: projects, business cases with their cost by
year, the board's decision and monthly spend (board meetings: forms/meetings.py). Amounts are
typed as text ("250,000.00", "£250,000") and read to the penny by the services, which say what
is wrong."""

from django import forms

from contracts.forms.contracts import _amount, _reason
from contracts.models import ContractYear, FundingLine
from transformation.models import BusinessCase, Project, Theme
from trust_portal.govuk_forms import GovukForm
from trust_portal.numbers import money_text
from trust_portal.periods import financial_year_label as fy_label

TEXT = forms.Textarea(attrs={"rows": 3})
# A date input shows the date it is given as YYYY-MM-DD, whatever the locale's format.
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class ProjectForm(GovukForm):
    theme = forms.ChoiceField(choices=Theme.choices, label="Theme")
    name = forms.CharField(max_length=200, label="Project name")
    owner = forms.CharField(
        max_length=200, help_text="Who leads it, e.g. 'Director of Children's Services, NCT'."
    )
    status = forms.ChoiceField(choices=Project.Status.choices)
    tag = forms.CharField(
        max_length=100,
        required=False,
        label="Reported under (optional)",
        help_text="A heading it is reported under that is not one of the six themes, as published.",
    )
    description = forms.CharField(required=False, widget=TEXT)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["reason"] = _reason()


class Block2LineField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.contract_year.label}: {obj.name} ({money_text(obj.amount)})"


def cost_field_name(year: int) -> str:
    return f"cost_{year}"  # the name the service gives its errors (services._costs)


class CaseForm(GovukForm):
    reference = forms.CharField(max_length=20, help_text="Unique in the programme, e.g. BC14.")
    title = forms.CharField(max_length=200)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    funding = forms.ChoiceField(
        choices=BusinessCase.Funding.choices,
        widget=forms.RadioSelect,
        label="Funding source",
        help_text="Block 3 money is released only when the board approves the case, from each "
        "year's provision.",
    )
    block2_line = Block2LineField(
        queryset=FundingLine.objects.none(),
        required=False,
        empty_label="None: funded from Block 3",
        label="Block 2 item (for Block 2 funding)",
        help_text="The transformation item of an agreed contract year that pays for it.",
    )
    expected_benefits = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    risks = forms.CharField(
        required=False,
        widget=TEXT,
        help_text="The main risks, in words; the risk register holds them.",
    )

    def __init__(self, *args, arrangement, years, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        self.fields["block2_line"].queryset = FundingLine.objects.filter(
            block=FundingLine.Block.TRANSFORMATION_ITEM,
            contract_year__arrangement=arrangement,
            contract_year__state=ContractYear.State.AGREED,
        ).select_related("contract_year")
        for year in self.years:
            self.fields[cost_field_name(year)] = _amount(
                f"Cost in {fy_label(year)} (£, optional)",
                "Leave empty if it costs nothing that year.",
            )
            self.fields[cost_field_name(year)].required = False
        if editing:
            self.fields["reason"] = _reason()

    def cost_fields(self):
        return [self[cost_field_name(y)] for y in self.years]

    def costs(self) -> dict:
        return {y: self.cleaned_data.get(cost_field_name(y), "") for y in self.years}


class DecideForm(GovukForm):
    decision = forms.ChoiceField(
        choices=[
            ("approve", "Approved"),
            ("reject", "Rejected"),
            ("defer", "Deferred: back to the trust to change and submit again"),
        ],
        widget=forms.RadioSelect,
        label="The board's decision",
    )
    meeting = forms.ChoiceField(
        label="The board meeting that decided it",
        help_text="Meetings held since the case was submitted. Record the meeting first if it "
        "is not listed.",
    )
    note = forms.CharField(
        required=False,
        label="Decision note",
        help_text="Required unless approved: why the board did not approve it.",
        widget=TEXT,
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {f"{m.held_on:%Y-%m-%d}": m for m in meetings}
        self.fields["meeting"].choices = [("", "Choose a meeting")] + [
            (key, str(m)) for key, m in self.meetings.items()
        ]

    def chosen_meeting(self):
        return self.meetings.get(self.cleaned_data["meeting"])


class SpendForm(GovukForm):
    month = forms.DateField(
        widget=MONTH,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text="For example 2024-10. A second report for a month replaces the first.",
    )
    amount = _amount("Spent that month (£)", "Pounds and pence, for example 12,500.00.")
    note = forms.CharField(max_length=300, required=False)
