"""Pages for benchmarks: the list (by year, as CSV or Excel), adding and changing one, and
importing many from a CSV file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from performance.forms.benchmarks import BenchmarkForm, BenchmarkImportForm
from performance.models import Benchmark
from performance.services import benchmarks
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can, require
from trust_portal.exports import table_response
from trust_portal.formpages import form_page
from trust_portal.numbers import digits_value
from trust_portal.periods import financial_year_label

EXPORT_HEADER = [
    "Indicator",
    "Indicator name",
    "Financial year",
    "Benchmark",
    "Area",
    "Value",
    "Source",
    "Note",
    "Entered by",
    "Entered at",
]


def _export_rows(rows):
    for b in rows:
        yield [
            b.indicator.code,
            b.indicator.name,
            financial_year_label(b.financial_year),
            b.get_kind_display(),
            b.area,
            b.value,
            b.source,
            b.note,
            b.entered_by.get_full_name() if b.entered_by else "",
            timezone.localtime(b.entered_at).replace(tzinfo=None),
        ]


@login_required
def benchmark_list(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.TARGET)  # membership: just checked
    rows = Benchmark.objects.filter(arrangement=arrangement).select_related(
        "indicator", "entered_by"
    )
    years = sorted(set(rows.values_list("financial_year", flat=True)), reverse=True)
    year = digits_value(request.GET.get("year", ""))
    if year is not None:
        rows = rows.filter(financial_year=year)
    if request.GET.get("format") in ("csv", "xlsx"):
        name = f"{arrangement.code}-benchmarks" + (f"-{year}" if year is not None else "")
        return table_response(
            request.GET["format"], name, EXPORT_HEADER, _export_rows(rows), title="Benchmarks"
        )
    context = {
        "arrangement": arrangement,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "years": [(y, financial_year_label(y)) for y in years],
        "year": year,
        "query": f"year={year}" if year is not None else "",
        "can_edit": can(request.user, Action.EDIT, Kind.TARGET, arrangement),
    }
    return render(request, "performance/benchmark_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def benchmark_edit(request, code, pk=None):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.EDIT, Kind.TARGET)  # membership: just checked
    benchmark = None
    initial = {"area": "ALL"}
    if pk is not None:
        benchmark = get_object_or_404(Benchmark, arrangement=arrangement, pk=pk)
        names = ["financial_year", "kind", "area", "value", "source", "note"]
        initial = {name: getattr(benchmark, name) for name in names}
        initial["indicator"] = benchmark.indicator.code
    form = BenchmarkForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        arrangement=arrangement,
        changing=benchmark is not None,
    )

    def save(**cleaned):
        saved = benchmarks.benchmark_save(
            by=request.user, arrangement=arrangement, benchmark=benchmark, **cleaned
        )
        messages.success(request, f"Benchmark for {saved.indicator.name} saved.")
        return redirect(f"{_list_url(arrangement)}?year={saved.financial_year}")

    context = {"arrangement": arrangement, "form": form, "benchmark": benchmark}
    return form_page(
        form, save, lambda: render(request, "performance/benchmark_form.html", context)
    )


def _list_url(arrangement):
    return reverse("performance:benchmark-list", args=[arrangement.code])


@login_required
@require_http_methods(["GET", "POST"])
def benchmark_import(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.EDIT, Kind.TARGET)  # membership: just checked
    posted = request.method == "POST"
    form = BenchmarkImportForm(request.POST if posted else None, request.FILES if posted else None)
    problems = []
    if form.is_valid():
        try:
            added, updated = benchmarks.benchmark_import(
                by=request.user, arrangement=arrangement, raw=form.cleaned_data["file"].read()
            )
        except benchmarks.ImportRefused as refused:
            problems = refused.errors
            form.add_error(
                "file",
                f"The file has {len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''}: nothing was saved.",
            )
        else:
            messages.success(request, f"Benchmarks imported: {added} added, {updated} changed.")
            return redirect(_list_url(arrangement))
    context = {"arrangement": arrangement, "form": form, "problems": problems}
    return render(request, "performance/benchmark_import.html", context)


@login_required
def benchmark_template(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.EDIT, Kind.TARGET)  # membership: just checked
    response = HttpResponse(benchmarks.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{arrangement.code}-benchmarks-template.csv"'
    )
    return response
