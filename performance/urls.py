from django.urls import path

from performance.views import (
    benchmarks,
    indicators,
    returns,
    revisions,
    settings,
    uploads,
    workbook,
)
from trust_portal.approvals.routes import submission_paths

app_name = "performance"

urlpatterns = [
    path("arrangements/<str:code>/indicators/", indicators.indicator_list, name="indicator-list"),
    path(
        "arrangements/<str:code>/indicators/<str:indicator>/",
        indicators.indicator_detail,
        name="indicator-detail",
    ),
    path(
        "arrangements/<str:code>/indicators/<str:indicator>/target/",
        indicators.target_edit,
        name="target-edit",
    ),
    path(
        "indicators/<str:indicator>/revise/", indicators.definition_revise, name="definition-revise"
    ),
]

# The monthly returns' pages are the shared ones of every kind of return, run with this kind.
# One month's return, by revision: /arrangements/NCT/returns/2019-02/1/…
_one = "arrangements/<str:code>/returns/<str:month>/<int:revision>/"
urlpatterns += submission_paths("arrangements/<str:code>/returns/", _one, returns.KIND, "return")

# Child-level extracts uploaded into a draft, and their jobs' progress.
_upload = "arrangements/<str:code>/extract-uploads/<int:pk>/"
urlpatterns += [
    path(_one + "extract/", uploads.extract_upload_new, name="return-extract"),
    path(_upload, uploads.extract_upload_detail, name="extract-upload-detail"),
    path(_upload + "status/", uploads.extract_upload_status, name="extract-upload-status"),
    path(_upload + "errors.csv", uploads.extract_upload_errors, name="extract-upload-errors"),
    path(
        "arrangements/<str:code>/extract-format/",
        uploads.extract_format_detail,
        name="extract-format",
    ),
    path(
        "arrangements/<str:code>/extract-format/sample.<str:fmt>",
        uploads.extract_sample,
        name="extract-sample",
    ),
]

# The revisions of one month's return compared (?from=1&to=2), and the arrangement's
# performance settings with their history.
urlpatterns += [
    path(
        "arrangements/<str:code>/returns/<str:month>/compare/",
        revisions.return_compare,
        name="return-compare",
    ),
    path(
        "arrangements/<str:code>/performance-settings/",
        settings.settings_detail,
        name="settings",
    ),
    path(
        "arrangements/<str:code>/performance-settings/edit/",
        settings.settings_edit,
        name="settings-edit",
    ),
]

# The Excel template of a return, and its figures as CSV.
urlpatterns += [
    path(_one + "template/", workbook.return_template, name="return-template"),
    path(_one + "upload/", workbook.return_upload, name="return-upload"),
    path(_one + "export.csv", workbook.return_export, name="return-export"),
]

# Benchmarks (England and statistical neighbours' averages), entered or imported from CSV.
_benchmarks = "arrangements/<str:code>/benchmarks/"
urlpatterns += [
    path(_benchmarks, benchmarks.benchmark_list, name="benchmark-list"),
    path(_benchmarks + "new/", benchmarks.benchmark_edit, name="benchmark-add"),
    path(_benchmarks + "<int:pk>/edit/", benchmarks.benchmark_edit, name="benchmark-edit"),
    path(_benchmarks + "import/", benchmarks.benchmark_import, name="benchmark-import"),
    path(_benchmarks + "template.csv", benchmarks.benchmark_template, name="benchmark-template"),
]
