from django.contrib import admin

from trust_portal.webhooks.models import Delivery, Endpoint


# Read-only here: endpoints are managed on their pages (/webhooks/), where the secret is shown
# once; the admin never shows it.
@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "arrangement", "state", "consecutive_failures", "created_at"]
    list_filter = ["state", "arrangement"]
    fields = ["arrangement", "url", "description", "events", "state", "paused_reason"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "endpoint", "state", "attempts", "last_status"]
    list_filter = ["state", "event"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
