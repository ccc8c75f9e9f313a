"""The approved figures the performance dashboards read, by (indicator code, area, month):
performance's own from the approved monthly returns, and those of the indicators entered in
another app's return from what that app registers with ``figures_entered_in`` (performance
names no other app: ``workforce/dashboards/`` registers the workforce rates).

"Overall" is the sum of the areas' numerators and denominators for an indicator whose areas add
up (``Indicator.additive``), and the return's own figure for all areas (ALL) for one that does
not (average caseload: a worker may hold cases in several areas).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from performance.models import ALL_AREAS, Indicator, Measurement
from performance.rag import value_of
from trust_portal.approvals.models import State

OVERALL = ALL_AREAS


@dataclass(frozen=True)
class Figure:
    """One indicator's figure for one area in one approved month."""

    value: Fraction | None
    numerator: int | None = None  # whole counts (performance returns); None for FTE rates
    denominator: int | None = None
    counted: bool = True  # False: a workforce rate, whose parts are FTE, not counts
    rated: bool = True  # False: shown but not rated (turnover over fewer than 12 months)


# Indicators entered in another app's return: {Indicator.EnteredIn value: what reads their
# approved figures}, registered by that app (see ``figures_entered_in``).
_ENTERED_ELSEWHERE: dict[str, Callable[..., dict]] = {}


def figures_entered_in(entered_in: str):
    """Register what reads the approved figures of the indicators entered in another app's
    return (``entered_in``, an ``Indicator.EnteredIn``): a function ``(arrangement, indicators,
    councils)`` returning ``{(code, area, month): Figure}``, ``area`` a council's code or
    ``OVERALL``. The app registers it in its ``dashboards``, which Django imports at start."""

    def register(function):
        if _ENTERED_ELSEWHERE.get(entered_in, function) is not function:
            raise RuntimeError(f"Two readers of the figures entered in {entered_in!r}.")
        _ENTERED_ELSEWHERE[entered_in] = function
        return function

    return register


def approved_figures(arrangement, indicators, councils) -> dict:
    """{(code, area, month): Figure} for every indicator: the performance returns' own, then
    those each other app registers for the indicators entered in its return."""
    found = _performance_figures(arrangement, indicators, [c.code for c in councils])
    for entered_in, read in _ENTERED_ELSEWHERE.items():
        if any(i.entered_in == entered_in for i in indicators):
            found.update(read(arrangement, indicators, councils))
    return found


def _whole(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _performance_figures(arrangement, indicators, council_codes) -> dict:
    """{(code, area, month): Figure} from every approved performance return: each council's
    figure, and overall (summed for additive indicators, the ALL figure for the others)."""
    units = {i.code: i.unit for i in indicators}
    additive = {i.code for i in indicators if i.additive}
    rows = Measurement.objects.filter(
        monthly_return__arrangement=arrangement,
        monthly_return__state=State.APPROVED,
        indicator__entered_in=Indicator.EnteredIn.PERFORMANCE,
    ).values_list("monthly_return__period", "indicator__code", "area", "numerator", "denominator")
    frame = pd.DataFrame(list(rows), columns=["month", "code", "area", "numerator", "denominator"])
    if frame.empty:
        return {}
    frame = frame.astype({"numerator": "Int64", "denominator": "Int64"})
    by_area = frame[frame["area"].isin(council_codes) & frame["code"].isin(additive)]
    # Overall is a sum only when every area has its figure: a missing area is no figure.
    summed = (
        by_area.groupby(["month", "code"])[["numerator", "denominator"]]
        .sum(min_count=len(council_codes))
        .reset_index()
        .assign(area=OVERALL)
    )
    mine = frame[frame["area"].isin(council_codes) | ~frame["code"].isin(additive)]
    result = {}
    for row in pd.concat([mine, summed], ignore_index=True).itertuples(index=False):
        numerator, denominator = _whole(row.numerator), _whole(row.denominator)
        value = value_of(numerator, denominator, unit=units[row.code])
        result[(row.code, row.area, row.month)] = Figure(value, numerator, denominator)
    return result
