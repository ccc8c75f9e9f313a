from django.contrib import admin

from performance.models import (
    Benchmark,
    Indicator,
    IndicatorDefinition,
    PerformanceSettings,
    Target,
)
from trust_portal.accounts.admin import TokenHistoryAdmin


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
class IndicatorAdmin(TokenHistoryAdmin):
    list_display = ["code", "name", "domain", "unit", "polarity", "from_extract"]
    list_filter = ["domain", "unit", "polarity", "from_extract"]
    search_fields = ["code", "name"]
    inlines = [DefinitionInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PerformanceSettings)
class PerformanceSettingsAdmin(TokenHistoryAdmin):
    list_display = ["arrangement", "valid_from", "cp_visit_days", "caseload_limit", "small_number"]


@admin.register(Target)
class TargetAdmin(TokenHistoryAdmin):
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
class BenchmarkAdmin(TokenHistoryAdmin):
    """Read here; entered and imported by council officers on the benchmarks pages."""

    list_display = ["arrangement", "indicator", "financial_year", "kind", "area", "value", "source"]
    list_filter = ["arrangement", "kind", "financial_year"]
    search_fields = ["indicator__code", "source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
