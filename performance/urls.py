from django.urls import path

from performance import return_views, views

app_name = "performance"

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
    path("arrangements/<str:code>/returns/", return_views.return_list, name="return-list"),
]

# One month's return, by revision: /arrangements/NCT/returns/2019-02/1/…
_one = "arrangements/<str:code>/returns/<str:month>/<int:revision>/"
urlpatterns += [
    path(_one, return_views.return_detail, name="return-detail"),
    path(_one + "edit/", return_views.return_edit, name="return-edit"),
    path(_one + "submit/", return_views.return_submit, name="return-submit"),
    path(_one + "approve/", return_views.return_approve, name="return-approve"),
    path(_one + "query/", return_views.return_send_back, name="return-send-back"),
    path(_one + "correct/", return_views.return_correct, name="return-correct"),
]
