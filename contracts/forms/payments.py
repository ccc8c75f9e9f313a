"""Forms of the payments pages and the split calculator. The payment rules themselves (own
council only, a date not in the future, a reference, never twice) are the service's."""

from decimal import Decimal

from django import forms

from trust_portal.govuk_forms import GovukForm
from trust_portal.numbers import plain_decimal, whole_number

DATE = forms.DateInput(attrs={"type": "date"})
NUMBER = {"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}


class PaymentForm(GovukForm):
    paid_on = forms.DateField(
        label="Date paid",
        widget=DATE,
        help_text="The day the money left the council's account: today or earlier.",
        error_messages={
            "required": "Enter the date it was paid",
            "invalid": "Enter the date it was paid as a real date, for example 2025-03-03",
        },
    )
    reference = forms.CharField(
        label="Payment reference",
        max_length=100,
        help_text="As it appears on the remittance advice, for example NNC-2024-12.",
        error_messages={
            "required": "Enter the payment reference",
            "max_length": "The payment reference must be 100 characters or fewer",
        },
    )


class UndoPaymentForm(GovukForm):
    reason = forms.CharField(
        label="Why is this payment being undone?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example 'Recorded against the wrong month'. Kept in the history with "
        "your name; the instalment shows as unpaid again.",
        error_messages={"required": "Enter why the payment is being undone"},
    )


class SplitCalculatorForm(GovukForm):
    """Population and open cases per council, and the weight on demand. Population is needed
    unless the weight on demand is 100%, open cases unless it is 0%."""

    weight = forms.CharField(
        label="Weight on demand (%)",
        required=False,
        help_text="0 sets the split by population alone, 100 by open cases alone, 50 weighs "
        "them equally. Up to two decimal places.",
    )
    month = forms.ChoiceField(
        label="Take open cases from the approved return for",
        required=False,
        help_text="Choose a month and select 'Fill in open cases' to replace the figures below.",
    )

    def __init__(self, *args, councils, months, **kwargs):
        super().__init__(*args, **kwargs)
        self.councils = list(councils)
        self.fields["month"].choices = [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months]
        if not months:
            del self.fields["month"]
        for council in self.councils:
            for prefix, what in (("population", "population"), ("demand", "open cases")):
                self.fields[f"{prefix}_{council.code}"] = forms.CharField(
                    label=f"{council.name} ({council.code})",
                    required=False,
                    max_length=20,
                    error_messages={
                        "max_length": f"{council.code}'s {what}: at most 20 characters"
                    },
                )
        # In the page's order, so the error summary lists the problems as the page shows them.
        self.order_fields(
            [f"population_{c.code}" for c in self.councils]
            + ["month"]
            + [f"demand_{c.code}" for c in self.councils]
            + ["weight"]
        )
        for name, field in self.fields.items():
            if name != "month":
                field.widget.attrs.update(NUMBER, **{"class": "govuk-input govuk-input--width-10"})
        self.fields["weight"].widget.attrs.update(inputmode="decimal")
        self.fields["weight"].widget.attrs["class"] = "govuk-input govuk-input--width-4"

    def population_fields(self):
        return [self[f"population_{c.code}"] for c in self.councils]

    def demand_fields(self):
        return [self[f"demand_{c.code}"] for c in self.councils]

    def _whole(self, name: str, what: str):
        value, problem = whole_number(self.cleaned_data.get(name))
        if problem == "must be a whole number":
            self.add_error(name, f"{what} must be a whole number, for example 1,791")
        elif problem:
            self.add_error(name, f"{what} {problem}")
        return value

    def clean(self):
        data = super().clean()
        weight = self._weight(data.get("weight"))
        population, demand = {}, {}
        for council in self.councils:
            code = council.code
            population[code] = self._whole(f"population_{code}", f"{code}'s population")
            demand[code] = self._whole(f"demand_{code}", f"{code}'s open cases")
        if weight is None:
            return data
        self._need(population, weight < 100, "population", "population", "populations")
        self._need(demand, weight > 0, "demand", "open cases", "open cases")
        data["population"] = {c: v or 0 for c, v in population.items()}
        data["demand"] = {c: v or 0 for c, v in demand.items()}
        data["weight"] = weight
        return data

    def _weight(self, text) -> Decimal | None:
        text = (text or "").strip().rstrip("%").strip()
        if not text:
            self.add_error("weight", "Enter the weight on demand, from 0 to 100")
            return None
        value = plain_decimal(text)
        if value is None:
            self.add_error("weight", "The weight on demand must be a number from 0 to 100")
            return None
        # The range first: quantize() of a value of 30 digits raises InvalidOperation.
        if not 0 <= value <= 100:
            self.add_error("weight", "The weight on demand must be from 0 to 100")
            return None
        if value != value.quantize(Decimal("0.01")):
            self.add_error("weight", "The weight on demand can have at most 2 decimal places")
            return None
        return value

    def _need(self, values: dict, needed: bool, prefix: str, what: str, plural: str) -> None:
        """Each council's figure is needed when its measure carries weight; together they must
        add up to something."""
        if not needed:
            return
        blank = [code for code, value in values.items() if value is None]
        for code in blank:
            if f"{prefix}_{code}" not in self.errors:
                self.add_error(f"{prefix}_{code}", f"Enter {code}'s {what}")
        if not blank and self.councils and sum(values.values()) == 0:
            first = f"{prefix}_{self.councils[0].code}"
            self.add_error(
                first, f"The {plural} are all 0: enter at least one above 0, or change the weight"
            )


class PopulationsForm(forms.Form):
    """The populations the split calculator used, to remember for the arrangement: sent from
    the calculator's page (hidden fields), each a whole number."""

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.councils = list(councils)
        for council in self.councils:
            self.fields[f"population_{council.code}"] = forms.IntegerField(
                min_value=0, max_value=10**12, widget=forms.HiddenInput
            )

    def populations(self) -> dict[str, int]:
        return {c.code: self.cleaned_data[f"population_{c.code}"] for c in self.councils}
