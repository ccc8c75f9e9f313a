from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "trust_portal.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
