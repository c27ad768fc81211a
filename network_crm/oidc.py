"""The one OpenID Connect provider of single sign-on, in the shape django-allauth reads
(SOCIALACCOUNT_PROVIDERS). Settings build it from NETWORK_CRM_OIDC_* variables."""


def openid_connect_providers(
    *,
    provider_id: str,
    name: str,
    server_url: str,
    client_id: str,
    secret: str,
    email_verified: bool,
    scopes: list[str],
) -> dict:
    return {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": provider_id,
                    "name": name,
                    "client_id": client_id,
                    "secret": secret,
                    "settings": {
                        # The issuer; its discovery document is read from
                        # <server_url>/.well-known/openid-configuration.
                        "server_url": server_url,
                        "oauth_pkce_enabled": True,
                        # None: believe the provider's own email_verified claim.
                        "verified_email": True if email_verified else None,
                        # An existing account is found by the verified email (accounts.adapters).
                        "email_authentication": True,
                        "scope": scopes,
                    },
                }
            ]
        }
    }


def provider_origin(server_url: str) -> str:
    """The provider's origin, which the CSP's form-action must allow: the sign-in button posts
    to this app, which redirects the form's navigation to the provider."""
    from urllib.parse import urlsplit

    parts = urlsplit(server_url)
    return f"{parts.scheme}://{parts.netloc}"
