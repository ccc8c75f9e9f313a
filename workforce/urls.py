"""Pages of the workforce: /arrangements/NCT/workforce/…"""

from django.urls import path

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
    path(_base + "returns/", views.return_list, name="return-list"),
    path(_month, views.return_detail, name="return-detail"),
    path(_month + "edit/", views.return_edit, name="return-edit"),
    path(_month + "submit/", views.return_submit, name="return-submit"),
    path(_month + "approve/", views.return_approve, name="return-approve"),
    path(_month + "query/", views.return_send_back, name="return-send-back"),
    path(_month + "correct/", views.return_correct, name="return-correct"),
]
