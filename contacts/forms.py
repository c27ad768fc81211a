"""Forms for contacts, events and links. Every choice of another row is scoped to the owner in
__init__, so a stranger's id is an invalid choice, never a silent link to someone else's data."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import (
    NOT_SET,
    Circle,
    Contact,
    ContactEmail,
    ContactKind,
    ContactLink,
    Discipline,
    Event,
    LinkKind,
    Tier,
)
from .services import CONTACT_FIELDS
from .time_zones import TimeZoneField
from .widgets import ContactPicker, ContactPickerFormMixin, ContactsPicker

# Widgets for dates: the browser's own picker, no JavaScript needed.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA_SMALL = forms.Textarea(attrs={"rows": 3})


# The choice lists of circle, discipline and tier with their blank shown as "Not set".
SORTING_CHOICES = {
    "circle": [("", NOT_SET), *Circle.choices],
    "discipline": [("", NOT_SET), *Discipline.choices],
    "tier": [("", NOT_SET), *Tier.choices],
}
# The filter value that asks for contacts whose field is not set ("" means any).
UNSET = "none"


def name_blank_not_set(form) -> None:
    """Show the blank choice of a form's circle, discipline and tier as "Not set"."""
    for name, choices in SORTING_CHOICES.items():
        if name in form.fields:
            form.fields[name].choices = choices


def parse_labelled_lines(text: str) -> list[tuple[str, str]]:
    """`label: value` or `value` per line → [(label, value)], blank lines skipped."""
    rows = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        label, sep, value = line.partition(":")
        if sep and value.strip() and len(label.strip()) <= 30 and "@" not in label:
            rows.append((label.strip(), value.strip()))
        else:
            rows.append(("", line))
    return rows


def format_labelled_lines(rows) -> str:
    return "\n".join(f"{label}: {value}" if label else value for label, value in rows)


def parse_tags(text: str) -> list[str]:
    """Comma-separated tag names, trimmed, de-duplicated case-insensitively, order kept."""
    seen, names = set(), []
    for raw in (text or "").split(","):
        name = " ".join(raw.split())[:50]
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


class ContactForm(ContactPickerFormMixin, forms.ModelForm):
    emails = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line; optionally “label: address”, e.g. “work: ada@example.com”.",
    )
    phones = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line; optionally “label: number”.",
    )
    tags = forms.CharField(
        required=False, max_length=1000, help_text="Comma-separated, e.g. “kubernetes, speaker”."
    )
    # Shown (with links to them) only when an address already belongs to someone else.
    save_anyway = forms.BooleanField(
        required=False, label="Save anyway: they are different people who share this address"
    )

    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "how_we_met": TEXTAREA_SMALL,
            "working_on": TEXTAREA_SMALL,
            "why_it_matters": TEXTAREA_SMALL,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "introduced_by": ContactPicker,
        }
        labels = {"linkedin_url": "LinkedIn URL", "kind": "A person or an organisation"}
        help_texts = {
            "kind": "An organisation is a company, a shop or a practice you keep in touch with.",
            "phonetic_name": "How the name is said when it is written in another script, e.g. "
            "“Yamada Tarō” for 山田 太郎; the search finds either.",
        }
        field_classes = {"time_zone": TimeZoneField}

    field_order = [
        "kind",
        "name",
        "preferred_name",
        "phonetic_name",
        "emails",
        "phones",
        "company",
        "title",
        "department",
        "circle",
        "discipline",
        "tier",
        "tags",
    ]

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.owner = owner
        name_blank_not_set(self)
        self.fields["met_at"].queryset = Event.objects.filter(owner=owner)
        # A post without it (a form or script from before it was asked) keeps what was there.
        self.fields["kind"].required = False
        people = Contact.objects.filter(owner=owner).only("id", "name")
        if self.instance.pk:
            people = people.exclude(pk=self.instance.pk)
            if not self.is_bound:
                self.initial["emails"] = format_labelled_lines(
                    (e.label, e.email) for e in self.instance.emails.all()
                )
                self.initial["phones"] = format_labelled_lines(
                    (p.label, p.number) for p in self.instance.phones.all()
                )
                self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())
        self.fields["introduced_by"].queryset = people
        self.set_up_contact_pickers(owner, introduced_by=[self.instance.pk])

    def clean_kind(self):
        return self.cleaned_data["kind"] or self.instance.kind or ContactKind.PERSON

    def clean_emails(self):
        rows, seen = [], set()
        for label, value in parse_labelled_lines(self.cleaned_data["emails"]):
            try:
                validate_email(value)
            except ValidationError:
                raise ValidationError(f"“{value}” is not a valid email address.") from None
            if value.lower() not in seen:
                seen.add(value.lower())
                rows.append((label, value.lower()))
        return rows

    def clean(self):
        cleaned = super().clean()
        self.email_owners = self._other_contacts_with(cleaned.get("emails") or [])
        if self.email_owners and not cleaned.get("save_anyway"):
            taken = ", ".join(sorted({row["email"] for row in self.email_owners}))
            self.add_error(
                "emails",
                f"{taken} already belongs to another contact: open them, or save anyway.",
            )
        return cleaned

    def _other_contacts_with(self, emails) -> list[dict]:
        """The owner's other contacts that have one of these addresses, for the warning."""
        addresses = [email for _label, email in emails]
        if not addresses:
            return []
        rows = ContactEmail.objects.filter(
            contact__owner=self.owner, email__in=addresses
        ).exclude(contact_id=self.instance.pk)
        return list(
            rows.order_by("email", "contact__name").values("email", "contact_id", "contact__name")
        )

    def clean_phones(self):
        rows, seen = [], set()
        for label, value in parse_labelled_lines(self.cleaned_data["phones"]):
            if len(value) > 40:
                raise ValidationError(f"“{value[:20]}…” is too long for a phone number.")
            if value not in seen:
                seen.add(value)
                rows.append((label, value))
        return rows

    def clean_tags(self):
        return parse_tags(self.cleaned_data["tags"])


