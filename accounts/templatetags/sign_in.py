"""What the sign-in pages offer, read from settings (no query)."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def sign_in_options(context) -> dict:
    request = context["request"]
    sso_url = None
    if settings.OIDC_SERVER_URL:
        query = {"process": "login"}
        if next_url := request.GET.get("next"):
            query["next"] = next_url
        url = reverse("openid_connect_login", kwargs={"provider_id": settings.OIDC_PROVIDER_ID})
        sso_url = f"{url}?{urlencode(query)}"
    return {
        "sso_url": sso_url,
        "sso_name": settings.OIDC_NAME,
        "sso_only": settings.SSO_ONLY,
        "passwords": not settings.SSO_ONLY,
        "signup_enabled": settings.SIGNUP_ENABLED and not settings.SSO_ONLY,
    }
