"""Everything the performance dashboards' builders need, read once from approved returns only:
the approved figures (``approved.py``), each approved month's return and commentary, the
targets, the benchmarks and the rules in force for each month (the small-number size). Values
stay exact fractions until shown (one decimal place, half up); RAG compares the exact value
(``performance.rag``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from performance.dashboards.approved import OVERALL, Figure, approved_figures
from performance.models import (
    Benchmark,
    Commentary,
    Indicator,
    MonthlyReturn,
    RuleBook,
    Target,
)
from performance.rag import Rating, Status, rate
from performance.rules import deciding as rule_names
from performance.services.benchmarks import benchmarks_of
from trust_portal.approvals.models import State
from trust_portal.dashboards.parts import digest, row_state
from trust_portal.dashboards.shared import shared
from trust_portal.periods import financial_year_of, next_month, previous_month

SOURCE = "approved monthly performance and workforce returns, targets and benchmarks"


@dataclass
class History:
    """Everything the builders need, read once: approved figures by (code, area, month)."""

    arrangement: object
    indicators: list[Indicator]
    areas: list[tuple[str, str]]  # (code, name), councils then OVERALL
    figures: dict[tuple[str, str, date], Figure]
    returns: dict[date, MonthlyReturn]
    commentary: dict[tuple[date, str], str]
    targets: dict[int, list[Target]]  # by indicator id
    benchmarks: dict[tuple[str, str, str, int], Benchmark]
    rules: RuleBook  # each month is rated under the rules in force for it
    months_of: dict[str, list[date]] = field(default_factory=dict)
    # What target, regime and rating have answered, kept: every builder asks again.
    _answers: dict = field(default_factory=dict, repr=False, compare=False)

    def remember(self, key: tuple, answer):
        """``answer()``, worked out once for ``key`` (the History is read only)."""
        if key not in self._answers:
            self._answers[key] = answer()
        return self._answers[key]

    def target(self, indicator: Indicator, month: date) -> Target | None:
        return self.remember(
            ("target", indicator.code, month), lambda: self._target(indicator, month)
        )

    def _target(self, indicator: Indicator, month: date) -> Target | None:
        year, found = financial_year_of(month), None
        for row in self.targets.get(indicator.pk, ()):  # in the order in_force reads them
            if row.financial_year == year and row.valid_from <= month:
                found = row  # later rows replace earlier ones
        return found

    def regime(self, indicator: Indicator, month: date) -> tuple:
        """What a month's figure is counted under: the version of the indicator's definition in
        force (None before its first) and the dated rules that decide it (its visit or contact
        frequency, the caseload limit, the small-number size). A control chart's limits are
        re-based where it changes."""
        return self.remember(
            ("regime", indicator.code, month), lambda: self._regime(indicator, month)
        )

    def _regime(self, indicator: Indicator, month: date) -> tuple:
        definition = indicator.definition_for(month)
        rules = self.rules.at(month)
        deciding = tuple(getattr(rules, name) for name in rule_names(indicator.code))
        return (definition.version if definition else None, *deciding)

    def catalogue(self) -> str:
        """The indicators (not their definitions) and the areas, as plain values' digest."""
        return self.remember(
            ("catalogue",),
            lambda: digest((tuple(row_state(i) for i in self.indicators), tuple(self.areas))),
        )

    def month_inputs(self, month: date) -> tuple:
        """Everything a month's blocks read (the overview's, the pack's), as plain values, for
        its kept part (trust_portal/dashboards/parts.py): the month's and the month before's
        approved figures, targets, rules, definitions in force and returns, the month's
        commentary, the catalogue."""
        return (
            self.catalogue(),
            self._month_state(previous_month(month)),
            self._month_state(month),
            tuple(sorted(self._commentary_of(month).items())),
        )

    def _month_state(self, month: date) -> str:
        """A month's return, rules, and each indicator's definition, target and figures."""
        return self.remember(
            ("month", month),
            lambda: digest(
                (
                    month,
                    row_state(self.returns.get(month)),
                    row_state(self.rules.at(month)),
                    tuple(
                        (
                            i.code,
                            row_state(i.definition_for(month)),
                            row_state(self.target(i, month)),
                            tuple(self.figures.get((i.code, a, month)) for a, _ in self.areas),
                        )
                        for i in self.indicators
                    ),
                )
            ),
        )

    def every_indicator_inputs(self) -> tuple:
        """Every indicator's ``indicator_inputs``: all the approved history."""
        return tuple(self.indicator_inputs(i) for i in self.indicators)

    def indicator_inputs(self, indicator: Indicator) -> str:
        """Everything an indicator's trend page reads, as plain values' digest (once)."""
        return self.remember(
            ("inputs", indicator.code), lambda: digest(self._indicator_inputs(indicator))
        )

    def _indicator_inputs(self, indicator: Indicator) -> tuple:
        """Everything an indicator's trend page reads, as plain values: its approved figures,
        targets and rules each month from its first figure to its last, its benchmarks, the
        indicator and its definitions' versions, the areas."""
        known = self.months_of.get(indicator.code, [])
        months = []
        if known:
            month = known[0]
            while month <= known[-1]:
                months.append(month)
                month = next_month(month)
        return (
            row_state(indicator),
            tuple(row_state(d) for d in indicator.definitions.all()),
            tuple(self.areas),
            tuple(
                (
                    m,
                    row_state(self.target(indicator, m)),
                    row_state(self.rules.at(m)),
                    tuple(self.figures.get((indicator.code, a, m)) for a, _ in self.areas),
                )
                for m in months
            ),
            tuple(
                (key, row_state(row))
                for key, row in sorted(self.benchmarks.items())
                if key[0] == indicator.code
            ),
        )

    def _commentary_of(self, month: date) -> dict[str, str]:
        by_month = self.remember(("commentary",), self._commentary_by_month)
        return by_month.get(month, {})

    def _commentary_by_month(self) -> dict[date, dict[str, str]]:
        found = defaultdict(dict)
        for (month, code), text in self.commentary.items():
            found[month][code] = text
        return found

    def counted(self, indicator: Indicator) -> bool:
        """Whether the indicator's approved figures are whole counts: not so for the rates
        another app derives from full-time equivalents (the workforce rates)."""
        return all(
            figure.counted
            for month in self.months_of.get(indicator.code, [])
            for area, _ in self.areas
            if (figure := self.figures.get((indicator.code, area, month)))
        )

    def rating(self, indicator: Indicator, figure: Figure | None, month: date) -> Rating:
        return self.remember(
            ("rating", indicator.code, figure, month),
            lambda: self._rating(indicator, figure, month),
        )

    def _rating(self, indicator: Indicator, figure: Figure | None, month: date) -> Rating:
        target = self.target(indicator, month) if indicator.has_rag else None
        common = {
            "polarity": indicator.polarity,
            "target": target.target if target else None,
            "tolerance": target.tolerance if target else None,
            "small_number": self.rules.at(month).small_number,
        }
        if figure is None:
            return rate(numerator=None, denominator=None, unit=indicator.unit, **common)
        if figure.counted:
            result = rate(
                numerator=figure.numerator,
                denominator=figure.denominator,
                unit=indicator.unit,
                **common,
            )
        else:  # the exact value itself, rated as a number
            result = rate(numerator=figure.value, denominator=None, unit="count", **common)
        if not figure.rated and result.status != Status.NONE:
            return Rating(Status.GREY, result.value, result.small_numbers)
        return result


