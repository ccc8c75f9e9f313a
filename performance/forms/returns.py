from dataclasses import dataclass

from django import forms

from performance.dashboards.cells import with_unit
from performance.models import ALL_AREAS, Indicator
from performance.rag import Rating, Status, value_of
from trust_portal.approvals import forms as approvals
from trust_portal.numbers import whole_number

# A cell's rating as the grid's chip says it: (words, GOV.UK tag colour); none for a blank
# cell or a context indicator.
CHIPS = {
    Status.GREEN: ("Green", "green"),
    Status.AMBER: ("Amber", "yellow"),
    Status.RED: ("Red", "red"),
    Status.GREY: ("No target", "grey"),  # a figure but no target for the month
}


class ReturnStartForm(approvals.StartForm):
    month = approvals.month_field("2026-10-01")


def area_names(arrangement) -> dict[str, str]:
    """{area code: name}: each council's area, named as its council is without the word
    "Council" ("North Northamptonshire"), and all areas together."""
    councils = arrangement.councils.order_by("code")
    names = {c.code: c.name.removesuffix(" Council") for c in councils}
    return {**names, ALL_AREAS: "All areas"}


def _whole(text) -> int | None:
    """A typed whole number as the server reads it, or None (blank or not one)."""
    return whole_number(text)[0]


def _impossible(indicator: Indicator, numerator, denominator) -> bool:
    """A percentage whose numerator is more than its denominator (the save refuses it)."""
    return (
        indicator.unit == Indicator.Unit.PERCENTAGE
        and None not in (numerator, denominator)
        and numerator > denominator
    )


def shown_with_unit(indicator: Indicator, value) -> str:
    """A value as the grid shows it: "85.0%", "12", "21.5 days", "1,783"; "" for none."""
    return "" if value is None else with_unit(indicator, value)


@dataclass(frozen=True)
class Cell:
    """One area of one indicator's row: its inputs, the figure they make and its rating
    (worked out by the server from what is in the boxes, as the page's script does live), and
    last month's approved figure."""

    area: str
    area_name: str
    numerator: forms.BoundField
    denominator: forms.BoundField | None
    result: str
    rating: Rating
    last: str

    @property
    def fields(self) -> list[tuple[forms.BoundField, str]]:
        """Its boxes and their parts: [(field, "numerator"), (field, "denominator")]."""
        boxes = [(self.numerator, "numerator")]
        return boxes + ([(self.denominator, "denominator")] if self.denominator else [])

    @property
    def has_errors(self) -> bool:
        return any(field.errors for field, _ in self.fields)

    @property
    def chip(self) -> tuple[str, str] | None:
        if self.rating.value is None:
            return None
        return CHIPS.get(self.rating.status)


@dataclass(frozen=True)
class Row:
    """One indicator's row of the grid."""

    indicator: Indicator
    target: str  # "Target 85%, higher is better", or ""
    cells: list  # [Cell or None] by the grid's areas
    commentary: forms.BoundField


class ReturnFiguresForm(approvals.FiguresForm):
    """The entry grid: indicators down (grouped by domain), areas across; numerator and
    denominator per cell, each labelled with its part, indicator and area."""

    def __init__(self, *args, cells, measurements, commentaries, context, **kwargs):
        """``context``: what the grid shows beside the boxes (``GridContext``)."""
        super().__init__(*args, **kwargs)
        self.cells = cells
        self.context = context
        for indicator, area in cells:
            m = measurements.get((indicator.pk, area))
            where = f"{indicator.name}, {context.areas[area]}"
            part = "Numerator" if indicator.has_denominator else "Number"
            self.fields[f"n__{indicator.code}__{area}"] = forms.CharField(
                required=False, label=f"{part}, {where}", initial=m.numerator if m else None
            )
            if indicator.has_denominator:
                self.fields[f"d__{indicator.code}__{area}"] = forms.CharField(
                    required=False,
                    label=f"Denominator, {where}",
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

    def _cell(self, indicator: Indicator, area: str) -> Cell:
        num = self[f"n__{indicator.code}__{area}"]
        den = self[f"d__{indicator.code}__{area}"] if indicator.has_denominator else None
        numerator, denominator = _whole(num.value()), _whole(den.value()) if den else None
        if _impossible(indicator, numerator, denominator):
            numerator = None  # refused on saving: no figure, so no rating either
        rating = self.context.rating(indicator, numerator, denominator)
        last = self.context.previous.get((indicator.pk, area))
        last_value = (
            value_of(last.numerator, last.denominator, unit=indicator.unit) if last else None
        )
        return Cell(
            area,
            self.context.areas[area],
            num,
            den,
            shown_with_unit(indicator, rating.value) if den else "",  # a number is as typed
            rating,
            shown_with_unit(indicator, last_value),
        )

    def grid(self) -> list[tuple[str, list[tuple[str, str]], list[Row]]]:
        """[(domain, its areas [(code, name)], [Row])] in the catalogue's order, for the
        template; each row's cells in the order of its domain's areas (None where the
        indicator has no figure for an area). A domain has a column for all areas together
        only if one of its indicators has a figure for them."""
        found: dict[str, tuple[Indicator, dict]] = {}
        for indicator, area in self.cells:
            found.setdefault(indicator.code, (indicator, {}))[1][area] = self._cell(indicator, area)
        domains: dict[str, list] = {}
        for indicator, cells in found.values():
            domains.setdefault(indicator.get_domain_display(), []).append((indicator, cells))
        grid = []
        for domain, indicators in domains.items():
            held = {area for _, cells in indicators for area in cells}
            areas = [(code, name) for code, name in self.context.areas.items() if code in held]
            rows = [
                Row(
                    indicator,
                    self.context.target_words(indicator),
                    [cells.get(code) for code, _ in areas],
                    self[f"c__{indicator.code}"],
                )
                for indicator, cells in indicators
            ]
            grid.append((domain, areas, rows))
        return grid

    def rules_data(self) -> dict:
        """What the page's script rates with: the month's targets and small-number size."""
        return self.context.rules_data({i for i, _ in self.cells})

    def field_for(self, key: str) -> str:
        """ "CODE.AREA" names the numerator's cell, "CODE.AREA.den" the denominator's."""
        parts = key.split(".")
        if len(parts) < 2:
            return key
        return f"{'d' if parts[-1] == 'den' else 'n'}__{parts[0]}__{parts[1]}"

    def attach(self, error) -> None:
        """The service's errors, each said with the indicator and area it is about ("Children
        in need seen in time, North Northamptonshire: the numerator (11) cannot be …")."""
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                name = self.field_for(key)
                if name in self.fields:
                    where = self.fields[name].label.split(", ", 1)[1]
                    messages = [f"{where}: {m[0].lower()}{m[1:]}" for m in messages]
                self.add_error(name if name in self.fields else None, messages)
            return
        super().attach(error)


class QueryForm(approvals.QueryForm):
    pass


class CorrectionForm(approvals.CorrectionForm):
    reason = approvals.reason_field("return", "both councils")
