from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trust_portal.accounts"
    label = "accounts"
    verbose_name = "Organisations, arrangements and users"

    def ready(self):
        # Invitations not taken up, on administrators' home pages (registers when imported).
        import trust_portal.accounts.work  # noqa: F401