def load(arrangement) -> History:
    """The arrangement's History, read once per recompute however many builders ask."""
    return shared(("performance.history", arrangement.pk), lambda: _read(arrangement))


def _read(arrangement) -> History:
    indicators = list(Indicator.objects.with_definitions())
    councils = list(arrangement.councils.order_by("code"))
    areas = [(c.code, c.name) for c in councils] + [(OVERALL, f"All of {arrangement.code}")]
    approved = {
        r.period: r
        for r in MonthlyReturn.objects.filter(arrangement=arrangement, state=State.APPROVED)
    }
    found = approved_figures(arrangement, indicators, councils)
    commentary = {
        (c.monthly_return.period, c.indicator.code): c.text
        for c in Commentary.objects.filter(
            monthly_return__arrangement=arrangement, monthly_return__state=State.APPROVED
        ).select_related("monthly_return", "indicator")
    }
    targets = defaultdict(list)
    rows = Target.objects.filter(arrangement=arrangement)
    for row in rows.order_by("indicator_id", "valid_from", "pk"):
        targets[row.indicator_id].append(row)
    months_of = defaultdict(set)
    for code, _, month in found:
        months_of[code].add(month)
    return History(
        arrangement=arrangement,
        indicators=indicators,
        areas=areas,
        figures=found,
        returns=approved,
        commentary=commentary,
        targets=targets,
        benchmarks=benchmarks_of(arrangement),
        rules=RuleBook.of(arrangement),
        months_of={code: sorted(months) for code, months in months_of.items()},
    )
