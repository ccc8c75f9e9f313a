"""The performance dashboards: the overview scorecard (every indicator for the latest approved
month, per council area and overall) and each indicator's trend against its target, tolerance
and benchmarks.

Read from approved returns only: each month's approved revision of the performance return,
and for the indicators entered in another app's return (the workforce rates, entered in the
workforce return) what that app registers with ``figures_entered_in``.

Split by part: ``approved`` (the approved figures and what other apps register), ``history``
(everything the builders read, once), ``cells`` (words and cells), ``matrix`` (the overview's
scorecard matrix, counts and exceptions, worded per month), ``overview`` (the builder and the
per-area scorecard download), ``indicators`` (the trends) and ``pack`` (the scrutiny pack's
figures). Django imports this package at start (each app's ``dashboards``), which registers the
builders and the pack's section.
"""

from performance.dashboards.approved import OVERALL, Figure, figures_entered_in
from performance.dashboards.cells import value_columns
from performance.dashboards.indicators import build_indicators
from performance.dashboards.overview import build_overview
from performance.dashboards.pack import build_performance_pack

__all__ = [
    "OVERALL",
    "Figure",
    "build_indicators",
    "build_overview",
    "build_performance_pack",
    "figures_entered_in",
    "value_columns",
]
