"""Django forms drawn as GOV.UK Frontend form groups (label, hint, error message).

``FORM_RENDERER`` points here, so ``{{ form }}`` in any template gives GOV.UK markup; the
field layout is ``templates/forms/govuk_field.html`` and the error summary
``templates/includes/_error_summary.html``.
"""

from django import forms
from django.forms.renderers import TemplatesSetting

WIDGET_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "password": "govuk-input",
    "number": "govuk-input govuk-input--width-10",
    "date": "govuk-input govuk-input--width-10",
    "url": "govuk-input",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


class GovukRenderer(TemplatesSetting):
    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"


class GovukFormMixin:
    """Adds GOV.UK classes and hint/error descriptions to each widget, and error state."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            bound = self[name]
            css = WIDGET_CLASSES.get(bound.widget_type)
            if css:
                field.widget.attrs["class"] = css
            if (
                field.error_messages.get("required")
                == forms.Field.default_error_messages["required"]
            ):
                # GOV.UK asks for a message that says what to do, not "This field is required".
                field.error_messages["required"] = self._required_message(bound)

    @staticmethod
    def _required_message(bound) -> str:
        label = str(bound.label)
        label = label if label[:3].isupper() else label[0].lower() + label[1:]
        if bound.widget_type in ("select", "radioselect", "checkboxselectmultiple", "checkbox"):
            return f"Select {label}"
        return f"Enter {label}"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                for base in ("govuk-input", "govuk-select", "govuk-textarea", "govuk-file-upload"):
                    if base in css.split() and f"{base}--error" not in css:
                        widget.attrs["class"] = f"{css} {base}--error"

    def __getitem__(self, name):
        bound = super().__getitem__(name)
        described = []
        if bound.help_text:
            described.append(f"{bound.auto_id}-hint")
        if name in (getattr(self, "_errors", None) or {}):
            described.append(f"{bound.auto_id}-error")
        if described and bound.widget_type not in ("checkboxselectmultiple", "radioselect"):
            bound.field.widget.attrs["aria-describedby"] = " ".join(described)
        return bound


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


class _DigitsOnly:
    """A number field that takes the digits 0 to 9 only: Django's reads "١٢" as 12."""

    def to_python(self, value):
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IntegerField(_DigitsOnly, forms.IntegerField):
    pass


class DecimalField(_DigitsOnly, forms.DecimalField):
    pass


def add_service_errors(form, error) -> None:
    """Show a service's ValidationError on the form: beside the field it names, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
