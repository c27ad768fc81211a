"""What the app's own features read: contact imports and restores, phone numbers, the links in
emails, calendar and mailbox capture, reminders and web push."""

from email.utils import parseaddr

from django.core.exceptions import ImproperlyConfigured

from ..env import (
    env_bool,
    env_int,
    env_list,
    env_phone_region,
    env_str,
    env_vapid_private_key,
    local_key,
)
from .base import DATA_DIR
from .servers import DEFAULT_FROM_EMAIL

# Imports with more rows than this, or files larger than IMPORT_SYNC_MAX_KB, are read by the
# Celery worker (the web request only stores the file), with a progress bar.
IMPORT_SYNC_MAX_ROWS = env_int("NETWORK_CRM_IMPORT_SYNC_MAX_ROWS", 2000, minimum=1)
IMPORT_SYNC_MAX_KB = env_int("NETWORK_CRM_IMPORT_SYNC_MAX_KB", 512, minimum=1)
# Limits of an uploaded contact file (docs/importing.md, "Limits"): its size, and its rows
# (the worker's memory grows with them; 500,000 stay under 300 MB).
IMPORT_MAX_UPLOAD_MB = env_int("NETWORK_CRM_IMPORT_MAX_UPLOAD_MB", 200, minimum=1)
IMPORT_MAX_ROWS = env_int("NETWORK_CRM_IMPORT_MAX_ROWS", 500_000, minimum=1)
# A running import that has not moved on for this long is shown as stalled (its worker died),
# with "Try again" and "Cancel".
IMPORT_STALLED_SECONDS = env_int("NETWORK_CRM_IMPORT_STALLED_SECONDS", 600, minimum=1)
# Import jobs (their upload and row report) are removed this many days after their last step.
IMPORT_KEEP_DAYS = env_int("NETWORK_CRM_IMPORT_KEEP_DAYS", 7, minimum=1)
# A JSON export uploaded on the Restore page (docs/usage.md): the worker holds the whole
# document while it restores (about 4 times the file's size in memory). Larger files are
# restored with `manage.py restore_data`. Restores use the import settings above for when the
# worker takes over (IMPORT_SYNC_MAX_KB), when a run is stalled and when a forgotten one ends.
RESTORE_MAX_UPLOAD_MB = env_int("NETWORK_CRM_RESTORE_MAX_UPLOAD_MB", 100, minimum=1)
# Phone numbers written without a country code are read as numbers of this region (ISO
# 3166 code) until the user picks their own in Settings.
PHONE_REGION = env_phone_region("NETWORK_CRM_PHONE_REGION", "US")
# Absolute links in emails (digest one-click actions, password reset), reminders and the
# calendar feed start with this. Unset, the local address on PORT (`make run PORT=8200`).
SITE_URL = (
    env_str("SITE_URL") or f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}"
).rstrip("/")


# Credentials of calendars and mailboxes (capture/) are encrypted with these Fernet keys
# (comma-separated: the first encrypts, all decrypt, for rotation). `make run` creates one in
# the data folder; without one, no source can be added.
def _encryption_keys() -> list[str]:
    from cryptography.fernet import Fernet

    if env_str("NETWORK_CRM_ENCRYPTION_KEY") is None:
        keys = [key for key in [local_key(DATA_DIR, "encryption_key")] if key]
    else:
        keys = env_list("NETWORK_CRM_ENCRYPTION_KEY", [])
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                "NETWORK_CRM_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64-encoded "
                "bytes each, comma-separated); make one with `python -c 'from "
                "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
            ) from None
    return keys


CAPTURE_ENCRYPTION_KEYS = _encryption_keys()
# How often each calendar and mailbox is read, and how far back the first read looks.
CAPTURE_READ_SECONDS = env_int("NETWORK_CRM_CAPTURE_READ_SECONDS", 15 * 60, minimum=1)
CAPTURE_LOOKBACK_DAYS = env_int("NETWORK_CRM_CAPTURE_LOOKBACK_DAYS", 30, minimum=1)
# Calendar hosts and mail servers on this machine or a private network are refused unless
# allowed (a LAN Nextcloud, say): any user could otherwise probe internal services. `make run`
# (one person on their own laptop) allows them.
CAPTURE_ALLOW_PRIVATE_HOSTS = env_bool("NETWORK_CRM_CAPTURE_ALLOW_PRIVATE_HOSTS", False)
# Mail servers and calendar hosts that answer slower than this count as failing.
CAPTURE_TIMEOUT_SECONDS = env_int("NETWORK_CRM_CAPTURE_TIMEOUT_SECONDS", 30, minimum=1)

# A reminder that could not be delivered (a 5xx, a timeout) is tried again after this many
# seconds, doubling each time (capped at 10 minutes), REMINDER_MAX_ATTEMPTS tries in all.
REMINDER_RETRY_SECONDS = env_int("NETWORK_CRM_REMINDER_RETRY_SECONDS", 30, minimum=1)
REMINDER_MAX_ATTEMPTS = env_int("NETWORK_CRM_REMINDER_MAX_ATTEMPTS", 6, minimum=1)
# Web push to the installed app: the VAPID private key (`manage.py vapid_keys` makes a pair;
# the public half is derived from it). Unset: web push is not offered.
VAPID_PRIVATE_KEY = env_vapid_private_key(
    "VAPID_PRIVATE_KEY", default=lambda: local_key(DATA_DIR, "vapid_private_key")
)
# Who push services may contact about this server: mailto: or https:.
VAPID_SUBJECT = env_str("VAPID_SUBJECT") or "mailto:" + (
    parseaddr(DEFAULT_FROM_EMAIL)[1] or "crm@localhost"
)
