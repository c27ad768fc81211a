"""What happens between the user and their contacts: interactions, support both ways,
follow-ups, mentorships, and the bookkeeping of scheduled work (digests, scheduler ticks)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from contacts.models import Contact, Event


class InteractionKind(models.TextChoices):
    COFFEE = "coffee", "Coffee / lunch"
    CALL = "call", "Call"
    VIDEO = "video", "Video call"
    MESSAGE = "message", "Message / Slack / DM"
    EMAIL = "email", "Email"
    EVENT = "event", "Event / meetup"
    COMMUNITY = "community", "Online community (forum, post, comment)"
    CODE_REVIEW = "code_review", "Code review"
    MENTORING = "mentoring", "Mentoring session"
    OTHER = "other", "Other"


class Initiator(models.TextChoices):
    ME = "me", "I reached out"
    THEM = "them", "They reached out"
    MUTUAL = "mutual", "Mutual / planned"


class Interaction(models.Model):
    """A logged conversation or touch with one or more contacts."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interactions"
    )
    contacts = models.ManyToManyField(Contact, related_name="interactions")
    occurred_at = models.DateTimeField(default=timezone.now, db_index=False)
    kind = models.CharField(max_length=20, choices=InteractionKind.choices, default=InteractionKind.COFFEE)
    initiated_by = models.CharField(max_length=10, choices=Initiator.choices, default=Initiator.ME)
    summary = models.CharField(max_length=200, blank=True, help_text="One line, e.g. “congratulated them on the launch”.")
    notes = models.TextField(blank=True)
    working_on = models.TextField(blank=True, help_text="What they are working on.")
    why_it_matters = models.TextField(blank=True, help_text="Why it matters to them.")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions")
    follow_up_on = models.DateField(null=True, blank=True, help_text="Promise a follow-up on this date.")
    follow_up_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # Recent activity on the dashboard and the contact timeline.
            models.Index(fields=["owner", "-occurred_at"], name="interaction_owner_recent"),
        ]

    def __str__(self):
        return self.summary or f"{self.get_kind_display()} on {self.occurred_at:%Y-%m-%d}"


class Direction(models.TextChoices):
    GIVE = "give", "Give"
    RECEIVED = "received", "Received"
    ASK = "ask", "Ask"


class SupportKind(models.TextChoices):
    KNOWLEDGE = "knowledge", "Shared knowledge or an article"
    HELP = "help", "Offered help"
    REVIEW = "review", "Review or feedback"
    SOUNDING_BOARD = "sounding_board", "Sounding board"
    INTRO = "intro", "Intro between two contacts"
    AMPLIFY = "amplify", "Amplified their work"
    MENTORING = "mentoring", "Mentoring"
    REFERRAL = "referral", "Referral or recommendation"
    OTHER = "other", "Other"


class SupportStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"


class Support(models.Model):
    """Support flowing either way: a Give (me → them), Received (them → me) or an Ask (my request)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports")
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.GIVE)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="supports")
    # For an intro: the second person the contact was introduced to.
    intro_to = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="intros_received"
    )
    kind = models.CharField(max_length=20, choices=SupportKind.choices, default=SupportKind.HELP)
    status = models.CharField(max_length=10, choices=SupportStatus.choices, default=SupportStatus.OFFERED)
    description = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="supports"
    )
    offered_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField(null=True, blank=True, help_text="When you promised to deliver it.")
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-offered_on", "-id"]
        indexes = [
            models.Index(fields=["owner", "-offered_on"], name="support_owner_recent"),
            # Open promises on the dashboard and in the digest.
            models.Index(
                fields=["owner", "offered_on"], name="support_open",
                condition=Q(status="offered"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(intro_to__isnull=True) | ~Q(intro_to=models.F("contact")),
                name="support_intro_two_people",
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=models.F("offered_on")),
                name="support_due_after_offer",
            ),
        ]

    def __str__(self):
        return self.description or f"{self.get_direction_display()}: {self.get_kind_display()}"


class Mentorship(models.Model):
    """Mentor and mentee; a blank side is the user. With both sides filled, the user matched them."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="mentoring",
        help_text="Blank if you are the mentor.",
    )
    mentee = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="mentored_by",
        help_text="Blank if you are the mentee.",
    )
    goals = models.TextField(blank=True)
    session_cadence_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    started_on = models.DateField(default=timezone.localdate)
    last_session_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-active", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mentor__isnull=False) | Q(mentee__isnull=False),
                name="mentorship_has_a_contact",
            ),
            models.CheckConstraint(
                condition=Q(mentor__isnull=True) | Q(mentee__isnull=True) | ~Q(mentor=models.F("mentee")),
                name="mentorship_two_people",
            ),
            models.CheckConstraint(
                condition=Q(session_cadence_days__gte=1, session_cadence_days__lte=365),
                name="mentorship_cadence_range",
            ),
        ]

    def __str__(self):
        return f"{self.mentor or 'Me'} mentoring {self.mentee or 'me'}"

    @property
    def role(self) -> str:
        if self.mentor_id is None:
            return "my_mentee"
        if self.mentee_id is None:
            return "my_mentor"
        return "matched"


