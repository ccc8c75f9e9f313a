from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.db import transaction
from django.template.loader import render_to_string

from trust_portal.accounts.api_tokens import DEFAULT_DAYS, MAX_DAYS
from trust_portal.accounts.models import Arrangement, Organisation, Role, User
from trust_portal.govuk_forms import GovukForm, GovukFormMixin, IntegerField
from trust_portal.outbox.services import email_add


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been deactivated. Ask your administrator if you need it.",
    }

    # A service account is refused by the authentication backend (accounts/backends.py) with
    # the wrong password's message: the page never tells its name apart from a mistyped one.


class PasswordResetRequestForm(GovukFormMixin, PasswordResetForm):
    @transaction.atomic
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Not sent in the request: an outbox job a worker sends, so a slow or broken mail
        # server neither holds the page up nor fails it.
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        email_add(
            subject=subject,
            body=render_to_string(email_template_name, context),
            to=to_email,
            description="Email: password reset link",
        )


class NewPasswordForm(GovukFormMixin, SetPasswordForm):
    pass


class AccessForm(GovukForm):
    """Role, organisation and (for DfE observers) the access list."""

    role = forms.ChoiceField(choices=Role.choices, widget=forms.RadioSelect)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        empty_label="None (platform administrators only)",
        help_text="Council officers and scrutiny members belong to a council, trust managers "
        "to a trust, DfE observers to a government department. Administrators may leave it empty.",
    )
    observes_all_arrangements = forms.BooleanField(
        required=False,
        label="Can see every arrangement",
        help_text="DfE observers only. Otherwise tick the arrangements below.",
    )
    observed_arrangements = forms.ModelMultipleChoiceField(
        queryset=Arrangement.objects.with_parties(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Arrangements this observer can see",
        help_text="DfE observers only.",
    )

    def clean(self):
        data = super().clean()
        probe = User(
            role=data.get("role") or "",
            organisation=data.get("organisation"),
            observes_all_arrangements=bool(data.get("observes_all_arrangements")),
        )
        try:
            probe.clean()
        except forms.ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        if data.get("observed_arrangements") and data.get("role") != Role.DFE_OBSERVER:
            self.add_error(
                "observed_arrangements", "Only DfE observers have a list of arrangements."
            )
        return data


class InviteForm(AccessForm):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Email address", help_text="The invitation goes here.")
    username = forms.RegexField(
        regex=r"^[a-z0-9][a-z0-9.\-]{1,148}$",
        max_length=150,
        help_text="Lower-case letters, digits, dots and hyphens, for example wnc-jsmith.",
        error_messages={"invalid": "Use lower-case letters, digits, dots and hyphens only."},
    )
    field_order = ["first_name", "last_name", "email", "username", "role", "organisation"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if username in ("invite",) or User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken. Choose another.")
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone already has an account with that email address.")
        return email


class ChangeAccessForm(AccessForm):
    reason = forms.CharField(
        required=False,
        max_length=200,
        help_text="Recorded in the account's history, for example 'moved to the trust'.",
    )


class ReasonForm(GovukForm):
    reason = forms.CharField(
        max_length=200,
        help_text="Recorded in the account's history.",
        error_messages={"required": "Enter the reason."},
    )


class UserFilterForm(GovukForm):
    q = forms.CharField(required=False, label="Name, username or email")
    role = forms.ChoiceField(required=False, choices=[("", "Any role"), *Role.choices])
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), required=False, empty_label="Any organisation"
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Active and deactivated"), ("active", "Active"), ("inactive", "Deactivated")],
    )


class PasswordChangeGovukForm(GovukFormMixin, PasswordChangeForm):
    pass


class TwoFactorCodeForm(GovukForm):
    code = forms.CharField(
        max_length=20,
        label="Code",
        help_text="The 6 digits your authenticator app shows now, or one of your recovery codes.",
        error_messages={"required": "Enter the code."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


class TwoFactorSetUpForm(GovukForm):
    code = forms.CharField(
        max_length=10,
        label="Code from your app",
        help_text="The 6 digits your authenticator app shows for Trust Portal.",
        error_messages={"required": "Enter the code from your app."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class NewRecoveryCodesForm(TwoFactorSetUpForm):
    """Getting new recovery codes asks for the app's code of the moment, as setting it up does."""


class ApiTokenForm(GovukForm):
    name = forms.CharField(
        max_length=100,
        help_text="What it is for, so you can tell your tokens apart: for example "
        "'Finance system nightly import'.",
        error_messages={"required": "Enter a name for the token."},
    )
    expires_in_days = IntegerField(
        label="Expires after (days)",
        initial=DEFAULT_DAYS,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=f"From 1 to {MAX_DAYS} days (at most a year).",
        error_messages={
            "required": "Enter the number of days before the token expires.",
            "invalid": "Enter the number of days as a whole number, for example 90.",
            "min_value": f"Enter a number of days from 1 to {MAX_DAYS}.",
            "max_value": f"A token can last at most a year: enter {MAX_DAYS} days or fewer.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    read_only = forms.BooleanField(
        required=False,
        label="Read-only",
        help_text="It can read the API but not change anything.",
    )


class ServiceAccountForm(GovukForm):
    first_name = forms.CharField(
        max_length=150,
        label="Name of the system",
        help_text="For example 'NNC finance system'.",
        error_messages={"required": "Enter the name of the system."},
    )
    username = InviteForm.base_fields["username"]
    email = forms.EmailField(
        label="Contact email address",
        help_text="Whoever looks after the system.",
        error_messages={"required": "Enter the email address of whoever looks after it."},
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        help_text="The organisation whose system it is.",
        error_messages={"required": "Choose the organisation whose system it is."},
    )
    role = forms.ChoiceField(
        choices=[(value, label) for value, label in Role.choices if value != Role.ADMINISTRATOR],
        widget=forms.RadioSelect,
        help_text="It sees and changes what a person in this role at the organisation may.",
        error_messages={"required": "Choose the role it acts in."},
    )

    clean_username = InviteForm.clean_username

    def clean(self):
        data = super().clean()
        probe = User(role=data.get("role") or "", organisation=data.get("organisation"))
        try:
            probe.clean()
        except forms.ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data
