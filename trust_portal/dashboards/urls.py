from django.urls import path

from trust_portal.dashboards import api
from trust_portal.dashboards.views import dashboards as views
from trust_portal.dashboards.views import packs

app_name = "dashboards"

_base = "arrangements/<str:code>/dashboards/"
urlpatterns = [
    path(_base, views.dashboard_index, name="index"),
    path(_base + "runs/", views.recompute_runs, name="runs"),
    path(_base + "runs/recompute/", views.recompute_now, name="recompute"),
    path(_base + "<slug:name>/", views.dashboard_detail, name="detail"),
    path(_base + "<slug:name>/data/<slug:block>/", views.dashboard_data, name="data"),
    path(_base + "<slug:name>/<str:page>/", views.dashboard_page, name="page"),
    path(
        _base + "<slug:name>/<str:page>/data/<slug:block>/",
        views.dashboard_data,
        name="page-data",
    ),
    # The API's one-snapshot endpoint; the list is a viewset on the v1 router (api.py).
    path(
        "api/v1/dashboards/<str:code>/<slug:name>/",
        api.DashboardDetailView.as_view(),
        name="api-detail",
    ),
]

# The scrutiny committee pack's pages, in a namespace of their own ("packs:pack-list"):
# trust_portal/urls.py includes them as include(dashboards.urls.packs).
_packs = "arrangements/<str:code>/scrutiny-packs/"
packs_urlpatterns = [
    path(_packs, packs.pack_list, name="pack-list"),
    path(_packs + "preview/<str:month>/", packs.pack_preview, name="pack-preview"),
    path(_packs + "preview/<str:month>/issue/", packs.pack_issue, name="pack-issue"),
    path(_packs + "<int:pk>/", packs.pack_detail, name="pack-detail"),
    path(_packs + "<int:pk>/pdf/", packs.pack_pdf, name="pack-pdf"),
]
