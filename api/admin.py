"""In the admin, a staff member sees and picks their own rows only, like every admin list of
the project (contacts.admin_mixins.OwnerScopedAdminMixin); a superuser sees every user's."""

from django.contrib import admin

from contacts.admin_mixins import OwnerScopedAdminMixin

from .models import AccessToken, Webhook, WebhookDelivery


@admin.register(AccessToken)
class AccessTokenAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "owner", "scope", "prefix", "created_at", "last_used_at", "expires_at")
    list_filter = ("scope",)
    # The hash is useless to read and must not be edited: tokens are made in Settings.
    exclude = ("token_hash",)
    readonly_fields = ("owner", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False


@admin.register(Webhook)
class WebhookAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ("url", "owner", "active", "created_at", "scanned_until")
    list_filter = ("active",)
    readonly_fields = ("scanned_until",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ("event", "webhook", "status", "attempts", "response_code", "created_at")
    list_filter = ("status", "event")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