class ContactFilterForm(forms.Form):
    """The GET filters of the contacts list; invalid values fall back to no filter."""

    SORTS = [
        ("name", "Name"),
        ("last", "Last contact"),
        ("next", "Next follow-up"),
        ("strength", "Strength"),
    ]
    ARCHIVED = [("active", "Active"), ("archived", "Archived"), ("all", "All")]

    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Name, company, email, tag",
                "autocomplete": "off",
            }
        ),
    )
    circle = forms.ChoiceField(
        required=False, choices=[("", "Any circle"), (UNSET, NOT_SET), *Circle.choices]
    )
    discipline = forms.ChoiceField(
        required=False, choices=[("", "Any discipline"), (UNSET, NOT_SET), *Discipline.choices]
    )
    tier = forms.ChoiceField(
        required=False, choices=[("", "Any tier"), (UNSET, NOT_SET), *Tier.choices]
    )
    tag = forms.ChoiceField(required=False, choices=[("", "Any tag")])
    due = forms.BooleanField(required=False, label="Due now")
    archived = forms.ChoiceField(required=False, choices=ARCHIVED, label="Show")
    sort = forms.ChoiceField(required=False, choices=SORTS)

    def __init__(self, *args, tags=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any tag"), *((name, name) for name in tags)]

    def filters(self) -> dict:
        """Cleaned filters, with any invalid field dropped rather than failing the page."""
        self.is_valid()
        data = dict(self.cleaned_data)
        return {
            "q": data.get("q", "").strip(),
            "circle": data.get("circle", ""),
            "discipline": data.get("discipline", ""),
            "tier": data.get("tier", ""),
            "tag": data.get("tag", ""),
            "due": bool(data.get("due")),
            "archived": data.get("archived") or "active",
            "sort": data.get("sort") or "name",
        }


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("tag", "Add tag"),
        ("archive", "Archive"),
        ("unarchive", "Unarchive"),
        ("cadence", "Set cadence"),
        ("tier", "Set tier"),
        ("circle", "Set circle"),
        ("discipline", "Set discipline"),
    ]
    # The actions that set one of these fields, to the value of the form field of that name.
    SORTING_ACTIONS = ("tier", "circle", "discipline")

    ids = forms.ModelMultipleChoiceField(queryset=Contact.objects.none(), label="Contacts")
    action = forms.ChoiceField(choices=ACTIONS)
    tag = forms.CharField(required=False, max_length=50, label="Tag")
    cadence_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=3650,
        label="Cadence (days)",
        help_text="Blank resets to the tier's default.",
    )
    # Blank sets the field back to "not set".
    tier = forms.ChoiceField(required=False, choices=SORTING_CHOICES["tier"])
    circle = forms.ChoiceField(required=False, choices=SORTING_CHOICES["circle"])
    discipline = forms.ChoiceField(required=False, choices=SORTING_CHOICES["discipline"])

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["ids"].queryset = Contact.objects.filter(owner=owner)
        self.fields["ids"].error_messages["required"] = "Select at least one contact."

    def clean(self):
        data = super().clean()
        if data.get("action") == "tag" and not (data.get("tag") or "").strip():
            self.add_error("tag", "Name the tag to add.")
        return data


