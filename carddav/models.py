"""CardDAV's own bookkeeping: app passwords, each user's address book revision, and one card
row per contact (its UID, its name in the address book, its revision, what the phone stored
that the CRM has no field for, and tombstones of cards deleted or archived).

Nothing here is a copy of the contact: a card's vCard is rendered from the contact each time.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from contacts.models import Contact


class AppPassword(models.Model):
    """A password for CardDAV only (never the login password). Only its SHA-256 is stored: it
    is random (80 bits from a 32-letter alphabet), so a fast hash is enough; shown once."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_passwords"
    )
    name = models.CharField(max_length=100, help_text="Where it is used, e.g. “Ada’s iPhone”.")
    password_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class AddressBook(models.Model):
    """A user's address book. `revision` grows by one with every batch of changed cards; the
    sync token a client holds is a revision. Its row is locked (SELECT … FOR UPDATE) while
    cards take a revision, so a revision is never handed out before an older one commits."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    revision = models.BigIntegerField(default=0)

    def __str__(self):
        return f"Address book of {self.owner} at revision {self.revision}"


class Card(models.Model):
    """A vCard in a user's address book.

    - `contact` set, not deleted: the contact, rendered as a vCard.
    - `deleted`: a tombstone (sync-collection reports it as gone); its contact, if any, is
      archived (a delete on the phone archives; unarchiving brings the card back).
    - no contact, `raw` set: a card the CRM does not model (a contact group), kept as sent.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uid = models.CharField(max_length=255)
    # The last segment of the card's URL (e.g. "3f2c….vcf"), as the client chose it.
    name = models.CharField(max_length=255)
    revision = models.BigIntegerField()
    deleted = models.BooleanField(default=False)
    # The contact's updated_at when the card last took a revision; NULL marks it stale (a
    # change the contact row does not show: emails, phones, tags).
    seen_updated_at = models.DateTimeField(null=True, blank=True)
    # vCard content lines the phone sent that the CRM has no field for (photo, address,
    # birthday, notes of the phone, X- properties), unfolded, one per line, sent back as they came.
    extra = models.TextField(blank=True)
    # The phone's structured name (N) and the contact name it was sent with: used while the
    # name is unchanged, so "van Rossum;Guido" is not re-split as "Rossum;Guido van".
    structured_name = models.CharField(max_length=600, blank=True)
    structured_name_for = models.CharField(max_length=200, blank=True)
    # The vCard version the phone last wrote ("3.0" or "4.0"): the one it gets back by default.
    version = models.CharField(max_length=3, default="3.0")
    raw = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="card_unique_name"),
            models.UniqueConstraint(fields=["owner", "uid"], name="card_unique_uid"),
            models.UniqueConstraint(
                fields=["contact"], name="card_one_per_contact", condition=Q(contact__isnull=False)
            ),
        ]
        indexes = [
            # sync-collection: the cards changed after the client's revision.
            models.Index(fields=["owner", "revision"], name="card_owner_revision"),
        ]

    def __str__(self):
        return self.name

    @property
    def etag(self) -> str:
        return f'"{self.revision}-{self.pk}"'
