from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
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
