from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "trust_portal.approvals"
    label = "approvals"
    verbose_name = "Approvals"
