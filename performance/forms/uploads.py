from django import forms
from django.core.exceptions import ValidationError

from trust_portal.govuk_forms import GovukForm


class SmallFileForm(GovukForm):
    """A form of one file (its ``file`` field) that must not be larger than ``max_bytes``;
    ``too_big`` says so."""

    max_bytes: int
    too_big: str

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > self.max_bytes:
            raise ValidationError(self.too_big)
        return file


class ExtractUploadForm(GovukForm):
    file = forms.FileField(
        label="Child-level extract",
        help_text="A CSV or Excel (.xlsx) file in the child-level extract format, up to 200 MB. "
        "It is deleted as soon as it has been checked; only the figures are kept.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": "Select the child-level extract file",
            "empty": "The selected file is empty",
        },
    )
