"""What the entry grid shows beside a return's boxes: each council area's name, the month's
targets (the page rates what is typed against them, in the browser and again on the server),
and last month's approved figure."""

from __future__ import annotations

from dataclasses import dataclass

from performance.dashboards.matrix import target_text
from performance.models import Indicator, PerformanceSettings, Target
from performance.rag import Rating, rate
from performance.services.returns import previous_approved

POLARITY = {"higher": "higher is better", "lower": "lower is better"}


@dataclass(frozen=True)
class GridContext:
    areas: dict  # {area code: name}, in the grid's order
    targets: dict  # {indicator id: Target} in force for the month
    previous: dict  # {(indicator id, area): Measurement} of last month's approved return
    small_number: int  # the month's small-number size

    def rating(self, indicator: Indicator, numerator, denominator) -> Rating:
        target = self.targets.get(indicator.pk)
        return rate(
            numerator=numerator,
            denominator=denominator,
            unit=indicator.unit,
            polarity=indicator.polarity,
            target=target.target if target else None,
            tolerance=target.tolerance if target else None,
            small_number=self.small_number,
        )

    def target_words(self, indicator: Indicator) -> str:
        """'Target 85%, higher is better', or '' for a context indicator or none set."""
        target = self.targets.get(indicator.pk)
        if not indicator.has_rag or target is None:
            return ""
        return f"Target {target_text(indicator, target.target)}, {POLARITY[indicator.polarity]}"

    def rules_data(self, indicators) -> dict:
        """The rules as the page's script reads them (strings for exact decimals)."""
        data = {}
        for indicator in indicators:
            target = self.targets.get(indicator.pk)
            data[indicator.code] = {
                "unit": indicator.unit,
                "polarity": indicator.polarity,
                "target": str(target.target) if target else None,
                "tolerance": str(target.tolerance) if target else None,
            }
        return {"small_number": self.small_number, "indicators": data}


def grid_context(monthly_return, area_names: dict) -> GridContext:
    """The grid's context for one return: the rules and targets in force for its month."""
    arrangement, month = monthly_return.arrangement, monthly_return.period
    before = previous_approved(monthly_return)
    return GridContext(
        areas=area_names,
        targets=Target.objects.in_force(arrangement=arrangement, month=month),
        previous={(m.indicator_id, m.area): m for m in before.measurements.all()} if before else {},
        small_number=PerformanceSettings.of(arrangement, month).small_number,
    )
