from django.urls import path

from trust_portal.webhooks import views

app_name = "webhooks"

_endpoint = "webhooks/<int:pk>/"
urlpatterns = [
    path("webhooks/", views.endpoint_list, name="endpoint-list"),
    path("webhooks/new/", views.endpoint_create, name="endpoint-create"),
    path(_endpoint, views.endpoint_detail, name="endpoint-detail"),
    path(f"{_endpoint}edit/", views.endpoint_edit, name="endpoint-edit"),
    path(f"{_endpoint}pause/", views.endpoint_pause, name="endpoint-pause"),
    path(f"{_endpoint}resume/", views.endpoint_resume, name="endpoint-resume"),
    path(f"{_endpoint}delete/", views.endpoint_delete, name="endpoint-delete"),
    path(f"{_endpoint}rotate-secret/", views.endpoint_rotate_secret, name="endpoint-rotate"),
    path(f"{_endpoint}send-failed-again/", views.endpoint_replay_failed, name="endpoint-replay"),
    path(
        "webhooks/deliveries/<uuid:delivery>/send-again/",
        views.delivery_replay,
        name="delivery-replay",
    ),
]
