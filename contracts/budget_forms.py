"""Forms of the budget monitoring pages. Amounts are typed as text ("1,234.50", "£90,004,500")
and read to the penny by ``contracts.budget``, which says what is wrong with them; a refused
form shows exactly what was typed."""

from django import forms

from contracts.budget import AMOUNTS, Category
from trust_portal.govuk_forms import GovukForm


class BudgetStartForm(GovukForm):
    month = forms.DateField(
        label="Month",
        help_text="Any day in the month, for example 2024-10-01.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class BudgetLinesForm(forms.Form):
    """The entry form: spend categories down; budget, actual to date, forecast outturn and
    commentary for each."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, lines, defaults, version, **kwargs):
        """``lines``: the saved BudgetLines by category; ``defaults``: earlier budgets by
        category, shown as hints beside a category not yet entered."""
        super().__init__(*args, initial={"version": version}, **kwargs)
        for category in Category:
            line = lines.get(category.value)
            for field, words in AMOUNTS.items():
                value = f"{getattr(line, field):,.2f}" if line is not None else ""
                self.fields[f"{category.value}__{field}"] = forms.CharField(
                    required=False, label=f"{category.label}: {words} (£)", initial=value
                )
            if line is None and category.value in defaults:
                # A hint, not a value: a category left untouched stays empty, not half-filled.
                earlier = defaults[category.value]
                self.fields[
                    f"{category.value}__budget"
                ].help_text = f"Last entered for this financial year: £{earlier:,.2f}"
            self.fields[f"{category.value}__commentary"] = forms.CharField(
                required=False,
                label=f"{category.label}: commentary",
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=line.commentary if line else "",
            )

    def lines(self) -> dict:
        data = self.cleaned_data
        return {
            category.value: {
                field: data.get(f"{category.value}__{field}", "")
                for field in (*AMOUNTS, "commentary")
            }
            for category in Category
        }

    def grid(self):
        """(category label, [amount fields], commentary field) per category, for the template."""
        return [
            (
                category.label,
                [self[f"{category.value}__{field}"] for field in AMOUNTS],
                self[f"{category.value}__commentary"],
            )
            for category in Category
        ]

    def attach(self, error) -> None:
        """Put a service's errors beside the fields they name ("placements.budget")."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            name = key.replace(".", "__")
            self.add_error(name if name in self.fields else None, messages)


class BudgetQueryForm(GovukForm):
    query = forms.CharField(
        label="Your query for the trust",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say which figures need looking at and why. The trust is told by email.",
    )


class BudgetCorrectionForm(GovukForm):
    reason = forms.CharField(
        label="Why does the approved budget monitoring need correcting?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with the correction, which every council must approve again.",
    )
