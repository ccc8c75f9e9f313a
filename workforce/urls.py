"""Pages of the workforce: /arrangements/NCT/workforce/…"""

from django.urls import path

from trust_portal.approvals import views as approvals
from workforce import views

app_name = "workforce"

_base = "arrangements/<str:code>/workforce/"
# One month's return, by revision: /arrangements/NCT/workforce/returns/2024-07/1/…
_month = _base + "returns/<str:month>/<int:revision>/"
# The monthly returns' pages are the shared ones of every kind of return, run with this kind.
returns = {"kind": views.KIND}
urlpatterns = [
    path(_base, views.overview, name="overview"),
    path(_base + "teams/", views.team_list, name="team-list"),
    path(_base + "teams/new/", views.team_edit, name="team-add"),
    path(_base + "teams/<int:pk>/", views.team_detail, name="team-detail"),
    path(_base + "teams/<int:pk>/edit/", views.team_edit, name="team-edit"),
    path(_base + "teams/<int:pk>/close/", views.team_close, name="team-close"),
    path(_base + "returns/", approvals.submission_list, returns, name="return-list"),
    path(_month, approvals.submission_detail, returns, name="return-detail"),
    path(_month + "edit/", approvals.submission_edit, returns, name="return-edit"),
    path(_month + "submit/", approvals.submission_submit, returns, name="return-submit"),
    path(_month + "approve/", approvals.submission_approve, returns, name="return-approve"),
    path(_month + "query/", approvals.submission_send_back, returns, name="return-send-back"),
    path(_month + "correct/", approvals.submission_correct, returns, name="return-correct"),
]
