"""Pages for child-level extracts uploaded into a draft: the format and its sample file, the
upload form, the job's progress and result, and a rejected file's error report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from performance import extract_format
from performance.forms.uploads import ExtractUploadForm
from performance.models import ExtractUpload, Indicator, MonthlyReturn
from performance.services import uploads
from performance.views.returns import _return_or_404
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, require
from trust_portal.exports import table_response
from trust_portal.govuk_forms import add_service_errors
from trust_portal.periods import first_of_month, parse_month, previous_month


def _upload_or_404(request, code, pk) -> ExtractUpload:
    arrangement = arrangement_or_404(request.user, code)
    upload = (
        ExtractUpload.objects.filter(
            pk=pk,
            monthly_return__arrangement=arrangement,
            monthly_return__in=MonthlyReturn.objects.visible_to(request.user),
        )
        .select_related("monthly_return__arrangement__trust", "uploaded_by")
        .first()
    )
    if upload is None:
        raise Http404("No such upload, or not one you can see.")
    return upload


@login_required
@require_http_methods(["GET", "POST"])
def extract_upload_new(request, code, month, revision):
    monthly_return = _return_or_404(request, code, month, revision)
    require(request.user, Action.EDIT, Kind.RETURN)
    if monthly_return.is_locked:
        messages.error(request, "This return is locked. Start a correction to change it.")
        return redirect(monthly_return.get_absolute_url())
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = ExtractUploadForm(*data)
    if form.is_valid():
        try:
            upload = uploads.extract_upload_start(
                by=request.user, monthly_return=monthly_return, file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(upload.get_absolute_url())
    context = {
        "monthly_return": monthly_return,
        "arrangement": monthly_return.arrangement,
        "form": form,
        "as_at": uploads.as_at_of(monthly_return),
        "month": monthly_return.period,
    }
    return render(request, "performance/extract_upload_form.html", context)


def _sample_month(request):
    """The month a sample is made for: ``?month=YYYY-MM``, else last month."""
    try:
        return parse_month(request.GET.get("month", ""))
    except ValueError:
        return previous_month(first_of_month(timezone.localdate()))


@login_required
def extract_format_detail(request, code):
    """The extract's format, for anyone who can see the arrangement."""
    arrangement = arrangement_or_404(request.user, code)
    month = _sample_month(request)
    context = {
        "arrangement": arrangement,
        "month": month,
        "as_at": extract_format.as_at_of_month(month),
        "columns": extract_format.FORMAT_COLUMNS,
        "indicators": extract_format.indicator_rules(
            dict(Indicator.objects.filter(from_extract=True).values_list("code", "name"))
        ),
        "areas": [council.code for council in arrangement.councils.order_by("code")],
        "rules": uploads.extract_settings(arrangement, month),
    }
    return render(request, "performance/extract_format.html", context)


@login_required
def extract_sample(request, code, fmt):
    """A sample extract for the month, with invented rows, as CSV or Excel."""
    arrangement = arrangement_or_404(request.user, code)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Samples are CSV or Excel (.xlsx) files.")
    month = _sample_month(request)
    areas = [council.code for council in arrangement.councils.order_by("code")]
    header, rows = extract_format.sample_rows(month=month, areas=areas)
    name = f"child-extract-sample-{arrangement.code}-{month:%Y-%m}"
    return table_response(fmt, name, header, rows, title="Extract")


@login_required
def extract_upload_detail(request, code, pk):
    upload = _upload_or_404(request, code, pk)
    changes = uploads.extract_upload_changes(upload)
    context = {
        "upload": upload,
        "changes": changes,
        "stale": uploads.commentary_to_check(changes),
        "monthly_return": upload.monthly_return,
        "arrangement": upload.monthly_return.arrangement,
        "errors_shown": upload.errors[:100],
        "is_uploader": upload.uploaded_by_id == request.user.pk,
    }
    return render(request, "performance/extract_upload_detail.html", context)


@login_required
def extract_upload_status(request, code, pk):
    """Polled by the progress bar."""
    upload = _upload_or_404(request, code, pk)
    return JsonResponse(
        {
            "state": upload.state,
            "status": upload.status,
            "progress": upload.progress,
            "finished": upload.is_finished,
        }
    )


@login_required
def extract_upload_errors(request, code, pk):
    upload = _upload_or_404(request, code, pk)
    try:
        report = uploads.extract_upload_error_report(by=request.user, upload=upload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(upload.get_absolute_url())
    response = HttpResponse(report, content_type="text/csv; charset=utf-8")
    name = f"extract-errors-{upload.sha256[:12]}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
