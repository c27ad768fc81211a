from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API (/api/v1/), personal access tokens and outgoing webhooks. It sits above
    contacts and interactions: it imports them, they never import it."""

    name = "api"
    verbose_name = "API and webhooks"
