from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"

    def ready(self):
        # What the arrangement's search finds among teams and workforce returns.
        from performance.services.settings import judged_by_rules
        from workforce import search  # noqa: F401
        from workforce.models import WorkforceReturn

        # Each workforce month is rated under the performance rules in force for it, so the
        # first rules recorded reach back to the earliest workforce month too.
        judged_by_rules(WorkforceReturn)
