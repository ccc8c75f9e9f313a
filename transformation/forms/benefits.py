"""Forms of the benefits realisation pages; the rules are in
``transformation/services/benefits.py``, which reads the figures typed ("1,150,000.00", "290")
and says what is wrong with them."""

from django import forms

from transformation.models import Benefit, BusinessCase
from trust_portal.govuk_forms import GovukForm
from trust_portal.periods import QUARTER_MONTHS, quarter_label

NARROW = "govuk-input govuk-input--width-10"


def _figure(label: str, **kwargs):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})
    return forms.CharField(label=label, widget=widget, **kwargs)


def _text(rows: int, **kwargs):
    return forms.CharField(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def _reason(required: bool, hint: str):
    return _text(2, label="Why it changes", required=required, help_text=hint)


TOLERANCE_HINT = "The least that is acceptable: at most the target."


class BenefitForm(GovukForm):
    """A benefit and its four quarters' targets in one financial year. Each quarter's two boxes
    sit in a fieldset named for the quarter; the services' messages name the quarter too."""

    name = forms.CharField(
        max_length=200, help_text="For example 'Children stepped down from residential care'."
    )
    kind = forms.ChoiceField(
        label="What is counted", choices=Benefit.Kind.choices, widget=forms.RadioSelect
    )
    description = _text(3, required=False, help_text="How it is measured, and where from.")
    q1_target = _figure("Target", required=False)
    q1_lower_tolerance = _figure("Lower tolerance", required=False, help_text=TOLERANCE_HINT)
    q2_target = _figure("Target", required=False)
    q2_lower_tolerance = _figure("Lower tolerance", required=False, help_text=TOLERANCE_HINT)
    q3_target = _figure("Target", required=False)
    q3_lower_tolerance = _figure("Lower tolerance", required=False, help_text=TOLERANCE_HINT)
    q4_target = _figure("Target", required=False)
    q4_lower_tolerance = _figure("Lower tolerance", required=False, help_text=TOLERANCE_HINT)
    reason = _reason(False, "")

    def __init__(self, *args, case: BusinessCase, financial_year: int, kind_fixed=False, **kw):
        super().__init__(*args, **kw)
        # Once a quarter has a target the kind is fixed (a target in pence is no count): the
        # page states it instead of offering a choice.
        self.kind_fixed = kind_fixed
        if kind_fixed:
            del self.fields["kind"]
        self.quarter_names = []
        for quarter in QUARTER_MONTHS:
            names = (f"q{quarter}_target", f"q{quarter}_lower_tolerance")
            for name in names:
                self.fields[name].widget.attrs["class"] = NARROW
            self.quarter_names.append((quarter_label(financial_year, quarter), *names))
        reason = self.fields["reason"]  # needed once the board has approved the case
        reason.required = case.state == BusinessCase.State.APPROVED
        reason.help_text = (
            "The board has approved the case: say why its benefits change. Kept in the history."
            if reason.required
            else "Optional while the case is drafted. Kept in the history with your name."
        )
        # Bound fields copy their field's hint when first made (GovukFormMixin made them).
        self._bound_fields_cache.clear()

    def quarter_fields(self):
        """[(label, target field, lower tolerance field)] for the template's fieldsets."""
        return [(label, self[t], self[lt]) for label, t, lt in self.quarter_names]

    def other_fields(self):
        return [self[name] for name in ("name", "kind", "description") if name in self.fields]

    def targets(self) -> dict:
        data = self.cleaned_data
        return {q: (data[f"q{q}_target"], data[f"q{q}_lower_tolerance"]) for q in QUARTER_MONTHS}


class ReportForm(GovukForm):
    """A quarter's actual, as the trust reports it."""

    quarter = forms.ChoiceField(label="Quarter", choices=())
    actual = _figure("Actual")
    commentary = _text(
        4,
        required=False,
        help_text="What happened this quarter. Needed when the actual is below the lower "
        "tolerance: say why, and what is being done.",
    )
    reason = _reason(
        False, "Needed only when you replace an actual already reported. Kept in the history."
    )

    def __init__(self, *args, benefit: Benefit, quarters, **kwargs):
        super().__init__(*args, **kwargs)
        unit = (
            "pounds and pence, for example 840,000.00"
            if benefit.kind == "saving"
            else ("a whole number, for example 28")
        )
        self.fields["actual"].help_text = f"The quarter's figure for “{benefit.name}”: {unit}."
        self.fields["actual"].widget.attrs["class"] = NARROW
        self.fields["quarter"].choices = [
            (f"{row.financial_year}-{row.quarter}", quarter_label(row.financial_year, row.quarter))
            for row in quarters
        ]
        self._bound_fields_cache.clear()  # bound fields copied the hints as they were

    def period(self) -> tuple[int, int]:
        year, quarter = self.cleaned_data["quarter"].split("-")
        return int(year), int(quarter)
