from django import forms
from django.conf import settings

from trust_portal.accounts.models import Arrangement
from trust_portal.govuk_forms import GovukForm
from trust_portal.webhooks.models import Event


class EndpointForm(GovukForm):
    arrangement = forms.ModelChoiceField(
        queryset=Arrangement.objects.with_parties(),
        label="Arrangement",
        help_text="Only this arrangement's events are sent.",
        empty_label="Choose an arrangement",
    )
    url = forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        help_text="The receiving system's HTTPS address, from the people who run it.",
    )
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Events to send",
        error_messages={"required": "Choose at least one event to send."},
    )
    description = forms.CharField(
        required=False,
        max_length=200,
        label="Description (optional)",
        help_text="Whose system it is, and who to call when it fails.",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["arrangement"]


class FilterForm(GovukForm):
    trust = forms.ChoiceField(required=False, label="Arrangement")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        arrangements = Arrangement.objects.with_parties().select_related("trust")
        choices = [(a.trust.code, str(a)) for a in arrangements]
        self.fields["trust"].choices = [("", "All arrangements"), *choices]


class ReplayFailedForm(GovukForm):
    since = forms.DateField(
        label="Failed deliveries made on or after",
        help_text="For example, 27/3/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )


class RotateForm(GovukForm):
    old_secret = forms.ChoiceField(
        label="The current secret",
        widget=forms.RadioSelect,
        required=False,
        initial="overlap",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hours = settings.WEBHOOK_SECRET_OVERLAP_HOURS
        self.fields["old_secret"].choices = [
            (
                "overlap",
                f"Keep signing with it for {hours} hours, so the receiving system can switch",
            ),
            ("stop", "Rotate without overlap: stop using it at once (if it may have been seen)"),
        ]

    @property
    def overlap(self) -> bool:
        return self.cleaned_data.get("old_secret") != "stop"
