from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
        from contracts.models import BudgetReturn
        from trust_portal.approvals.work import returns_waiting

        # What waits for people on their home page: budget months, and (registered when
        # imported) reserved decisions, instalments, variations and contract years.
        returns_waiting(BudgetReturn, order=30)
        import contracts.work  # noqa: F401
