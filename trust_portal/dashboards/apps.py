from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "trust_portal.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"

    def ready(self):
        # Each app's dashboards.py registers its builders when imported.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("dashboards")
        # Failed recomputes and the latest pack on home pages (registers when imported).
        import trust_portal.dashboards.work  # noqa: F401
