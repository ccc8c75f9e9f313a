"""Monthly performance returns as a kind of return: the shared pages and API
(``trust_portal.approvals``) run their life; this declares what is particular to performance
figures: the entry grid, and the review page's ratings, commentaries and extract uploads."""

from performance.deadlines import due_dates
from performance.forms.returns import CorrectionForm, QueryForm, ReturnFiguresForm, ReturnStartForm
from performance.models import Indicator, MonthlyReturn, RuleBook
from performance.rag import Status
from performance.rules import Judged, judged
from performance.services import returns
from trust_portal.approvals.checks import explained_words
from trust_portal.approvals.kinds import ReturnKind, Wording, services_named
from trust_portal.approvals.models import State


def figures_form(monthly_return, data=None):
    return ReturnFiguresForm(
        data,
        cells=returns.cells_of(monthly_return.arrangement, Indicator.objects.all()),
        measurements={(m.indicator_id, m.area): m for m in monthly_return.measurements.all()},
        commentaries={c.indicator_id: c.text for c in monthly_return.commentaries.all()},
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
)


def _return_or_404(request, code, month, revision) -> MonthlyReturn:
    return KIND.one_or_404(request, code, month, revision)
