from django.urls import path

from performance import views

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
]
