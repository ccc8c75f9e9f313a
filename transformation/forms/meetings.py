"""Forms of the board meetings' pages: a meeting, its correction and its minutes."""

from django import forms

from contracts.forms.contracts import _reason
from transformation.forms.cases import ISO_DATE, TEXT
from trust_portal.govuk_forms import GovukForm


def _minutes(label="Minutes (optional)", required=False):
    return forms.FileField(
        required=required,
        label=label,
        help_text="PDF, Word, OpenDocument or text, up to 25 MB. Seen only by the programme's "
        "readers, never public.",
    )


class _MeetingFields(GovukForm):
    held_on = forms.DateField(label="Date of the meeting", widget=ISO_DATE)
    chair = forms.CharField(max_length=200, help_text="Name and post, e.g. 'Chief Executive, WNC'.")
    attendees = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), help_text="One per line.")
    notes = forms.CharField(required=False, widget=TEXT)


class MeetingForm(_MeetingFields):
    minutes = _minutes()


class MeetingCorrectForm(_MeetingFields):
    """Correct a recorded meeting, saying why (the page says if its date must stay)."""

    reason = _reason()


class MinutesForm(GovukForm):
    """Attach a meeting's minutes, or replace them saying why."""

    minutes = _minutes("The minutes", required=True)

    def __init__(self, *args, replacing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if replacing:
            self.fields["minutes"].label = "The new minutes"
            self.fields["reason"] = _reason(
                "Why they are replaced",
                "Kept in the history with your name, as is the replaced file's name and SHA-256.",
            )
