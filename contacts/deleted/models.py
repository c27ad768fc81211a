from django.conf import settings
from django.db import models
from django.utils import timezone


class DeletedContact(models.Model):
    """What deleting a contact took away (network_crm.undelete's copy: the contact, its emails,
    phones, dates, links, gives, follow-ups, the conversations' links to it and the references
    the delete emptied), kept while the Undo of the delete can be spent. Too big for the signed
    token the other deletes use (200 conversations make about 36 KB): the token names this row,
    always read by id and owner. Nothing else reads it: not the pages, the API, CardDAV or the
    backup."""

    # Not indexed: a lookup is by id, and the table holds only the last minutes' deletes.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    copy = models.JSONField()
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The sweep of copies past the Undo window (services.forget_old_copies):
            # deleted_at < now - KEEP_SECONDS.
            models.Index(fields=["deleted_at"], name="deletedcontact_deleted_at"),
        ]

    def __str__(self):
        return f"Deleted contact {self.copy['origin'][1]} of {self.owner}"
