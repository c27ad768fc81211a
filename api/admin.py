from django.contrib import admin

from .models import AccessToken, Webhook, WebhookDelivery


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "scope", "prefix", "created_at", "last_used_at", "expires_at")
    list_filter = ("scope",)
    # The hash is useless to read and must not be edited: tokens are made in Settings.
    exclude = ("token_hash",)
    readonly_fields = ("owner", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("url", "owner", "active", "created_at", "scanned_until")
    list_filter = ("active",)
    readonly_fields = ("scanned_until",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "webhook", "status", "attempts", "response_code", "created_at")
    list_filter = ("status", "event")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
