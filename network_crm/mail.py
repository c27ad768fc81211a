"""Turn an EMAIL_URL into a Django MAILERS entry."""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}


def mailer_from_url(url: str) -> dict:
    """Parse smtp://, smtps://, console:// or file:///path into {"BACKEND", "OPTIONS"}."""
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}
    if parts.scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured(f"EMAIL_URL {url!r} needs a folder path")
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": unquote(parts.path)},
        }
    if parts.scheme in ("smtp", "smtps"):
        if not parts.hostname:
            raise ImproperlyConfigured(f"EMAIL_URL {url!r} needs a host")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"EMAIL_URL {url!r} has a bad port") from None
        ssl = parts.scheme == "smtps" or query.get("ssl", "").lower() in _TRUE
        tls = query.get("tls", "").lower() in _TRUE
        if ssl and tls:
            raise ImproperlyConfigured("EMAIL_URL cannot ask for both ssl and tls")
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname,
                "port": port or (465 if ssl else 587 if tls else 25),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_tls": tls,
                "use_ssl": ssl,
                "timeout": 20,
            },
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL scheme {parts.scheme!r} is not one of smtp, smtps, console, file"
    )
