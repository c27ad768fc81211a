"""Forms for the reminders settings: when, a new chat or webhook channel, a push subscription."""

import base64
import binascii

from django import forms

from . import senders
from .models import Channel, ChannelKind, NudgeSchedule

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


class ScheduleForm(forms.ModelForm):
    hour = forms.TypedChoiceField(choices=HOURS, coerce=int, label="At (your local time)")

    class Meta:
        model = NudgeSchedule
        fields = ["frequency", "weekday", "hour"]
        labels = {"frequency": "Remind me", "weekday": "On (weekly)"}
        help_texts = {"weekday": ""}


class AppriseChannelForm(forms.Form):
    url = forms.CharField(
        label="Apprise URL",
        max_length=2000,
        widget=forms.TextInput(
            attrs={"placeholder": "ntfy://my-topic", "autocomplete": "off", "spellcheck": "false"}
        ),
        help_text="For example ntfy://topic, tgram://bot-token/chat-id, slack://…, "
        "matrix://…, discord://webhook-id/token, or json://host/path for any webhook.",
    )
    name = forms.CharField(
        label="Name (optional)",
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Phone (ntfy)"}),
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if senders.apprise_service(url) is None:
            raise forms.ValidationError(
                "Apprise does not understand this URL. Check the service's URL format "
                "(the scheme before :// names the service)."
            )
        if Channel.objects.filter(owner=self.owner, kind=ChannelKind.APPRISE, url=url).exists():
            raise forms.ValidationError("Your reminders already go there.")
        return url


def _b64url_bytes(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return b""


class PushSubscriptionForm(forms.Form):
    """What PushSubscription.toJSON() gives, sent by static/js/reminders.js."""

    endpoint = forms.URLField(max_length=2000, assume_scheme="https")
    p256dh = forms.CharField(max_length=200)
    auth = forms.CharField(max_length=100)
    name = forms.CharField(max_length=80, required=False)

    def clean_endpoint(self):
        endpoint = self.cleaned_data["endpoint"]
        if not endpoint.startswith("https://"):
            raise forms.ValidationError("A push service address starts with https://.")
        return endpoint

    def clean_p256dh(self):
        key = _b64url_bytes(self.cleaned_data["p256dh"])
        if len(key) != 65 or key[0] != 4:
            raise forms.ValidationError("Not a P-256 public key.")
        return self.cleaned_data["p256dh"]

    def clean_auth(self):
        if len(_b64url_bytes(self.cleaned_data["auth"])) != 16:
            raise forms.ValidationError("Not a push authentication secret.")
        return self.cleaned_data["auth"]
