"""What the app reads for the user (Sources), what it found (Suggestions) and the user's
standing answers (Rules).

Nothing about a person who is not a contact is kept outside the Suggestion that mentions them
(`Suggestion.new_people`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from contacts.models import Contact
from interactions.models import Interaction, InteractionKind


class SourceKind(models.TextChoices):
    ICAL = "ical", "Calendar address (iCal)"
    CALDAV = "caldav", "CalDAV calendar"
    IMAP = "imap", "Mailbox (IMAP)"


class ImapSecurity(models.TextChoices):
    SSL = "ssl", "TLS (port 993)"
    STARTTLS = "starttls", "STARTTLS (port 143)"
    # For a mail server on the same machine or network only; the form says so.
    NONE = "none", "None (local server only)"


class Source(models.Model):
    """A calendar or a mailbox read every CAPTURE_POLL_SECONDS by the worker.

    Secrets (the iCal address, which is itself the credential, and passwords) are stored
    encrypted (capture.crypto); `cursor` keeps what an incremental read resumes from.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capture_sources"
    )
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    name = models.CharField(max_length=100)
    # iCal and CalDAV: the address, encrypted; shown masked.
    url_encrypted = models.TextField(blank=True)
    # CalDAV and IMAP.
    username = models.CharField(max_length=254, blank=True)
    password_encrypted = models.TextField(blank=True)
    # IMAP only.
    host = models.CharField(max_length=253, blank=True)
    port = models.PositiveIntegerField(null=True, blank=True)
    security = models.CharField(
        max_length=10, choices=ImapSecurity.choices, default=ImapSecurity.SSL, blank=True
    )
    inbox_folder = models.CharField(max_length=200, blank=True, default="INBOX")
    sent_folder = models.CharField(max_length=200, blank=True, default="Sent")
    log_address = models.EmailField(
        blank=True, help_text="Mail sent or forwarded to this address is logged at once."
    )
    own_addresses = models.TextField(
        blank=True, help_text="Your other addresses (aliases), one per line."
    )
    # Conditional requests of an iCal address.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # Meetings up to this moment are stored (future ones wait, unseen, until they end).
    read_through = models.DateTimeField(null=True, blank=True)
    # IMAP: {"<folder>": {"uidvalidity": n, "uid": last uid read}}.
    cursor = models.JSONField(default=dict, blank=True)
    # The scanner's claim: due when next_read_at <= now; a claim moves it ahead by a lease.
    next_read_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        indexes = [
            # Read by the scanner (capture.services.claim_due_sources): sources due now.
            models.Index(fields=["next_read_at"], name="capture_source_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="capture_source_unique_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_calendar(self) -> bool:
        return self.kind in (SourceKind.ICAL, SourceKind.CALDAV)


class SuggestionStatus(models.TextChoices):
    # A meeting or mail with contacts, waiting in Review.
    PENDING = "pending", "Waiting"
    # With nobody who is a contact yet: only offers its people as new contacts.
    UNMATCHED = "unmatched", "No contact in it"
    LOGGED = "logged", "Logged"
    DISMISSED = "dismissed", "Dismissed"


class SuggestionOrigin(models.TextChoices):
    MEETING = "meeting", "Meeting"
    SENT = "sent", "Mail you sent"
    RECEIVED = "received", "Mail you received"
    LOG_ADDRESS = "log_address", "Mail to the log address"


class Suggestion(models.Model):
    """A captured meeting occurrence or mail, logged, dismissed or waiting.

    `key` is stable for what it stands for ("event:<UID>:<occurrence start, UTC>" or
    "mail:<Message-ID>"), unique per owner: reading a source again, or a second source that
    sees the same meeting or message, never suggests it twice.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capture_suggestions"
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    key = models.CharField(max_length=500)
    origin = models.CharField(max_length=20, choices=SuggestionOrigin.choices)
    kind = models.CharField(
        max_length=20, choices=InteractionKind.choices, default=InteractionKind.OTHER
    )
    initiated_by = models.CharField(max_length=10, default="mutual")
    title = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    contacts = models.ManyToManyField(Contact, blank=True, related_name="+")
    # People in it who are not contacts: [{"email": …, "name": …}], offered as new contacts.
    new_people = models.JSONField(default=list, blank=True)
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # Review (capture.selectors.review): a user's waiting suggestions, newest first.
            models.Index(
                fields=["owner", "-ends_at"], name="capture_suggestion_review",
                condition=Q(status="pending"),
            ),
            # Re-reading a calendar: its still-undecided suggestions in the window it read.
            models.Index(fields=["source", "occurred_at"], name="capture_suggestion_source"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="capture_suggestion_unique_key"),
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("occurred_at")),
                name="capture_suggestion_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title or self.get_origin_display()


class RuleAction(models.TextChoices):
    ALWAYS_LOG = "always_log", "Always log"
    NEVER_SUGGEST = "never_suggest", "Never suggest"


class Rule(models.Model):
    """A standing answer for a contact or a whole mail domain. A contact's rule wins over its
    domain's."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capture_rules"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    domain = models.CharField(max_length=253, blank=True)
    action = models.CharField(max_length=20, choices=RuleAction.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(contact__isnull=False) & Q(domain=""))
                | (Q(contact__isnull=True) & ~Q(domain="")),
                name="capture_rule_contact_or_domain",
            ),
            models.UniqueConstraint(
                fields=["owner", "contact"], name="capture_rule_unique_contact",
                condition=Q(contact__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["owner", "domain"], name="capture_rule_unique_domain",
                condition=~Q(domain=""),
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.contact or self.domain}"
