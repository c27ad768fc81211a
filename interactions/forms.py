"""Forms for logging interactions, gives/received/asks, mentorships and snoozing follow-ups.
Every choice of a contact or event is scoped to the owner in __init__."""

import calendar
from datetime import date, timedelta

from django import forms

from contacts.models import Contact, Event
from contacts.widgets import ContactPicker, ContactPickerFormMixin, ContactsPicker

from .models import Interaction, Mentorship, Support, SupportKind
from .services import MENTORSHIP_FIELDS, SUPPORT_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def owner_contacts(owner):
    return Contact.objects.filter(owner=owner).only("id", "name").order_by("name")


class InteractionForm(ContactPickerFormMixin, forms.ModelForm):
    """Edit an interaction; the date is picked as a day in the user's time zone."""

    occurred_on = forms.DateField(label="Date", widget=DATE)

    class Meta:
        model = Interaction
        fields = [
            "contacts",
            "kind",
            "initiated_by",
            "summary",
            "notes",
            "working_on",
            "why_it_matters",
            "event",
            "follow_up_on",
            "follow_up_note",
        ]
        widgets = {
            "contacts": ContactsPicker,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "working_on": forms.Textarea(attrs={"rows": 2}),
            "why_it_matters": forms.Textarea(attrs={"rows": 2}),
            "follow_up_on": DATE,
        }
        labels = {
            "contacts": "Who",
            "working_on": "What are they working on?",
            "why_it_matters": "Why does it matter to them?",
            "follow_up_on": "Follow up on",
            "follow_up_note": "Follow-up note",
        }
        help_texts = {"working_on": "", "why_it_matters": "", "follow_up_on": ""}

    field_order = ["contacts", "kind", "occurred_on", "initiated_by", "summary", "notes"]

    def __init__(self, *args, owner, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.owner = owner
        self.today = today
        self.fields["contacts"].queryset = owner_contacts(owner)
        self.fields["contacts"].error_messages["required"] = "Pick at least one contact."
        self.fields["event"].queryset = Event.objects.filter(owner=owner).order_by("-starts_on")
        self.fields["event"].required = False
        if not self.is_bound and "occurred_on" not in self.initial:
            self.initial["occurred_on"] = today
        self.set_up_contact_pickers(owner)

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > self.today + timedelta(days=1):
            raise forms.ValidationError("Log conversations that happened, not future ones.")
        return day


class LogForm(InteractionForm):
    """The quick Log form: an interaction plus an optional give for everyone in it."""

    give_kind = forms.ChoiceField(
        required=False,
        label="Give kind",
        choices=[
            ("", "No give"),
            *((v, l) for v, l in SupportKind.choices if v != SupportKind.INTRO),
        ],
    )
    give_description = forms.CharField(
        required=False,
        max_length=300,
        label="What you offered",
        help_text="Creates a give (offered) for each contact.",
    )
    give_due_on = forms.DateField(required=False, label="Deliver by", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].help_text = "Several people for a group lunch: pick each in turn."

    def clean(self):
        data = super().clean()
        has_give = data.get("give_kind") or data.get("give_description") or data.get("give_due_on")
        if has_give and not data.get("give_kind"):
            self.add_error("give_kind", "Pick what kind of give this is.")
        day, due = data.get("occurred_on"), data.get("give_due_on")
        if day and due and due < day:
            self.add_error("give_due_on", "The delivery date cannot be before the conversation.")
        return data


class SupportForm(ContactPickerFormMixin, forms.ModelForm):
    class Meta:
        model = Support
        fields = SUPPORT_FIELDS
        widgets = {
            "contact": ContactPicker,
            "intro_to": ContactPicker,
            "offered_on": DATE,
            "due_on": DATE,
            "done_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "intro_to": "Introduced to",
            "offered_on": "Date",
            "due_on": "Due",
            "done_on": "Done on",
        }
        help_texts = {"intro_to": "For an intro: the second person."}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["contact"].queryset = owner_contacts(owner)
        self.fields["intro_to"].queryset = owner_contacts(owner)
        self.set_up_contact_pickers(owner)

    def clean(self):
        data = super().clean()
        kind, contact, intro_to = data.get("kind"), data.get("contact"), data.get("intro_to")
        if kind == SupportKind.INTRO:
            if intro_to is None and "intro_to" not in self.errors:
                self.add_error(
                    "intro_to", "An intro needs a second person: who did you introduce them to?"
                )
            elif contact and intro_to and intro_to.pk == contact.pk:
                self.add_error("intro_to", "An intro is between two different people.")
        elif intro_to is not None:
            # Only intros name a second person; drop it rather than store a meaningless link.
            data["intro_to"] = None
            self.instance.intro_to = None
        offered, due = data.get("offered_on"), data.get("due_on")
        if offered and due and due < offered:
            self.add_error("due_on", "The due date cannot be before the date offered.")
        return data


class MentorshipForm(ContactPickerFormMixin, forms.ModelForm):
    class Meta:
        model = Mentorship
        fields = MENTORSHIP_FIELDS
        widgets = {
            "mentor": ContactPicker,
            "mentee": ContactPicker,
            "started_on": DATE,
            "last_session_on": DATE,
            "goals": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "mentor": "Mentor",
            "mentee": "Mentee",
            "session_cadence_days": "Session every (days)",
        }
        help_texts = {
            "mentor": "Leave blank if you are the mentor.",
            "mentee": "Leave blank if you are the mentee.",
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["mentor"].queryset = owner_contacts(owner)
        self.fields["mentee"].queryset = owner_contacts(owner)
        self.set_up_contact_pickers(owner)

    def clean(self):
        data = super().clean()
        if self.errors.get("mentor") or self.errors.get("mentee"):
            return data
        mentor, mentee = data.get("mentor"), data.get("mentee")
        if mentor is None and mentee is None:
            # On a field, so the model's matching check constraint is not reported twice.
            self.add_error(
                "mentee", "Pick the mentor, the mentee, or both: one of them is not you."
            )
        elif mentor is not None and mentor == mentee:
            self.add_error("mentee", "Mentor and mentee must be two different people.")
        return data


SNOOZE_CHOICES = [("tomorrow", "Tomorrow"), ("week", "1 week"), ("month", "1 month")]


def add_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class SnoozeForm(forms.Form):
    """`until` is tomorrow, week, month or a date (YYYY-MM-DD) after today."""

    until = forms.CharField(max_length=20)

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_until(self):
        value = self.cleaned_data["until"].strip()
        relative = {
            "tomorrow": self.today + timedelta(days=1),
            "week": self.today + timedelta(days=7),
            "month": add_month(self.today),
        }
        if value in relative:
            return relative[value]
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(
                "Snooze until tomorrow, a week, a month or a date."
            ) from None
        if day <= self.today:
            raise forms.ValidationError("Pick a date after today.")
        return day