class FollowUpReason(models.TextChoices):
    CADENCE = "cadence", "Time to reconnect"
    PROMISE = "promise", "Promised follow-up"
    GIVE = "give", "Give to deliver"
    EVENT = "event", "Met at an event"
    MENTORSHIP = "mentorship", "Mentorship session due"
    MANUAL = "manual", "Reminder"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    SNOOZED = "snoozed", "Snoozed"
    DONE = "done", "Done"
    DISMISSED = "dismissed", "Dismissed"


class FollowUp(models.Model):
    """A dated thing to do for a contact.

    `source_key` names what created it ("cadence:<contact>:<date>", "interaction:<id>:<contact>",
    "give:<id>", "event:<id>:<contact>", "mentorship:<id>:<date>"); the unique constraint on
    (owner, source_key) is what makes every scanner idempotent.
    """

    # Indexed by followup_unique_source, which leads with owner (see Meta).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_ups", db_index=False)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="follow_ups")
    reason = models.CharField(max_length=20, choices=FollowUpReason.choices)
    due_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    snoozed_until = models.DateField(null=True, blank=True)
    source_key = models.CharField(max_length=100)
    # NULL on most rows (every cadence reminder): indexed only where set (see Meta).
    interaction = models.ForeignKey(Interaction, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups", db_index=False)
    support = models.ForeignKey(Support, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups", db_index=False)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups", db_index=False)
    mentorship = models.ForeignKey(Mentorship, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups", db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # Reach out on the dashboard and in the digest: a user's open and snoozed follow-ups.
            # In the digest's order (due_on, id), so its first twenty are the index's first
            # twenty entries; with the contact, so it counts the people due from the index alone.
            models.Index(
                fields=["owner", "due_on", "id"], include=["contact"], name="followup_open_due",
                condition=Q(status__in=["open", "snoozed"]),
            ),
            # The snoozed reminders whose day has come
            # (interactions.followups.wake_snoozed_follow_ups, on every scanner run).
            models.Index(
                fields=["snoozed_until"], name="followup_snoozed", condition=Q(status="snoozed"),
            ),
            # The links below are NULL on nearly every row, and every lookup through them asks
            # for a value: interaction.follow_ups (the interaction page, its promises in
            # on_interaction_saved), a mentorship's session reminders (the mentorship scanner,
            # on_mentorship_saved), and the cascade when an interaction, give, event or
            # mentorship is deleted. A partial index serves them and costs nothing to the
            # scanner's inserts.
            models.Index(
                fields=["interaction"], name="followup_interaction",
                condition=Q(interaction__isnull=False),
            ),
            models.Index(
                fields=["support"], name="followup_support", condition=Q(support__isnull=False),
            ),
            models.Index(fields=["event"], name="followup_event", condition=Q(event__isnull=False)),
            models.Index(
                fields=["mentorship"], name="followup_mentorship",
                condition=Q(mentorship__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["owner", "source_key"], name="followup_unique_source"),
            # At most one open cadence reminder per contact, whatever races the cadence scanner
            # (interactions.followups.create_due_cadence_follow_ups) runs into.
            models.UniqueConstraint(
                fields=["contact"], name="followup_one_open_cadence",
                condition=Q(reason="cadence", status__in=["open", "snoozed"]),
            ),
            models.CheckConstraint(
                condition=~Q(status="snoozed") | Q(snoozed_until__isnull=False),
                name="followup_snoozed_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.contact} on {self.due_on}"


class SchedulerTick(models.Model):
    """The last time each beat-driven task ran; read by /healthz and the dashboard banner."""

    name = models.CharField(max_length=100, unique=True)
    ticked_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.ticked_at:%Y-%m-%d %H:%M:%S}"


class ScheduleRefresh(models.Model):
    """A user whose time zone or tier cadences changed and whose contacts' next follow-ups are
    not yet moved to match (interactions.followups.schedule). A Settings save writes it and
    queues the worker; the worker deletes it once every contact is moved; the follow-up scanner
    queues the worker again for one left waiting (a lost message, a worker stopped mid-way).
    Saves made before the worker gets to it are all served by its one run."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Moved forward by each save: a run that began before it sees it changed and runs again.
    requested_at = models.DateTimeField()

    def __str__(self):
        return f"Schedule refresh for user {self.owner_id} since {self.requested_at:%Y-%m-%d %H:%M}"


class DigestStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    CLAIMED = "claimed", "Claimed by a worker"
    SENDING = "sending", "Handed to the mail server"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (turned off, or the week ended)"
    FAILED = "failed", "Failed"


class Digest(models.Model):
    """One weekly digest per user and week: the row is claimed before the email is sent, so a
    retried task, a second beat or two racing workers can never send the same week twice.

    `period` is the Monday of the user's local week the digest belongs to.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    period = models.DateField()
    status = models.CharField(max_length=10, choices=DigestStatus.choices, default=DigestStatus.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period"]
        indexes = [
            # Read by the digest scanner (interactions.digests.scan_due_digests): unfinished rows.
            models.Index(
                fields=["period"], name="digest_unfinished",
                condition=Q(status__in=["pending", "claimed", "sending"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["owner", "period"], name="digest_unique_owner_period"),
        ]

    def __str__(self):
        return f"Digest for {self.owner} week of {self.period} ({self.status})"


# Defined beside the backup code it serves; imported here so Django registers the model.
from .backup.models import RestoreJob  # noqa: E402, F401
