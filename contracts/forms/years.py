"""Forms of the contract year pages: a new year, its funding lines, grants and adjustments,
removing a row, agreement."""

from django import forms

from contracts.forms.contracts import DATE, CouncilChoiceField, _amount, _note, _reason
from contracts.models import FundingLine
from trust_portal.govuk_forms import GovukForm


class ContractYearForm(GovukForm):
    financial_year = forms.TypedChoiceField(coerce=int, label="Financial year")

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = [(y, f"{y}/{(y + 1) % 100:02d}") for y in years]


class LineForm(GovukForm):
    block = forms.TypedChoiceField(coerce=int, choices=FundingLine.Block.choices)
    name = forms.CharField(max_length=200)
    amount = _amount()
    recurring = forms.BooleanField(
        required=False,
        label="Recurring (carried into next year by a rollover)",
        help_text="Block 1 core funding is always recurring.",
    )
    funded_by = CouncilChoiceField(
        queryset=None,
        required=False,
        label="Funded by one council alone (Block 3 only)",
        help_text="Leave empty when the councils fund it by the year's split.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = _reason()

    def __init__(self, *args, arrangement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funded_by"].queryset = arrangement.councils.order_by("code")


class MoneyRowForm(GovukForm):
    """A passported grant or an adjustment."""

    council = CouncilChoiceField(queryset=None)
    name = forms.CharField(max_length=200)
    amount = _amount()
    reason = _reason()

    def __init__(self, *args, arrangement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = arrangement.councils.order_by("code")


class RemoveForm(GovukForm):
    reason = _reason("Why it is removed")


class AgreeForm(GovukForm):
    agreed_on = forms.DateField(label="Date of the councils' joint decision", widget=DATE)
    note = _note("Note", "For example the meeting or decision notice.")