class EventForm(ContactPickerFormMixin, forms.ModelForm):
    class Meta:
        model = Event
        fields = ["name", "kind", "starts_on", "ends_on", "place", "goals", "notes", "people_met"]
        widgets = {
            "people_met": ContactsPicker,
            "starts_on": DATE,
            "ends_on": DATE,
            "goals": TEXTAREA_SMALL,
            "notes": TEXTAREA_SMALL,
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["people_met"].queryset = Contact.objects.filter(owner=owner).only("id", "name")
        self.fields["people_met"].help_text = "Type a name and pick each person in turn."
        self.set_up_contact_pickers(owner)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The event cannot end before it starts.")
        return data


class ContactLinkForm(ContactPickerFormMixin, forms.ModelForm):
    class Meta:
        model = ContactLink
        fields = ["to_contact", "kind", "since", "notes"]
        widgets = {
            "to_contact": ContactPicker,
            "since": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"to_contact": "Linked to"}

    def __init__(self, *args, owner, from_contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.owner = owner
        self.from_contact = from_contact
        self.fields["to_contact"].queryset = (
            Contact.objects.filter(owner=owner).exclude(pk=from_contact.pk).only("id", "name")
        )
        self.fields["kind"].choices = LinkKind.choices
        self.set_up_contact_pickers(owner, to_contact=[from_contact.pk])

    def clean(self):
        data = super().clean()
        to = data.get("to_contact")
        if (
            to
            and ContactLink.objects.filter(
                owner=self.owner,
                from_contact=self.from_contact,
                to_contact=to,
                kind=data.get("kind"),
            ).exists()
        ):
            raise ValidationError("This link already exists.")
        return data


class BriefForm(ContactPickerFormMixin, forms.ModelForm):
    """The part of a contact edited in place on the "before you talk" card."""

    class Meta:
        model = Contact
        fields = [
            "working_on",
            "why_it_matters",
            "how_we_met",
            "met_at",
            "introduced_by",
            "tier",
            "cadence_days",
            "notes",
        ]
        widgets = {
            "working_on": TEXTAREA_SMALL,
            "why_it_matters": TEXTAREA_SMALL,
            "how_we_met": forms.Textarea(attrs={"rows": 2}),
            "notes": TEXTAREA_SMALL,
            "introduced_by": ContactPicker,
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["met_at"].queryset = Event.objects.filter(owner=owner)
        self.fields["introduced_by"].queryset = (
            Contact.objects.filter(owner=owner).exclude(pk=self.instance.pk).only("id", "name")
        )
        self.set_up_contact_pickers(owner, introduced_by=[self.instance.pk])
        name_blank_not_set(self)


class EventPeopleForm(ContactPickerFormMixin, forms.Form):
    """Add people met at an event (picked by typing), or remove one."""

    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="Add people you met",
        widget=ContactsPicker,
    )
    remove = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        people = Contact.objects.filter(owner=owner).only("id", "name").order_by("name")
        self.fields["contacts"].queryset = people
        self.fields["remove"].queryset = people
        self.set_up_contact_pickers(owner)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("contacts") and not data.get("remove"):
            self.add_error("contacts", "Pick at least one person.")
        return data
