from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from .models import SecurityPolicy

# The admin's own sign-in form would skip two-factor: it sends people to the app's instead.
admin.site.login = secure_admin_login(admin.site.login)


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    fields = ["require_two_factor_for_staff", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One row: the list is the row.
        SecurityPolicy.objects.get_or_create(pk=1)
        return redirect(reverse("admin:accounts_securitypolicy_change", args=[1]))
