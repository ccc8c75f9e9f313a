from django import forms

from performance.periods import financial_year_label
from trust_portal.govuk_forms import GovukForm


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


class ReturnStartForm(GovukForm):
    month = forms.DateField(
        label="Month",
        help_text="Any day in the month, for example 2026-10-01.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReturnFiguresForm(forms.Form):
    """The entry grid: indicators down, areas across; numerator and denominator per cell."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, cells, measurements, commentaries, version, **kwargs):
        super().__init__(*args, initial={"version": version}, **kwargs)
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
                    required=False, label=f"{label}: denominator",
                    initial=m.denominator if m else None,
                )  # fmt: skip
        for indicator in {i for i, _ in cells}:
            self.fields[f"c__{indicator.code}"] = forms.CharField(
                required=False,
                label=f"Commentary on {indicator.name}",
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=commentaries.get(indicator.pk, ""),
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

    def attach(self, error) -> None:
        """Put a service's errors beside the cells they name ("CODE.AREA[.den]")."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            parts = key.split(".")
            if len(parts) >= 2:
                prefix = "d" if parts[-1] == "den" else "n"
                name = f"{prefix}__{parts[0]}__{parts[1]}"
                if name in self.fields:
                    self.add_error(name, messages)
                    continue
            self.add_error(None, messages)


class QueryForm(GovukForm):
    query = forms.CharField(
        label="Your query for the trust",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say which figures need looking at and why. The trust is told by email.",
    )


class CorrectionForm(GovukForm):
    reason = forms.CharField(
        label="Why does the approved return need correcting?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with the correction, which both councils must approve again.",
    )
