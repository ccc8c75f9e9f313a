from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from trust_portal.accounts.models import Arrangement, Commission, ObserverGrant, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


class CommissionInline(admin.TabularInline):
    model = Commission
    extra = 1


@admin.register(Arrangement)
class ArrangementAdmin(SimpleHistoryAdmin):
    list_display = ["trust", "description"]
    inlines = [CommissionInline]


class ObserverGrantInline(admin.TabularInline):
    model = ObserverGrant
    fk_name = "user"
    extra = 0
    readonly_fields = ["granted_by", "granted_at"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "email", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Trust Portal", {"fields": ["organisation", "role", "observes_all_arrangements"]}),
    ]
    inlines = [ObserverGrantInline]

    def has_delete_permission(self, request, obj=None):
        # Leavers are deactivated, never deleted: their history stays attributed to them.
        return False
