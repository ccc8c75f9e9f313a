from django.apps import AppConfig


class TransformationConfig(AppConfig):
    name = "transformation"
    verbose_name = "Transformation programme"

    def ready(self):
        # What the arrangement's search finds among business cases and risks.
        # Its tile of the arrangement's headline (trust_portal/overview.py).
        from transformation import (
            headline,  # noqa: F401
            search,  # noqa: F401
        )

        # The contract year shows what the programme's approved cases drew from Block 3.
        from transformation.services.cases import block3_drawn
        from trust_portal import block3
        from trust_portal.accounts.permissions import Kind
        from trust_portal.navigation import section

        block3.register(drawn=block3_drawn, prefetch=("block3_draws",))

        section(
            "transformation",
            label="Transformation",
            url_name="transformation:programme",
            order=50,
            kind=Kind.BUSINESS_CASE,
            covers=("transformation",),
        )

        # What waits for people on their home page (registers when imported).
        import transformation.work  # noqa: F401
