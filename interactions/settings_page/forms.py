"""The user's settings form: time zone, weekly digest schedule, default cadence per tier, and
their own place (discipline, company, team) used by the insights."""

from django import forms

from contacts.models import Profile
from contacts.phones import region_choices
from contacts.time_zones import TimeZoneField

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


class ProfileForm(forms.ModelForm):
    email = forms.EmailField(
        required=False,
        label="Your email",
        help_text="Where the weekly digest goes; none, no digest.",
    )
    time_zone = TimeZoneField(
        help_text="Digest times and “today” follow this zone. Type a city, e.g. Berlin."
    )
    digest_hour = forms.TypedChoiceField(choices=HOURS, coerce=int, label="Digest hour (local)")
    phone_region = forms.ChoiceField(
        choices=region_choices,
        label="Phone numbers without a country code are from",
        help_text="Imports and forms store every number with its country code (+1 206 555 0134).",
    )

    class Meta:
        model = Profile
        fields = [
            "time_zone",
            "digest_enabled",
            "digest_weekday",
            "digest_hour",
            "cadence_close",
            "cadence_peer",
            "cadence_network",
            "cadence_dormant",
            "own_discipline",
            "own_company",
            "own_team",
            "phone_region",
        ]
        labels = {
            "digest_enabled": "Send me the weekly digest",
            "digest_weekday": "Digest day",
            "cadence_close": "Close: days between touches",
            "cadence_peer": "Peers: days between touches",
            "cadence_network": "Network: days between touches",
            "cadence_dormant": "Dormant: days between touches",
            "own_discipline": "Your discipline",
            "own_company": "Your company",
            "own_team": "Your team",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].initial = user.email
        # The address comes first: without it there is no digest at all.
        self.order_fields(["email"])

    def save(self, commit=True):
        profile = super().save(commit=commit)
        email = self.cleaned_data.get("email", "")
        if commit and email != self.user.email:
            self.user.email = email
            self.user.save(update_fields=["email"])
        return profile

    # Changing these moves every contact's next follow-up.
    SCHEDULE_FIELDS = (
        "time_zone",
        "cadence_close",
        "cadence_peer",
        "cadence_network",
        "cadence_dormant",
    )

    def schedule_changed(self) -> bool:
        return any(name in self.changed_data for name in self.SCHEDULE_FIELDS)
