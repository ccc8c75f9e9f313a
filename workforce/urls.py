"""Pages of the workforce: /arrangements/NCT/workforce/…"""

from django.urls import path

from trust_portal.approvals.routes import submission_paths
from workforce import views

app_name = "workforce"

_base = "arrangements/<str:code>/workforce/"
# One month's return, by revision: /arrangements/NCT/workforce/returns/2024-07/1/…
_month = _base + "returns/<str:month>/<int:revision>/"
urlpatterns = [
    path(_base, views.overview, name="overview"),
    path(_base + "teams/", views.team_list, name="team-list"),
    path(_base + "teams/new/", views.team_edit, name="team-add"),
    path(_base + "teams/<int:pk>/", views.team_detail, name="team-detail"),
    path(_base + "teams/<int:pk>/edit/", views.team_edit, name="team-edit"),
    path(_base + "teams/<int:pk>/close/", views.team_close, name="team-close"),
    # The monthly returns' pages are the shared ones of every kind of return, run with this kind.
    *submission_paths(_base + "returns/", _month, views.KIND, "return"),
]
