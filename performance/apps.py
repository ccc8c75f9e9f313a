from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = "Performance"

    def ready(self):
        # What the arrangement's search finds among indicators and returns.
        from performance import search  # noqa: F401
        from performance.deadlines import overdue_returns
        from trust_portal.accounts.home import home_notice
        from trust_portal.accounts.models import Role
        from trust_portal.accounts.permissions import Kind
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
