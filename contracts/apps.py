from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
        # What the arrangement's search finds among contracts (trust_portal/search.py).
        from contracts import search  # noqa: F401
        from trust_portal.accounts.permissions import Kind
        from trust_portal.navigation import section

        # Contract years, payments, budget monitoring and reserved matters.
        section(
            "money",
            label="Money",
            url_name="contracts:overview",
            order=40,
            kind=Kind.CONTRACT,
            covers=("contracts",),
        )
