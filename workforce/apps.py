from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"

    def ready(self):
        from performance.services.settings import judged_by_rules
        from trust_portal.accounts.permissions import Kind
        from trust_portal.navigation import section

        # What the arrangement's search finds, and its tile of the arrangement's headline.
        from workforce import headline, search  # noqa: F401
        from workforce.models import WorkforceReturn

        # Each workforce month is rated under the performance rules in force for it, so the
        # first rules recorded reach back to the earliest workforce month too.
        judged_by_rules(WorkforceReturn)

        section(
            "workforce",
            label="Workforce",
            url_name="workforce:overview",
            order=30,
            kind=Kind.RETURN,
            covers=("workforce",),
        )

        # Workforce months on people's home pages (no due rule: only the month just over
        # is listed to start).
        from trust_portal.approvals.work import returns_waiting

        returns_waiting(WorkforceReturn, order=20)
