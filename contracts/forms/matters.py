"""Forms of the reserved matters pages; the rules themselves are in
``contracts/services/matters.py``."""

import django_filters
from django import forms

from contracts.models import Consent, ReservedDecision
from contracts.services.matters import OUTCOMES
from trust_portal.govuk_forms import GovukForm

DATE = forms.DateInput(attrs={"type": "date"})


def _text(rows: int, **kwargs):
    return forms.CharField(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class MatterForm(GovukForm):
    reference = forms.CharField(
        max_length=20, help_text="As the articles number it, for example RM4 or 4.2(a)."
    )
    title = forms.CharField(max_length=200)
    description = _text(4, help_text="What the councils must consent to.")
    source = forms.CharField(
        max_length=200,
        required=False,
        help_text="Where the articles or the members' agreement say so, for example "
        "'Articles of association, article 12'.",
    )
    reason = _text(2, label="Why it changes", help_text="Kept in the history with your name.")


class DecisionForm(GovukForm):
    title = forms.CharField(max_length=200, help_text="What the trust asks the councils to agree.")
    description = _text(4, help_text="The proposal, and where the councils can read it.")
    requested_on = forms.DateField(
        label="Date requested", widget=DATE, help_text="When the trust asked: today or earlier."
    )


class ConsentForm(GovukForm):
    answer = forms.ChoiceField(
        label="Your council's answer",
        choices=[(Consent.Answer.CONSENT, "Consent"), (Consent.Answer.REFUSE, "Refuse")],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(
        label="Date of the council's decision",
        widget=DATE,
        help_text="The meeting or delegated decision that gave the answer.",
    )
    note = _text(
        2,
        label="Reference or minute",
        required=False,
        help_text="For example 'Executive, 18 July 2024, minute 45'.",
    )

    def __init__(self, *args, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        if correcting:
            self.fields["reason"] = _text(
                2, label="Why it is corrected", help_text="Kept in the history with your name."
            )


class DecisionFilter(django_filters.FilterSet):
    """The decision log's filter, on its page and in the API (which adds more)."""

    outcome = django_filters.ChoiceFilter(
        label="Show",
        field_name="current_outcome",  # matters.with_outcome
        choices=OUTCOMES,
        empty_label="All decisions",
    )

    class Meta:
        model = ReservedDecision
        fields = ["outcome"]
        form = GovukForm
