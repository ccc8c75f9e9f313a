from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
        # What the arrangement's search finds among contracts (trust_portal/search.py).
        from contracts import search  # noqa: F401
