from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from trust_portal.accounts.models import Arrangement, Commission, ObserverGrant, Organisation, User
from trust_portal.accounts.sessions import password_changed


class TokenHistoryAdmin(SimpleHistoryAdmin):
    """A model's admin whose history lists the API token each change was made with."""

    history_list_display = ["history_api_token_name"]


@admin.register(Organisation)
class OrganisationAdmin(TokenHistoryAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


class CommissionInline(admin.TabularInline):
    model = Commission
    extra = 1


@admin.register(Arrangement)
class ArrangementAdmin(TokenHistoryAdmin):
    list_display = ["trust", "description"]
    inlines = [CommissionInline]


class ObserverGrantInline(admin.TabularInline):
    model = ObserverGrant
    fk_name = "user"
    extra = 0
    readonly_fields = ["granted_by", "granted_at"]


@admin.register(User)
class UserAdmin(TokenHistoryAdmin, BaseUserAdmin):
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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_service_account:
            return fieldsets
        # A service account never has a password (it uses API tokens): no password to show,
        # and no link to set one.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def user_change_password(self, request, id, form_url=""):
        account = self.get_object(request, unquote(id))
        if account is not None and account.is_service_account:
            raise PermissionDenied("A service account has no password: it uses API tokens.")
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the password was set
            # As on the service's own pages: their API tokens go, their other sessions end.
            password_changed(user=User.objects.get(pk=unquote(id)), request=request)
        return response


# A person's second factor is reset on the users' pages, with a reason in their history
# (two_factor.two_factor_reset), never edited here: django-otp's device pages come out.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
