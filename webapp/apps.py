from django.apps import AppConfig


class WebappConfig(AppConfig):
    """The installable web app: manifest, service worker, and the Log form's offline outbox
    (logs kept in the browser and sent once with an idempotency key). Sits above contacts and
    interactions."""

    name = "webapp"
    verbose_name = "Installable app"
