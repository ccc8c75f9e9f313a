from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "trust_portal.outbox"
    label = "outbox"
    verbose_name = "Outbox"
