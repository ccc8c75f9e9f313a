from django import forms

from trust_portal.govuk_forms import GovukForm


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
