from django.urls import path

from performance import (
    benchmark_views,
    return_views,
    revision_views,
    settings_views,
    upload_views,
    views,
    workbook_views,
)
from trust_portal.approvals import views as approvals

app_name = "performance"
# The monthly returns' pages are the shared ones of every kind of return, run with this kind.
returns = {"kind": return_views.KIND}

urlpatterns = [
    path("arrangements/<str:code>/indicators/", views.indicator_list, name="indicator-list"),
    path(
        "arrangements/<str:code>/indicators/<str:indicator>/",
        views.indicator_detail,
        name="indicator-detail",
    ),
    path(
        "arrangements/<str:code>/indicators/<str:indicator>/target/",
        views.target_edit,
        name="target-edit",
    ),
    path("indicators/<str:indicator>/revise/", views.definition_revise, name="definition-revise"),
    path(
        "arrangements/<str:code>/returns/",
        approvals.submission_list,
        returns,
        name="return-list",
    ),
]

# One month's return, by revision: /arrangements/NCT/returns/2019-02/1/…
_one = "arrangements/<str:code>/returns/<str:month>/<int:revision>/"
urlpatterns += [
    path(_one, approvals.submission_detail, returns, name="return-detail"),
    path(_one + "edit/", approvals.submission_edit, returns, name="return-edit"),
    path(_one + "submit/", approvals.submission_submit, returns, name="return-submit"),
    path(_one + "approve/", approvals.submission_approve, returns, name="return-approve"),
    path(_one + "query/", approvals.submission_send_back, returns, name="return-send-back"),
    path(_one + "correct/", approvals.submission_correct, returns, name="return-correct"),
]

# Child-level extracts uploaded into a draft, and their jobs' progress.
_upload = "arrangements/<str:code>/extract-uploads/<int:pk>/"
urlpatterns += [
    path(_one + "extract/", upload_views.extract_upload_new, name="return-extract"),
    path(_upload, upload_views.extract_upload_detail, name="extract-upload-detail"),
    path(_upload + "status/", upload_views.extract_upload_status, name="extract-upload-status"),
    path(_upload + "errors.csv", upload_views.extract_upload_errors, name="extract-upload-errors"),
]

# The revisions of one month's return compared (?from=1&to=2), and the arrangement's
# performance settings with their history.
urlpatterns += [
    path(
        "arrangements/<str:code>/returns/<str:month>/compare/",
        revision_views.return_compare,
        name="return-compare",
    ),
    path(
        "arrangements/<str:code>/performance-settings/",
        settings_views.settings_detail,
        name="settings",
    ),
    path(
        "arrangements/<str:code>/performance-settings/edit/",
        settings_views.settings_edit,
        name="settings-edit",
    ),
]

# The Excel template of a return, and its figures as CSV.
urlpatterns += [
    path(_one + "template/", workbook_views.return_template, name="return-template"),
    path(_one + "upload/", workbook_views.return_upload, name="return-upload"),
    path(_one + "export.csv", workbook_views.return_export, name="return-export"),
]

# Benchmarks (England and statistical neighbours' averages), entered or imported from CSV.
_benchmarks = "arrangements/<str:code>/benchmarks/"
urlpatterns += [
    path(_benchmarks, benchmark_views.benchmark_list, name="benchmark-list"),
    path(_benchmarks + "new/", benchmark_views.benchmark_edit, name="benchmark-add"),
    path(_benchmarks + "<int:pk>/edit/", benchmark_views.benchmark_edit, name="benchmark-edit"),
    path(_benchmarks + "import/", benchmark_views.benchmark_import, name="benchmark-import"),
    path(
        _benchmarks + "template.csv", benchmark_views.benchmark_template, name="benchmark-template"
    ),
]
