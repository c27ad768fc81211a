"""What a contact has several of: email addresses, phone numbers, and ties to other contacts."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import LinkKind
from .contact import Contact


class ContactEmail(models.Model):
    # Indexed by contactemail_unique, which leads with contact_id.
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="emails", db_index=False
    )
    email = models.EmailField(max_length=254)
    label = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["email"], name="contactemail_email")]
        constraints = [
            models.UniqueConstraint(fields=["contact", "email"], name="contactemail_unique")
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class ContactPhone(models.Model):
    # Indexed by contactphone_unique, which leads with contact_id.
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="phones", db_index=False
    )
    number = models.CharField(max_length=40)
    label = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "number"], name="contactphone_unique")
        ]

    def __str__(self):
        return self.number


class ContactLink(models.Model):
    """A tie between two of the user's contacts, drawn on the network map."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    from_contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="links_out")
    to_contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    since = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "from_contact", "to_contact", "kind"], name="contactlink_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_contact=models.F("to_contact")), name="contactlink_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.from_contact} → {self.to_contact} ({self.get_kind_display()})"
