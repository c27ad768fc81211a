from django.contrib import admin

from .models import AppPassword, Card


@admin.register(AppPassword)
class AppPasswordAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "prefix", "created_at", "last_used_at")
    exclude = ("password_hash",)
    readonly_fields = ("owner", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "contact", "revision", "deleted", "version")
    list_filter = ("deleted", "version")
    raw_id_fields = ("contact",)
    readonly_fields = ("revision", "seen_updated_at")
