"""The forms every kind of return shares: starting a month, the figures' base (the optimistic
lock's version and where a service's errors go), a query for the trust (and the row it is
about), the trust's answer to one, a correction's reason.

A kind's forms subclass these; where its pages word a field differently, it redeclares the
field with the helper below (``month_field("2026-10-01")``), so the words are set before the
GOV.UK mixin derives the "Enter …" message from the label.
"""

from django import forms

from trust_portal.govuk_forms import GovukForm


def month_field(example: str) -> forms.DateField:
    return forms.DateField(
        label="Month",
        help_text=f"Any day in the month, for example {example}.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def query_field(what: str) -> forms.CharField:
    return forms.CharField(
        label="Your query for the trust",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Say which {what} need looking at and why. The trust is told by email.",
    )


def reason_field(what: str, who: str = "every council") -> forms.CharField:
    return forms.CharField(
        label=f"Why does the approved {what} need correcting?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Recorded with the correction, which {who} must approve again.",
    )


def commentary_field(label: str, initial: str) -> forms.CharField:
    return forms.CharField(
        required=False,
        label=label,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial=initial,
    )


class StartForm(GovukForm):
    month = month_field("2024-10-01")


class QueryForm(GovukForm):
    query = query_field("figures")


def with_rows(query_form: type, choices: list[tuple[str, str]]) -> type:
    """``query_form`` (a kind's) with, first, the row of the return the query is about: the
    whole return or one of ``choices`` (the kind's rows, each shown with its figures)."""
    row = forms.ChoiceField(
        label="What is your query about?",
        choices=choices,
        required=False,
        help_text="The whole return, or one of the rows you can query (shown with their figures).",
    )
    return type(query_form.__name__, (query_form,), {"row": row, "field_order": ["row"]})


class AnswerForm(GovukForm):
    text = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The council's officer is told by email. Correct the figures on the entry "
        "page if they need it, then submit the return again.",
    )


class CorrectionForm(GovukForm):
    reason = reason_field("return")


class FiguresForm(forms.Form):
    """A return's entry form: the version it was loaded at (a save based on an older one is
    refused, so two people editing never silently overwrite each other) and the placing of
    the save service's errors beside the fields they name."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, initial={"version": version}, **kwargs)

    def field_for(self, key: str) -> str:
        """The field a service's error key names: "placements.budget" → "placements__budget"."""
        return key.replace(".", "__")

    def attach(self, error) -> None:
        """Put a service's errors beside the fields they name; the rest above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            name = self.field_for(key)
            self.add_error(name if name in self.fields else None, messages)
