from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "trust_portal.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"

    def ready(self):
        # Each app's dashboards.py registers its builders when imported.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("dashboards")
        # What the arrangement's search finds among the packs issued.
        from trust_portal.dashboards import search  # noqa: F401
