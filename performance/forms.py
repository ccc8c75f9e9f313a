from django import forms

from performance.services import performance_settings_check
from trust_portal.approvals import forms as approvals
from trust_portal.govuk_forms import GovukForm
from trust_portal.periods import financial_year_label


class TargetForm(GovukForm):
    financial_year = forms.TypedChoiceField(coerce=int, label="Financial year")
    valid_from = forms.DateField(
        label="Applies from",
        help_text="The first day of a month, for example 2026-12-01. Leave empty for the start "
        "of the year (only when the year has no target yet).",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    target = forms.DecimalField(max_digits=9, decimal_places=2)
    tolerance = forms.DecimalField(
        max_digits=9,
        decimal_places=2,
        min_value=0,
        help_text="How far short of the target is still amber, in the indicator's units "
        "(percentage points for percentages).",
    )
    reason = forms.CharField(max_length=500, help_text="Recorded with the change.")

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = [(y, financial_year_label(y)) for y in years]


class DefinitionForm(GovukForm):
    valid_from = forms.DateField(
        label="Applies from",
        help_text="The first day of a month, this month or later.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    definition = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    why_it_matters = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    numerator_words = forms.CharField(label="Numerator in short words", required=False)
    denominator_words = forms.CharField(label="Denominator in short words", required=False)
    reviewed_by = forms.CharField(help_text="Who reviewed the new wording.")
    reviewed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    change_reason = forms.CharField(label="Why it changes", max_length=500)


class ReturnStartForm(approvals.StartForm):
    month = approvals.month_field("2026-10-01")


class ReturnFiguresForm(approvals.FiguresForm):
    """The entry grid: indicators down, areas across; numerator and denominator per cell."""

    def __init__(self, *args, cells, measurements, commentaries, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = cells
        for indicator, area in cells:
            m = measurements.get((indicator.pk, area))
            label = f"{indicator.name}, {area}"
            self.fields[f"n__{indicator.code}__{area}"] = forms.CharField(
                required=False,
                label=f"{label}: {'numerator' if indicator.has_denominator else 'number'}",
                initial=m.numerator if m else None,
            )
            if indicator.has_denominator:
                self.fields[f"d__{indicator.code}__{area}"] = forms.CharField(
                    required=False,
                    label=f"{label}: denominator",
                    initial=m.denominator if m else None,
                )
        for indicator in {i for i, _ in cells}:
            self.fields[f"c__{indicator.code}"] = approvals.commentary_field(
                f"Commentary on {indicator.name}", commentaries.get(indicator.pk, "")
            )

    def figures(self) -> dict:
        data = self.cleaned_data
        result = {}
        for indicator, area in self.cells:
            result[(indicator.code, area)] = (
                data.get(f"n__{indicator.code}__{area}"),
                data.get(f"d__{indicator.code}__{area}"),
            )
        return result

    def commentary(self) -> dict:
        return {
            name.removeprefix("c__"): value or ""
            for name, value in self.cleaned_data.items()
            if name.startswith("c__")
        }

    def grid(self):
        """Rows for the template: (indicator, [(area, numerator field, denominator field)],
        commentary field)."""
        rows, seen = [], {}
        for indicator, area in self.cells:
            if indicator.code not in seen:
                seen[indicator.code] = (indicator, [], self[f"c__{indicator.code}"])
                rows.append(seen[indicator.code])
            den = self[f"d__{indicator.code}__{area}"] if indicator.has_denominator else None
            seen[indicator.code][1].append((area, self[f"n__{indicator.code}__{area}"], den))
        return rows

    def field_for(self, key: str) -> str:
        """ "CODE.AREA" names the numerator's cell, "CODE.AREA.den" the denominator's."""
        parts = key.split(".")
        if len(parts) < 2:
            return key
        return f"{'d' if parts[-1] == 'den' else 'n'}__{parts[0]}__{parts[1]}"


class QueryForm(approvals.QueryForm):
    pass


class CorrectionForm(approvals.CorrectionForm):
    reason = approvals.reason_field("return", "both councils")


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


def _setting(label: str, hint: str, *, what: str, decimal: bool = False):
    # Only the number is read here; its range is checked, with its message, by the service
    # (performance.services.SETTINGS_LIMITS), so the API and the page say the same.
    messages = {
        "required": f"Enter {what}",
        "invalid": f"Enter {what} as a {'number' if decimal else 'whole number'}",
    }
    field = forms.DecimalField if decimal else forms.IntegerField
    return field(label=label, help_text=hint, error_messages=messages)


class PerformanceSettingsForm(GovukForm):
    """An arrangement's performance settings. The labels and hints are also the explanations
    on the settings page."""

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
        help_text="Recorded in the settings' history, for example 'Agreed at the performance "
        "board on 12 March'.",
        error_messages={
            "required": "Enter why the settings change",
            "max_length": "Say why the settings change in 1,000 characters or fewer",
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
