"""Pages of the scrutiny committee pack: /arrangements/NCT/scrutiny-packs/…"""

from django.urls import path

from trust_portal.dashboards import pack_views as views

app_name = "packs"

_base = "arrangements/<str:code>/scrutiny-packs/"
urlpatterns = [
    path(_base, views.pack_list, name="pack-list"),
    path(_base + "preview/<str:month>/", views.pack_preview, name="pack-preview"),
    path(_base + "preview/<str:month>/issue/", views.pack_issue, name="pack-issue"),
    path(_base + "<int:pk>/", views.pack_detail, name="pack-detail"),
    path(_base + "<int:pk>/pdf/", views.pack_pdf, name="pack-pdf"),
]
