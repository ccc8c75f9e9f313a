from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from performance.models import (
    Benchmark,
    Indicator,
    IndicatorDefinition,
    PerformanceSettings,
    Target,
)


class DefinitionInline(admin.StackedInline):
    # Versions are added through the service (a recorded change), never edited here.
    model = IndicatorDefinition
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "domain", "unit", "polarity", "from_extract"]
    list_filter = ["domain", "unit", "polarity", "from_extract"]
    search_fields = ["code", "name"]
    inlines = [DefinitionInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PerformanceSettings)
class PerformanceSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["arrangement", "valid_from", "cp_visit_days", "caseload_limit", "small_number"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = [
        "arrangement",
        "indicator",
        "financial_year",
        "valid_from",
        "target",
        "tolerance",
    ]
    list_filter = ["arrangement", "financial_year"]

    def has_change_permission(self, request, obj=None):
        return False  # targets change through the service, with a reason

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Benchmark)
class BenchmarkAdmin(SimpleHistoryAdmin):
    """Read here; entered and imported by council officers on the benchmarks pages."""

    list_display = ["arrangement", "indicator", "financial_year", "kind", "area", "value", "source"]
    list_filter = ["arrangement", "kind", "financial_year"]
    search_fields = ["indicator__code", "source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
