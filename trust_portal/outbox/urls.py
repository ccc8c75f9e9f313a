from django.urls import path

from trust_portal.outbox import views

app_name = "outbox"

urlpatterns = [
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<int:pk>/send-again/", views.job_resend, name="job-resend"),
]
