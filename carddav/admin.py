"""In the admin, a staff member sees and picks their own rows only, like every admin list of
the project (contacts.admin_mixins.OwnerScopedAdminMixin); a superuser sees every user's."""

from django.contrib import admin

from contacts.admin_mixins import OwnerScopedAdminMixin

from .models import AppPassword, Card


@admin.register(AppPassword)
class AppPasswordAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "owner", "prefix", "created_at", "last_used_at")
    exclude = ("password_hash",)
    readonly_fields = ("owner", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False


@admin.register(Card)
class CardAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "owner", "contact", "revision", "deleted", "version")
    list_filter = ("deleted", "version")
    raw_id_fields = ("contact",)
    readonly_fields = ("revision", "seen_updated_at")
