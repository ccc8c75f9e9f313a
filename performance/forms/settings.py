from django import forms

from performance.services.settings import performance_settings_check
from trust_portal.govuk_forms import DecimalField, GovukForm, IntegerField


def _setting(label: str, hint: str, *, what: str, decimal: bool = False):
    # Only the number is read here; its range is checked, with its message, by the service
    # (performance.services.settings.SETTINGS_LIMITS), so the API and the page say the same.
    messages = {
        "required": f"Enter {what}",
        "invalid": f"Enter {what} as a {'number' if decimal else 'whole number'}",
    }
    field = DecimalField if decimal else IntegerField
    return field(label=label, help_text=hint, error_messages=messages)


class PerformanceSettingsForm(GovukForm):
    """A change to an arrangement's performance rules from a month on. The labels and hints
    are also the explanations on the rules page."""

    valid_from = forms.DateField(
        label="Applies from",
        help_text="Any day in the first month the change applies to, for example 2019-03-01. "
        "It applies to every month from then until the next recorded change, months already "
        "reported included.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the month the change applies from",
            "invalid": "Enter the month the change applies from as a date, for example 2019-03-01",
        },
    )

    cin_visit_days = _setting(
        "Children in need: visit at least every (days)",
        "A child in need counts as visited in time when their last visit (or, with none, the "
        "start of their episode) is no more than this many days before the extract's date.",
        what="the visit frequency for children in need",
    )
    cp_visit_days = _setting(
        "Child protection: visit at least every (days)",
        "The same, for children on a child protection plan.",
        what="the visit frequency for children on a protection plan",
    )
    lac_visit_days = _setting(
        "Looked-after children: visit at least every (days)",
        "The same, for looked-after children.",
        what="the visit frequency for looked-after children",
    )
    cl_contact_days = _setting(
        "Care leavers: contact at least every (days)",
        "A care leaver counts as in touch when they were last contacted no more than this "
        "many days before the extract's date.",
        what="the contact frequency for care leavers",
    )
    caseload_limit = _setting(
        "Caseload limit (children per worker)",
        "A worker holding more open children than this counts as over the caseload limit.",
        what="the caseload limit",
    )
    small_number = _setting(
        "Small-number size",
        "A percentage whose denominator is below this is still rated but marked 'small "
        "numbers', so that one child does not read as a collapse.",
        what="the small-number size",
    )
    due_working_day = _setting(
        "Return due by working day",
        "A month's return is due by this working day of the following month (weekends and "
        "England's bank holidays are not working days). Between 1 and 20.",
        what="the due working day",
    )
    query_change_points = _setting(
        "Change that needs a commentary (percentage points)",
        "A percentage that changes by more than this since last month needs a commentary "
        "before the return can be submitted. Up to one decimal place.",
        what="the change that needs a commentary",
        decimal=True,
    )
    reason = forms.CharField(
        label="Why it changes",
        max_length=1000,
        help_text="Shown with the rules and kept in their history, for example 'Agreed at the "
        "performance board on 12 March'.",
        error_messages={
            "required": "Enter why the rules change",
            "max_length": "Say why the rules change in 1,000 characters or fewer",
        },
    )

    SETTINGS = [
        "cin_visit_days",
        "cp_visit_days",
        "lac_visit_days",
        "cl_contact_days",
        "caseload_limit",
        "small_number",
        "due_working_day",
        "query_change_points",
    ]

    def clean(self):
        data = super().clean()
        given = {name: data[name] for name in self.SETTINGS if name in data}
        for name, message in performance_settings_check(given)[1].items():
            self.add_error(name, message)
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SETTINGS}
