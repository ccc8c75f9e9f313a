"""Forms of the budget monitoring pages. Amounts are typed as text ("1,234.50", "£90,004,500")
and read to the penny by ``contracts.services.budget``, which says what is wrong with them; a
refused form shows exactly what was typed."""

from django import forms

from contracts.services.budget import AMOUNTS, Category
from trust_portal.approvals import forms as approvals
from trust_portal.numbers import money_text

# The entry grid's column headings, and each box's label before its category's name.
HEADINGS = {
    "budget": "Budget (full year)",
    "actual_to_date": "Actual to date",
    "forecast_outturn": "Forecast outturn",
}


class BudgetStartForm(approvals.StartForm):
    pass


class BudgetLinesForm(approvals.FiguresForm):
    """The entry form: spend categories down; budget, actual to date, forecast outturn and
    commentary for each."""

    def __init__(self, *args, lines, defaults, last=None, **kwargs):
        """``lines``: the saved BudgetLines by category; ``defaults``: earlier budgets by
        category, shown as hints beside a category not yet entered; ``last``: last month's
        approved BudgetLines by category, shown beside the boxes."""
        super().__init__(*args, **kwargs)
        self.last = last or {}
        for category in Category:
            line = lines.get(category.value)
            for field in AMOUNTS:
                value = f"{getattr(line, field):,.2f}" if line is not None else ""
                self.fields[f"{category.value}__{field}"] = forms.CharField(
                    required=False,
                    label=f"{HEADINGS[field]}, {category.label}, in pounds",
                    initial=value,
                )
            if line is None and category.value in defaults:
                # A hint, not a value: a category left untouched stays empty, not half-filled.
                earlier = defaults[category.value]
                self.fields[
                    f"{category.value}__budget"
                ].help_text = f"Last entered for this financial year: £{earlier:,.2f}"
            self.fields[f"{category.value}__commentary"] = approvals.commentary_field(
                f"Commentary on {category.label}", line.commentary if line else ""
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
        """(category label, [(amount field, last month's amount or "")], commentary field)
        per category, for the template."""
        rows = []
        for category in Category:
            last = self.last.get(category.value)
            before = {f: money_text(getattr(last, f)) if last else "" for f in AMOUNTS}
            amounts = [(self[f"{category.value}__{f}"], before[f]) for f in AMOUNTS]
            rows.append((category.label, amounts, self[f"{category.value}__commentary"]))
        return rows

    def headings(self) -> list[str]:
        return list(HEADINGS.values())


class BudgetQueryForm(approvals.QueryForm):
    pass


class BudgetCorrectionForm(approvals.CorrectionForm):
    reason = approvals.reason_field("budget monitoring")
