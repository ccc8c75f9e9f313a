from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
        # What the arrangement's search finds among contracts (trust_portal/search.py).
        # Its tile of the arrangement's headline (trust_portal/overview.py).
        from contracts import (
            headline,  # noqa: F401
            search,  # noqa: F401
        )
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

        from contracts.models import BudgetReturn
        from trust_portal.approvals.work import returns_waiting

        # What waits for people on their home page: budget months, and (registered when
        # imported) reserved decisions, instalments, variations and contract years.
        returns_waiting(BudgetReturn, order=30)
        import contracts.work  # noqa: F401
