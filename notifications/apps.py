from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Reminders where the user is: a daily or weekly nudge to chat apps and webhooks (Apprise
    URLs) and web push to the installed app. Sits above contacts and interactions."""

    name = "notifications"
    verbose_name = "Reminders on chat and push"
