"""The workforce dashboard (issue 7, dashboard 5): the staff mix over time, the DfE vacancy,
agency and turnover rates over time for each council area and the whole arrangement, the latest
month's caseloads by team against the limit, and the latest month's posts and rates with their
RAG in words; for the scrutiny pack, each approved month's workforce summary.

Approved workforce returns only (and, for caseloads beside them, the same month's approved
performance return). The rates are the ones ``workforce.reads`` computes, as exact fractions,
turned into decimal strings here; each rate's numerator and denominator are columns of their
own. FTE are numbers (kind "number"), heads of people and cases are counts. The demo's synthetic
months stay marked wherever a month is shown.

Besides the blocks, the "rates-by-month" page (every rate of every group, each month) and the
pack, the snapshot holds ``latest_month`` and ``caseload_limit`` for the workforce overview page,
which reads this snapshot back (``workforce/overview.py``) rather than compute anything across
months on request.

Split by part: ``cells`` (words and cells), ``rates`` (the DfE rates, and the workforce rates
the performance dashboards show), ``posts`` (the staff mix and posts by kind), ``teams`` (the
caseloads), ``pack`` (each approved month's summary for the scrutiny pack) and ``overview`` (the
builder). Django imports this package at start (each app's ``dashboards``), which registers the
builder, the pack's section and the workforce rates' reader.
"""

from workforce.dashboards.overview import NAME, TITLE, build_workforce
from workforce.dashboards.rates import rate_figures

__all__ = ["NAME", "TITLE", "build_workforce", "rate_figures"]
