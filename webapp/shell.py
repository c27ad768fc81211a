"""The app shell the service worker keeps on the device: the static files every page needs,
and the pages that must open without a connection. Its version changes whenever one of the
files does, which makes the browser install the new service worker."""

import hashlib
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse

SHELL_FILES = [
    "css/app.css",
    "css/dashboard.css",
    "css/insights.css",
    "js/app.js",
    "js/log.js",
    "js/dashboard.js",
    "js/contacts.js",
    "js/reminders.js",
    "js/outbox.js",
    "js/offline.js",
    "vendor/htmx/htmx-2.0.11.min.js",
    "favicon.svg",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-512.png",
]
ICONS = [
    ("icons/icon.svg", "any", "image/svg+xml", "any"),
    ("icons/icon-192.png", "192x192", "image/png", "any"),
    ("icons/icon-512.png", "512x512", "image/png", "any"),
    ("icons/maskable-512.png", "512x512", "image/png", "maskable"),
]
THEME_COLOR = "#2f5bd3"
BACKGROUND_COLOR = "#f6f7f9"


def shell_urls() -> list[str]:
    return [static(path) for path in SHELL_FILES]


def offline_pages() -> dict[str, str]:
    """The pages kept for offline use, fetched when the service worker installs and refreshed
    as the user browses: the Log form, the offline fallback and the outbox."""
    return {
        "log": reverse("interactions:create"),
        "offline": reverse("webapp:offline"),
        "outbox": reverse("webapp:outbox"),
    }


@cache
def version() -> str:
    """A digest of the service worker's template and every shell file's URL and content."""
    digest = hashlib.sha256()
    template = get_template("webapp/sw.js").template.source
    digest.update(template.encode())
    for path in SHELL_FILES:
        digest.update(static(path).encode())
        found = finders.find(path)
        if found:
            digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:16]


def manifest() -> dict:
    """The web app manifest (what an install shows and starts)."""
    return {
        "id": "/",
        "name": "network_crm",
        "short_name": "network_crm",
        "description": "Cultivate your professional network: who to reach out to, and log "
        "conversations, even offline.",
        "start_url": reverse("dashboard"),
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "categories": ["productivity", "business"],
        "icons": [
            {"src": static(path), "sizes": sizes, "type": kind, "purpose": purpose}
            for path, sizes, kind, purpose in ICONS
        ],
        "shortcuts": [
            {
                "name": "Log a conversation",
                "short_name": "Log",
                "url": reverse("interactions:create"),
                "icons": [{"src": static("icons/icon-192.png"), "sizes": "192x192"}],
            }
        ],
    }
