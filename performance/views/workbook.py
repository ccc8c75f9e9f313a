"""Pages for the Excel way into a monthly return (download the template, upload it back) and
the return's figures as CSV."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from performance import workbook
from performance.forms.uploads import SmallFileForm
from performance.models import MonthlyReturn
from performance.views.returns import _return_or_404
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.asof import honours_as_of
from trust_portal.exports import csv_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(SmallFileForm):
    file = forms.FileField(
        label="Completed template",
        help_text="The Excel file (.xlsx) downloaded from this return, filled in. Smaller "
        "than 5 MB.",
    )
    max_bytes = workbook.MAX_BYTES
    too_big = "The file must be smaller than 5 MB."


def _editable_or_redirect(request, code, month, revision):
    """(the return, None) if the user may change it now; else (it, a redirect to its page)."""
    monthly_return = _return_or_404(request, code, month, revision)
    require(request.user, Action.EDIT, Kind.RETURN)
    if monthly_return.is_locked:
        messages.error(request, "This return is locked. Start a correction to change it.")
        return monthly_return, redirect(monthly_return.get_absolute_url())
    return monthly_return, None


@login_required
@require_http_methods(["GET"])
def return_template(request, code, month, revision):
    monthly_return, refused = _editable_or_redirect(request, code, month, revision)
    if refused:
        return refused
    response = HttpResponse(workbook.template_for(monthly_return), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{workbook.filename_of(monthly_return)}"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def return_upload(request, code, month, revision):
    monthly_return, refused = _editable_or_redirect(request, code, month, revision)
    if refused:
        return refused
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if form.is_valid():
        try:
            saved = workbook.upload_save(
                by=request.user, monthly_return=monthly_return, file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            messages.success(
                request,
                f"{saved} figure{pluralize(saved)} saved from the Excel template as a draft.",
            )
            return redirect(monthly_return.get_absolute_url())
    context = {
        "monthly_return": monthly_return,
        "arrangement": monthly_return.arrangement,
        "form": form,
    }
    return render(request, "performance/return_upload.html", context)


@login_required
@honours_as_of
@require_http_methods(["GET"])
def return_export(request, code, month, revision):
    """The return's figures as CSV; as of a past moment, rated as its review page was then
    (and nothing for a revision not approved by then)."""
    monthly_return = _return_or_404(request, code, month, revision)  # seen, or 404
    filename, at = workbook.filename_of(monthly_return, "csv"), None
    if request.as_of:
        at = request.as_of.moment
        if not MonthlyReturn.objects.filter(pk=monthly_return.pk).approved_by(at).exists():
            raise Http404("This return was not yet approved at that moment.")
        filename = filename.replace(".csv", f"-as-of-{timezone.localtime(at):%Y-%m-%dT%H%M}.csv")
    return csv_response(
        filename, workbook.CSV_HEADER, workbook.figures_table(monthly_return, at=at)
    )
