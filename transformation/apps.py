from django.apps import AppConfig


class TransformationConfig(AppConfig):
    name = "transformation"
    verbose_name = "Transformation programme"

    def ready(self):
        # The contract year shows what the programme's approved cases drew from Block 3.
        from transformation.services.cases import block3_drawn
        from trust_portal import block3

        block3.register(drawn=block3_drawn, prefetch=("block3_draws",))

        # What waits for people on their home page (registers when imported).
        import transformation.work  # noqa: F401
