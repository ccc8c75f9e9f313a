from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = "Performance"

    def ready(self):
        # What the arrangement's search finds among indicators and returns.
        # Its tile of the arrangement's headline (trust_portal/overview.py).
        from performance import (
            headline,  # noqa: F401
            search,  # noqa: F401
        )
        from performance.deadlines import LOOK_BACK_MONTHS, due_by, overdue_returns
        from performance.models import MonthlyReturn
        from trust_portal.accounts.home import home_notice
        from trust_portal.accounts.models import Role
        from trust_portal.accounts.permissions import Kind
        from trust_portal.approvals.work import returns_waiting
        from trust_portal.navigation import section

        section(
            "performance",
            label="Performance",
            url_name="performance:return-list",
            order=20,
            kind=Kind.RETURN,
            covers=("performance",),
        )

        # Both sides see overdue returns: the trust, which owes them, and the councils.
        home_notice(
            "overdue-returns",
            find=overdue_returns,
            template="performance/_overdue_warning.html",
            roles=(Role.TRUST_MANAGER, Role.COUNCIL_OFFICER),
        )
        # Home pages' "Waiting for you": the last year's months not started (as the overdue
        # reminders count them), drafts with their due dates, queries, approvals.
        returns_waiting(MonthlyReturn, order=10, look_back=LOOK_BACK_MONTHS, due=due_by)
