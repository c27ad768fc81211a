from django.apps import AppConfig


class CaptureConfig(AppConfig):
    """Sources (calendars, mailboxes) read in the background into Suggestions to log.

    Sits above contacts and interactions: it imports both, neither imports it."""

    name = "capture"
    verbose_name = "Capture"
