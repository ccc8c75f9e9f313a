"""Forms of the contracts pages. Amounts are typed as text ("2,580,000.00", "£3,291,000") and
read to the penny by the services, which say what is wrong with them."""

from django import forms

from contracts.models import ServiceContract
from trust_portal.govuk_forms import GovukForm

DATE = forms.DateInput(attrs={"type": "date"})


def _reason(label="Why it changes", hint="Kept in the history with your name."):
    return forms.CharField(label=label, help_text=hint, widget=forms.Textarea(attrs={"rows": 2}))


def _note(label: str, hint: str):
    """A short optional text: a note, or the basis of a split."""
    return forms.CharField(
        required=False, label=label, help_text=hint, widget=forms.Textarea(attrs={"rows": 2})
    )


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
