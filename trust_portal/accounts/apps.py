from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trust_portal.accounts"
    label = "accounts"
    verbose_name = "Organisations, arrangements and users"
