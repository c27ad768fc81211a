"""The Log form's idempotency keys: a conversation sent with a key is logged once, however
often the browser sends it again (a retry after a lost answer, a second tab, the service
worker's background sync)."""

from django.conf import settings
from django.db import models

from interactions.models import Interaction


class OfflineLog(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offline_logs"
    )
    # Made by the browser (crypto.randomUUID()) when the Log form is shown.
    key = models.UUIDField()
    # Kept when the interaction is deleted later: the key still answers "already saved".
    interaction = models.ForeignKey(
        Interaction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="offline_log_key_once"),
        ]

    def __str__(self):
        return f"{self.key} of {self.owner}"
