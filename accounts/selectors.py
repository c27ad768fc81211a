"""Reads for the sign-in pages and the staff rule."""

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core.cache import cache

from .models import SecurityPolicy

_POLICY_KEY = "accounts:policy:v1"
_TWO_FACTOR_KEY = "accounts:2fa:v1:{}"
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def _cached(key: str, compute):
    """`compute()`, kept an hour in the cache; straight from the database when it is down."""
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - the database answers
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, 3600)
        except Exception:  # noqa: BLE001
            pass
    return value


def _forget(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:  # noqa: BLE001 - entries expire within the hour anyway
        pass


def staff_must_use_two_factor() -> bool:
    """Whether the admin's sign-in policy asks every staff member for two-factor."""
    if settings.SSO_ONLY:
        return False

    def read():
        policy = SecurityPolicy.objects.filter(pk=1).first()
        return bool(policy and policy.require_two_factor_for_staff)

    return _cached(_POLICY_KEY, read)


def forget_policy(**kwargs) -> None:
    _forget(_POLICY_KEY)


def has_two_factor(user) -> bool:
    """Whether `user` has an authenticator app or a passkey/security key (recovery codes alone
    are no second factor)."""
    return _cached(
        _TWO_FACTOR_KEY.format(user.pk),
        lambda: Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists(),
    )


def forget_two_factor(instance, **kwargs) -> None:
    _forget(_TWO_FACTOR_KEY.format(instance.user_id))


def sign_in_overview(user) -> dict:
    """What the Sign-in and security page shows: the user's second factors, recovery codes,
    linked single sign-on identity, and what the site allows."""
    totp = None
    keys = []
    recovery = None
    for authenticator in Authenticator.objects.filter(user_id=user.pk).order_by("created_at", "pk"):
        if authenticator.type == Authenticator.Type.WEBAUTHN:
            keys.append(authenticator)
        elif authenticator.type == Authenticator.Type.TOTP:
            totp = authenticator
        elif authenticator.type == Authenticator.Type.RECOVERY_CODES:
            recovery = authenticator
    codes_left = len(recovery.wrap().get_unused_codes()) if recovery else 0
    sso_accounts = [
        (account, _identity_label(account))
        for account in SocialAccount.objects.filter(user_id=user.pk, provider=settings.OIDC_PROVIDER_ID)
    ]
    return {
        "totp": totp,
        "keys": [(key, key.wrap()) for key in keys],
        "recovery": recovery,
        "recovery_codes_left": codes_left,
        "two_factor_on": bool(totp or keys),
        "sso_enabled": bool(settings.OIDC_SERVER_URL),
        "sso_name": settings.OIDC_NAME,
        "sso_provider_id": settings.OIDC_PROVIDER_ID,
        "sso_only": settings.SSO_ONLY,
        "sso_accounts": sso_accounts,
        "has_password": user.has_usable_password(),
        "staff_rule": user.is_staff and staff_must_use_two_factor(),
    }


def _identity_label(account) -> str:
    """How the provider knows the user: their email, else their name there, else its id."""
    data = account.extra_data or {}
    claims = {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
    return claims.get("email") or claims.get("preferred_username") or account.uid
