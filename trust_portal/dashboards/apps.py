from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "trust_portal.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"

    def ready(self):
        # Each app's dashboards.py registers its builders when imported.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("dashboards")

        from trust_portal.accounts.permissions import Kind
        from trust_portal.navigation import section

        # The scrutiny committee packs: the pages of trust_portal/dashboards/views/packs.py.
        section(
            "packs",
            label="Packs",
            url_name="packs:pack-list",
            order=60,
            kind=Kind.DASHBOARD,
            covers=("packs",),
        )
        # Failed recomputes and the latest pack on home pages (registers when imported).
        import trust_portal.dashboards.work  # noqa: F401

        # What the arrangement's search finds among the packs issued, and the latest pack's
        # tile of the arrangement's headline (trust_portal/overview.py).
        from trust_portal.dashboards import headline, search  # noqa: F401
