"""Forms of the contracts pages. Amounts are typed as text ("2,580,000.00", "£3,291,000") and
read to the penny by the services, which say what is wrong with them."""

from django import forms

from contracts.models import FundingLine, ServiceContract, Variation
from trust_portal.govuk_forms import GovukForm

DATE = forms.DateInput(attrs={"type": "date"})


def _reason(label="Why it changes", hint="Kept in the history with your name."):
    return forms.CharField(label=label, help_text=hint, widget=forms.Textarea(attrs={"rows": 2}))


def _amount(label="Amount (£)", hint="Pounds and pence, for example 2,580,000.00."):
    return forms.CharField(
        label=label,
        help_text=hint,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )


class CouncilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class ContractForm(GovukForm):
    council = CouncilChoiceField(queryset=None, label="Council")
    reference = forms.CharField(max_length=50, help_text="For example NCT-SC-WNC-2023.")
    title = forms.CharField(max_length=200)
    starts_on = forms.DateField(label="Start date", widget=DATE)
    ends_on = forms.DateField(
        label="End date",
        widget=DATE,
        help_text="The last day: three to five years after the start.",
    )
    status = forms.ChoiceField(choices=ServiceContract.Status.choices)
    obligations = forms.CharField(
        label="Key obligations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The service specification's key obligations, one per line.",
    )

    def __init__(self, *args, arrangement, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = arrangement.councils.order_by("code")
        if editing:
            del self.fields["council"], self.fields["reference"]
            self.fields["reason"] = _reason()

    def obligation_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["obligations"].splitlines()]


class DocumentForm(GovukForm):
    title = forms.CharField(max_length=200, help_text="For example 'Signed contract'.")
    file = forms.FileField(
        help_text="PDF, Word, Excel, OpenDocument or text, up to 25 MB.",
        error_messages={"required": "Select the document to attach"},
    )


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
    note = forms.CharField(
        required=False,
        label="Note",
        help_text="For example the meeting or decision notice.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


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
    basis = forms.CharField(
        required=False,
        label="Basis of the split",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For a split: how it was set (population, demand, the weighting).",
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
    note = forms.CharField(
        required=False,
        label="Decision note",
        help_text="Required for a rejection: why.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
