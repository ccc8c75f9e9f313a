"""Pages of the scrutiny committee pack: /arrangements/NCT/scrutiny-packs/…

Everyone in the arrangement who may see dashboards (dashboard: view approved) opens the list,
previews, issued packs and their PDFs; council officers (dashboard: edit) issue a pack. An
issued pack's page and PDF show what was stored when it was issued, never today's snapshots.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models.functions import Length
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can, require
from trust_portal.approvals.pages import month_or_404
from trust_portal.asof import honours_as_of, moment_of
from trust_portal.dashboards import packs
from trust_portal.dashboards.forms import IssueForm, MonthForm, ThresholdForm
from trust_portal.dashboards.models import IssuedPack, Snapshot
from trust_portal.formpages import form_page

PER_PAGE = 20


def _arrangement(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.DASHBOARD)
    return arrangement


@login_required
def pack_list(request, code):
    arrangement = _arrangement(request, code)
    form = MonthForm(
        request.GET if "month" in request.GET else None,
        initial={"month": _latest_month(arrangement)},
    )
    if form.is_valid():
        return redirect("packs:pack-preview", arrangement.code, form.cleaned_data["month"])
    issued = (
        IssuedPack.objects.filter(arrangement=arrangement)
        .select_related("issued_by")
        .defer("data", "pdf")
    )
    context = {
        "arrangement": arrangement,
        "form": form,
        "page": Paginator(issued, PER_PAGE).get_page(request.GET.get("page")),
        "can_issue": can(request.user, Action.EDIT, Kind.DASHBOARD, arrangement),
    }
    return render(request, "dashboards/pack_list.html", context)


def _latest_month(arrangement) -> str:
    """The newest month the performance snapshot gives the pack, as a starting suggestion."""
    snapshot = Snapshot.objects.version(arrangement, "performance-pack")
    months = sorted(((snapshot.data.get("pack") or {}).get("by_month") or {}) if snapshot else [])
    return months[-1] if months else ""


@login_required
@honours_as_of
def pack_preview(request, code, month):
    arrangement = _arrangement(request, code)
    period = month_or_404(month)
    threshold_form = ThresholdForm(request.GET if "threshold" in request.GET else None)
    valid = threshold_form.is_valid()
    threshold = threshold_form.cleaned_data["threshold"] if valid else packs.default_threshold()
    details = valid and threshold_form.cleaned_data["details"]
    form = IssueForm(initial={"threshold": threshold})
    return _preview(request, arrangement, period, threshold, threshold_form, form, details=details)


def _preview(
    request, arrangement, period, threshold, threshold_form, form, status=200, details=False
):
    as_of = getattr(request, "as_of", None)
    pack = packs.pack_suppress(
        packs.pack_assemble(arrangement=arrangement, month=period, at=moment_of(as_of)),
        threshold=threshold,
    )
    context = {
        "arrangement": arrangement,
        "threshold_form": threshold_form,
        "form": form,
        # A pack is issued from the figures in force now, never from a past moment's.
        "can_issue": not as_of and can(request.user, Action.EDIT, Kind.DASHBOARD, arrangement),
        **packs.pack_context(pack, details=details),
    }
    return render(request, "dashboards/pack_preview.html", context, status=status)


@login_required
@require_POST
def pack_issue(request, code, month):
    arrangement = _arrangement(request, code)
    period: date = month_or_404(month)
    require(request.user, Action.EDIT, Kind.DASHBOARD, arrangement)
    form = IssueForm(request.POST)

    def issue(**cleaned):
        issued = packs.pack_issue(by=request.user, arrangement=arrangement, month=period, **cleaned)
        messages.success(request, f"Issued “{issued.title}”.")
        return redirect("packs:pack-detail", arrangement.code, issued.pk)

    def preview():
        threshold = packs.default_threshold()
        return _preview(request, arrangement, period, threshold, ThresholdForm(), form)

    return form_page(form, issue, preview)


@login_required
def pack_detail(request, code, pk):
    arrangement = _arrangement(request, code)
    issued = get_object_or_404(
        IssuedPack.objects.select_related("issued_by")
        .defer("pdf")
        .annotate(pdf_size=Length("pdf")),
        arrangement=arrangement,
        pk=pk,
    )
    context = {
        "arrangement": arrangement,
        "pdf_size": issued.pdf_size,
        **packs.pack_context(issued.data, issued=issued),
    }
    return render(request, "dashboards/pack_detail.html", context)


@login_required
def pack_pdf(request, code, pk):
    arrangement = _arrangement(request, code)
    issued = get_object_or_404(IssuedPack, arrangement=arrangement, pk=pk)
    if not issued.pdf:
        raise Http404("This pack has no PDF.")
    response = HttpResponse(bytes(issued.pdf), content_type="application/pdf")
    filename = f"{arrangement.code}-scrutiny-pack-{issued.month:%Y-%m}-{issued.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
