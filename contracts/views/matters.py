"""Pages of the reserved matters: the register, each matter, the decision log and each
decision with every council's answer. Reading needs "view approved" on contracts (scrutiny
members: 403); writing needs "edit" (council officers), and an answer is always the signed-in
officer's own council's (contracts/services/matters.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from contracts.forms.matters import ConsentForm, DecisionFilter, DecisionForm, MatterForm
from contracts.models import Consent, ReservedDecision, ReservedMatter
from contracts.services import matters
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can, require
from trust_portal.formpages import form_page, submitted
from trust_portal.listing import download, paged


def _arrangement(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.CONTRACT)  # membership: just checked
    return arrangement


def _matter_or_404(request, code, reference) -> ReservedMatter:
    arrangement = _arrangement(request, code)
    return get_object_or_404(
        ReservedMatter.objects.select_related("arrangement__trust"),
        arrangement=arrangement,
        reference=reference,
    )


def _councils(arrangement) -> list:
    return sorted(arrangement.councils.all(), key=lambda c: c.code)


def _own_council(user, councils):
    return next((c for c in councils if c.pk == user.organisation_id), None)


def _changes(history) -> list:
    """History records, newest first, with what changed since the record before."""
    records = list(history.select_related("history_user").order_by("-history_date", "-pk"))
    result = []
    for n, newer in enumerate(records):
        older = records[n + 1] if n + 1 < len(records) else None
        changed = [c.field for c in newer.diff_against(older).changes] if older else []
        result.append((newer, changed))
    return result


# --- The register ---------------------------------------------------------------------------

REGISTER_HEADER = [
    "Reference",
    "Title",
    "Description",
    "Source",
    "Decisions logged",
    "Awaiting answers",
]


@login_required
def matter_list(request, code):
    arrangement = _arrangement(request, code)
    register = arrangement.reserved_matters.annotate(logged=Count("decisions")).order_by(
        "reference"
    )
    waiting = {}
    for decision in matters.decisions_for(arrangement).filter(current_outcome=matters.AWAITING):
        waiting.setdefault(decision.matter_id, []).append(decision)
    rows = [(m, waiting.get(m.pk, [])) for m in register]
    table = (
        [m.reference, m.title, m.description, m.source, m.logged, len(open_)] for m, open_ in rows
    )
    name = f"{arrangement.code}-reserved-matters"
    if exported := download(request, name, REGISTER_HEADER, table, title="Reserved matters"):
        return exported
    context = {
        "arrangement": arrangement,
        "rows": rows,
        "councils": _councils(arrangement),
        "can_edit": can(request.user, Action.EDIT, Kind.CONTRACT, arrangement),
    }
    return render(request, "contracts/matter_list.html", context)


@login_required
def matter_detail(request, code, reference):
    matter = _matter_or_404(request, code, reference)
    arrangement = matter.arrangement
    councils = _councils(arrangement)
    decisions = matters.decisions_for(arrangement).filter(matter=matter)
    context = {
        "arrangement": arrangement,
        "matter": matter,
        "councils": councils,
        "decisions": [(d, matters.answers(d, councils)) for d in decisions],
        "history": _changes(matter.history.all()),
        "can_edit": can(request.user, Action.EDIT, Kind.CONTRACT, arrangement),
    }
    return render(request, "contracts/matter_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def matter_edit(request, code, reference=None):
    """Add a matter to the register (no reference), or change one."""
    matter = _matter_or_404(request, code, reference) if reference is not None else None
    arrangement = matter.arrangement if matter else _arrangement(request, code)
    require(request.user, Action.EDIT, Kind.CONTRACT)
    initial = (
        {"reason": "Added to the register"}
        if matter is None
        else {
            "reference": matter.reference,
            "title": matter.title,
            "description": matter.description,
            "source": matter.source,
        }
    )
    form = MatterForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(**cleaned):
        saved = matters.matter_save(
            by=request.user, arrangement=arrangement, matter=matter, **cleaned
        )
        messages.success(request, f"Reserved matter {saved.reference} saved.")
        return redirect("contracts:matter-detail", arrangement.code, saved.reference)

    context = {"arrangement": arrangement, "matter": matter, "form": form}
    return form_page(form, save, lambda: render(request, "contracts/matter_form.html", context))


# --- The decision log -----------------------------------------------------------------------

LOG_HEADER = ["Requested on", "Matter", "Decision", "Outcome"]


@login_required
@require_http_methods(["GET", "POST"])
def decision_add(request, code, reference):
    matter = _matter_or_404(request, code, reference)
    require(request.user, Action.EDIT, Kind.CONTRACT)
    form = DecisionForm(request.POST if request.method == "POST" else None)

    def record(**cleaned):
        decision = matters.decision_record(by=request.user, matter=matter, **cleaned)
        messages.success(request, "Decision logged: each council can now record its answer.")
        return redirect(decision.get_absolute_url())

    context = {"arrangement": matter.arrangement, "matter": matter, "form": form}
    return form_page(
        form, record, lambda: render(request, "contracts/matter_decision_form.html", context)
    )


@login_required
def decision_list(request, code):
    arrangement = _arrangement(request, code)
    councils = _councils(arrangement)
    found = DecisionFilter(request.GET, queryset=matters.decisions_for(arrangement))
    decisions = found.qs if found.is_valid() else found.queryset.none()
    header = [
        *LOG_HEADER,
        *(f"{c.code} answer" for c in councils),
        *(f"{c.code} decided on" for c in councils),
    ]
    name = f"{arrangement.code}-reserved-decisions"
    table = _log_rows(decisions, councils)
    if exported := download(request, name, header, table, title="Reserved decisions"):
        return exported
    page, query = paged(request, decisions, 25)
    context = {
        "arrangement": arrangement,
        "councils": councils,
        "filter": found,
        "page": page,
        "rows": [(d, matters.answers(d, councils)) for d in page.object_list],
        "query": query,
    }
    return render(request, "contracts/matter_decision_list.html", context)


def _log_rows(decisions, councils):
    for d in decisions:
        given = dict(matters.answers(d, councils))
        yield [
            d.requested_on,
            f"{d.matter.reference}: {d.matter.title}",
            d.title,
            d.current_outcome,
            *((given[c].get_answer_display() if given[c] else "Awaiting") for c in councils),
            *((given[c].decided_on if given[c] else None) for c in councils),
        ]


def _decision_or_404(request, code, pk) -> ReservedDecision:
    arrangement = _arrangement(request, code)
    return get_object_or_404(matters.decisions_for(arrangement), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def decision_detail(request, code, pk):
    """Every council's answer; the signed-in officer records their own council's here."""
    decision = _decision_or_404(request, code, pk)
    arrangement = decision.matter.arrangement
    councils = _councils(arrangement)
    rows = matters.answers(decision, councils)
    own = _own_council(request.user, councils)
    may_answer = own is not None and can(request.user, Action.EDIT, Kind.CONTRACT, arrangement)
    own_answer = dict(rows).get(own) if own else None
    form = None
    if request.method == "POST":
        require(request.user, Action.EDIT, Kind.CONTRACT)
    if may_answer and own_answer is None:
        form = ConsentForm(request.POST if request.method == "POST" else None)

        def answer(**cleaned):
            matters.consent_record(by=request.user, decision=decision, **cleaned)
            messages.success(request, f"{own.code}'s answer recorded.")
            return redirect(decision.get_absolute_url())

        if answered := submitted(form, answer):
            return answered
    elif request.method == "POST":
        # Not one of the owning councils' officers, or their council has answered already.
        messages.error(request, "Your council's answer is recorded already: correct it instead.")
        return redirect(decision.get_absolute_url())
    context = {
        "arrangement": arrangement,
        "decision": decision,
        "matter": decision.matter,
        "rows": rows,
        "own": own if may_answer else None,
        "own_answer": own_answer,
        "form": form,
        "history": _changes(Consent.history.filter(decision_id=decision.pk)),
    }
    return render(request, "contracts/matter_decision_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consent_correct(request, code, pk):
    decision = _decision_or_404(request, code, pk)
    require(request.user, Action.EDIT, Kind.CONTRACT)
    own = _own_council(request.user, _councils(decision.matter.arrangement))
    consent = decision.consents.filter(council=own).first() if own else None
    if consent is None:
        messages.error(request, "Your council has not answered yet: record its answer here.")
        return redirect(decision.get_absolute_url())
    initial = {"answer": consent.answer, "decided_on": consent.decided_on, "note": consent.note}
    data = request.POST if request.method == "POST" else None
    form = ConsentForm(data, initial=initial, correcting=True)

    def correct(**cleaned):
        matters.consent_correct(by=request.user, decision=decision, **cleaned)
        messages.success(request, f"{own.code}'s answer corrected.")
        return redirect(decision.get_absolute_url())

    context = {
        "arrangement": decision.matter.arrangement,
        "decision": decision,
        "matter": decision.matter,
        "consent": consent,
        "form": form,
    }
    return form_page(
        form, correct, lambda: render(request, "contracts/matter_consent_form.html", context)
    )
