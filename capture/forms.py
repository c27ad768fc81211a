"""Forms of capture: one per kind of source, rules, and the people to add as contacts.

Secrets are never rendered back into a form: a blank password or address on edit keeps the
stored (encrypted) one."""

from urllib.parse import urlsplit

from django import forms

from contacts.models import Contact
from contacts.widgets import ContactPicker, ContactPickerFormMixin

from . import crypto
from .models import ImapSecurity, RuleAction, Source, SourceKind

SECRET = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})


class SourceForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="For you, e.g. “Work calendar”.")
    own_addresses = forms.CharField(
        required=False,
        label="Your other addresses",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Aliases of yours, one per line, so you are never suggested as a contact.",
    )

    kind = None

    def __init__(self, *args, owner, instance: Source | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.owner = owner
        self.instance = instance
        editing = instance is not None
        for name in ("url", "password"):
            if name in self.fields and editing:
                self.fields[name].required = False
                self.fields[name].help_text = "Leave blank to keep the stored one."

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = Source.objects.filter(owner=self.owner, name=name)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("You already have a source with this name.")
        return name

    def clean_own_addresses(self):
        lines = [line.strip().lower() for line in self.cleaned_data["own_addresses"].splitlines()]
        bad = [line for line in lines if line and "@" not in line]
        if bad:
            raise forms.ValidationError(f"Not an email address: {bad[0]}")
        return "\n".join(line for line in lines if line)

    def clean(self):
        data = super().clean()
        if not crypto.available():
            raise forms.ValidationError(
                "Credentials cannot be stored: NETWORK_CRM_ENCRYPTION_KEY is not set on this "
                "server (see the README)."
            )
        return data


class CalendarUrlField(forms.CharField):
    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https", "webcal") or not parts.netloc:
            raise forms.ValidationError(
                "Paste the calendar's full address, starting with https:// or webcal://."
            )
        return value


class IcalSourceForm(SourceForm):
    kind = SourceKind.ICAL
    url = CalendarUrlField(
        label="Secret iCal address",
        widget=SECRET,
        help_text="The private address your calendar gives for other apps (see the guide).",
    )
    field_order = ["name", "url", "own_addresses"]


class CaldavSourceForm(SourceForm):
    kind = SourceKind.CALDAV
    url = CalendarUrlField(label="Calendar address (CalDAV)", widget=forms.URLInput)
    username = forms.CharField(max_length=254, label="User name")
    password = forms.CharField(label="App password", widget=SECRET)
    field_order = ["name", "url", "username", "password", "own_addresses"]

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None:
            # The CalDAV address holds no secret of its own, but it is stored encrypted like
            # every address; it is shown masked, and blank keeps it.
            self.fields["url"].widget = forms.URLInput(attrs={"placeholder": crypto.mask_url(
                _decrypted_or_blank(instance.url_encrypted))})


def _decrypted_or_blank(token: str) -> str:
    try:
        return crypto.decrypt(token)
    except crypto.CredentialsUnavailable:
        return ""


class ImapSourceForm(SourceForm):
    kind = SourceKind.IMAP
    host = forms.CharField(max_length=253, label="Mail server (IMAP)")
    security = forms.ChoiceField(choices=ImapSecurity.choices, initial=ImapSecurity.SSL)
    port = forms.IntegerField(
        required=False, min_value=1, max_value=65535, help_text="Blank: 993 with TLS, else 143."
    )
    username = forms.CharField(max_length=254, label="User name")
    password = forms.CharField(label="App password", widget=SECRET)
    inbox_folder = forms.CharField(max_length=200, initial="INBOX")
    sent_folder = forms.CharField(
        max_length=200, initial="Sent", help_text="Found by its special-use flag when absent."
    )
    log_address = forms.EmailField(
        required=False,
        label="“BCC or forward to log” address",
        help_text="An address delivered to this mailbox (e.g. you+crm@example.com): mail sent "
        "there with a contact in To or Cc is logged at once.",
    )
    field_order = [
        "name", "host", "security", "port", "username", "password", "inbox_folder",
        "sent_folder", "log_address", "own_addresses",
    ]

    def clean_host(self):
        host = self.cleaned_data["host"].strip().lower()
        if "/" in host or " " in host or ":" in host:
            raise forms.ValidationError("Only the server's name, e.g. imap.fastmail.com.")
        return host

    def clean(self):
        data = super().clean()
        if not data.get("port") and data.get("security"):
            data["port"] = 993 if data["security"] == ImapSecurity.SSL else 143
        if data.get("log_address"):
            data["log_address"] = data["log_address"].lower()
        return data


SOURCE_FORMS = {
    SourceKind.ICAL: IcalSourceForm,
    SourceKind.CALDAV: CaldavSourceForm,
    SourceKind.IMAP: ImapSourceForm,
}


def initial_for(source: Source) -> dict:
    fields = ["name", "username", "host", "port", "security", "inbox_folder", "sent_folder",
              "log_address", "own_addresses"]
    return {f: getattr(source, f) for f in fields}


class RuleForm(ContactPickerFormMixin, forms.Form):
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(), required=False, widget=ContactPicker
    )
    domain = forms.CharField(
        max_length=253, required=False, help_text="Everyone at this domain, e.g. example.com."
    )
    action = forms.ChoiceField(choices=RuleAction.choices)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["contact"].queryset = Contact.objects.filter(owner=owner).only(
            "id", "name", "preferred_name"
        ).order_by("name")
        self.set_up_contact_pickers(owner)

    def clean_domain(self):
        domain = self.cleaned_data["domain"].strip().lower().lstrip("@")
        if domain and ("." not in domain or " " in domain or "@" in domain):
            raise forms.ValidationError("A mail domain such as example.com.")
        return domain

    def clean(self):
        data = super().clean()
        if bool(data.get("contact")) == bool(data.get("domain")):
            raise forms.ValidationError("Pick a contact or type a domain (one of the two).")
        return data


class PeopleForm(forms.Form):
    """Checked people (by address) among those offered."""

    people = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one person."},
    )

    def __init__(self, *args, offered, **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = {p.email: p for p in offered}
        self.fields["people"].choices = [(p.email, p.name or p.email) for p in offered]

    def chosen(self) -> list[tuple[str, str]]:
        return [(email, self.offered[email].name) for email in self.cleaned_data["people"]]
