"""Forms of the variation pages: requesting a variation, the councils' decision on it."""

from django import forms

from contracts.forms.contracts import DATE, _amount, _note, _reason
from contracts.models import FundingLine, Variation
from trust_portal.govuk_forms import GovukForm


class VariationForm(GovukForm):
    """One form for every kind of variation; the fields a kind does not use are ignored."""

    kind = forms.ChoiceField(
        choices=Variation.Kind.choices, label="What does it change?", widget=forms.RadioSelect
    )
    reason = _reason("Why is the change needed?", "The requesters and approvers see this.")
    line = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Funding line",
        help_text="For a change of amount or a removal.",
    )
    amount = _amount("New amount (£)", "For a new line or a change of amount.")
    block = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "Choose a block"), *FundingLine.Block.choices],
        label="Block of the new line",
    )
    name = forms.CharField(required=False, max_length=200, label="Name of the new line")
    recurring = forms.BooleanField(required=False, label="The new line is recurring")
    basis = _note(
        "Basis of the split", "For a split: how it was set (population, demand, the weighting)."
    )

    def __init__(self, *args, contract_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].required = False
        self.fields["line"].queryset = contract_year.lines.all()
        if contract_year.state == contract_year.State.DRAFT:
            # A draft's lines are changed directly; only its split needs a variation.
            self.fields["kind"].choices = [(Variation.Kind.SPLIT, Variation.Kind.SPLIT.label)]
        self.councils = list(contract_year.arrangement.councils.order_by("code"))
        for council in self.councils:
            self.fields[f"share_{council.code}"] = forms.CharField(
                required=False,
                label=f"{council.name} share (%)",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input"}),
            )

    def share_fields(self):
        return [self[f"share_{c.code}"] for c in self.councils]

    def proposal(self) -> dict:
        data = self.cleaned_data
        return {
            "line": data.get("line"),
            "amount": data.get("amount"),
            "block": data.get("block"),
            "name": data.get("name"),
            "recurring": data.get("recurring"),
            "basis": data.get("basis"),
            "shares": {c.code: data.get(f"share_{c.code}", "") for c in self.councils},
        }


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")],
        widget=forms.RadioSelect,
        label="The councils' decision",
    )
    decision_date = forms.DateField(label="Date of the councils' joint decision", widget=DATE)
    note = _note("Decision note", "Required for a rejection: why.")
