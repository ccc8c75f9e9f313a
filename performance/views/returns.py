"""Monthly performance returns as a kind of return: the shared pages and API
(``trust_portal.approvals``) run their life; this declares what is particular to performance
figures: the entry grid, and the review page's ratings, commentaries and extract uploads."""

from performance.deadlines import due_dates
from performance.entry import grid_context
from performance.forms.returns import (
    CorrectionForm,
    QueryForm,
    ReturnFiguresForm,
    ReturnStartForm,
    area_names,
)
from performance.models import ALL_AREAS, Indicator, Measurement, MonthlyReturn, RuleBook
from performance.rag import Status
from performance.revisions import Figure, shown
from performance.rules import Judged, judged
from performance.services import returns
from trust_portal.approvals.checks import explained_words
from trust_portal.approvals.kinds import ReturnKind, Wording, services_named
from trust_portal.approvals.models import State
from trust_portal.approvals.queries import QueryRow
from trust_portal.history import as_recorded


def figures_form(monthly_return, data=None):
    return ReturnFiguresForm(
        data,
        cells=returns.cells_of(monthly_return.arrangement, Indicator.objects.all()),
        measurements={(m.indicator_id, m.area): m for m in monthly_return.measurements.all()},
        commentaries={c.indicator_id: c.text for c in monthly_return.commentaries.all()},
        context=grid_context(monthly_return, area_names(monthly_return.arrangement)),
        version=monthly_return.lock_version,
    )


def figures_saved(form) -> dict:
    return {"figures": form.figures(), "commentary": form.commentary()}


def review(request, monthly_return, *, editable: bool) -> dict:
    """Its figures rated; as of a past moment (``request.as_of``), against the targets and
    rules recorded then, and changes since the month before as approved then."""
    as_of = getattr(request, "as_of", None)
    at = as_of.moment if as_of else None
    return {
        "rows": returns.return_rows(monthly_return, at=at),
        "commentaries": monthly_return.commentaries.select_related("indicator").order_by(
            "indicator__display_order"
        ),
        "problems": returns.return_problems(monthly_return) if editable else ([], []),
        # The system's flag is work for the trust before approval; once approved it is gone.
        "shows_flags": not at and monthly_return.state not in (State.APPROVED, State.SUPERSEDED),
        "uploads": monthly_return.extract_uploads.select_related("uploaded_by")[:10],
        "judged": rules_of(monthly_return, at=at),
    }


def summary(monthly_return, area=None) -> list[tuple[str, str, list[str]]]:
    """What the return holds (for one council's ``area``, if given; the figures for all areas
    together are the trust's): figures entered, reds, and figures needing a commentary."""
    rows = [r for r in returns.return_rows(monthly_return) if area in (None, r.area)]
    commented = set(monthly_return.commentaries.values_list("indicator_id", flat=True))

    def named(found):
        return [f"{r.indicator.name}" + ("" if area else f" ({r.area})") for r in found]

    reds = [r for r in rows if r.rating.status == Status.RED]
    flagged = [r for r in rows if r.needs_commentary]
    explained = sum(1 for r in flagged if r.indicator.pk in commented)
    entered = sum(1 for r in rows if r.entered)
    return [
        ("Figures", f"{entered:,} of {len(rows):,} entered", []),
        ("Red against target", f"{len(reds):,}" if reds else "None", named(reds)),
        ("Need a commentary", explained_words(len(flagged), explained), named(flagged)),
    ]


def rules_of(monthly_return, at=None) -> Judged:
    """The rules the return's month is counted and judged under (its entry and review pages
    say which); as recorded at the past moment ``at``, if given."""
    return judged(RuleBook.of(monthly_return.arrangement, at=at), monthly_return.period)


def _count(number: int | None) -> str:
    return "–" if number is None else f"{number:,}"


def figure_text(figure: Figure) -> str:
    """A cell's figures as a query shows them: "1,234" for a count, "45 / 50 = 90.0%"."""
    if figure.is_empty:
        return "no figure"
    if figure.denominator is None and figure.unit not in (
        Indicator.Unit.PERCENTAGE,
        Indicator.Unit.RATIO,
    ):
        return _count(figure.numerator)
    top, bottom = _count(figure.numerator), _count(figure.denominator)
    return f"{top} / {bottom} = {shown(figure.value, figure.unit)}"


def query_rows(monthly_return, council, at=None) -> list[QueryRow]:
    """Each indicator's figure in the council's area and in all areas (where a return holds
    one), as the return stands or stood at the past moment ``at``: "45 / 50 = 90.0%"."""
    if at is None:
        measurements = monthly_return.measurements.all()
    else:
        measurements = as_recorded(Measurement, at, monthly_return=monthly_return)
    by_cell = {(m.indicator_id, m.area): m for m in measurements}
    areas = {council.code if council else None, ALL_AREAS}
    return [
        QueryRow(
            f"{indicator.code}:{area}",
            f"{indicator.name} ({'all areas' if area == ALL_AREAS else area})",
            (("", figure_text(Figure.of(by_cell.get((indicator.pk, area)), indicator))),),
        )
        for indicator, area in returns.cells_of(monthly_return.arrangement, Indicator.objects.all())
        if area in areas
    ]


KIND = ReturnKind(
    model=MonthlyReturn,
    namespace="performance",
    route="return",
    object_name="monthly_return",
    templates="performance/return_",
    services=services_named(returns, "return_"),
    wording=Wording(
        missing="No such return, or not one you can see.",
        locked="This return is locked. Start a correction to change it.",
        correct_heading="Correct an approved return",
        saved="Figures saved as a draft.",
    ),
    start_form=ReturnStartForm,
    query_form=QueryForm,
    correction_form=CorrectionForm,
    figures_form=figures_form,
    figures_saved=figures_saved,
    review=review,
    checks=returns.return_checks,
    summary=summary,
    entry=lambda monthly_return: {"judged": rules_of(monthly_return)},
    due_dates=due_dates,
    query_rows=query_rows,
)


def _return_or_404(request, code, month, revision) -> MonthlyReturn:
    return KIND.one_or_404(request, code, month, revision)
