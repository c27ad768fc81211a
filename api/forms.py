"""Forms of the "API and webhooks" settings page."""

from django import forms

from .models import TokenScope, WebhookEvent


class AccessTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses it, e.g. “shortcuts on my phone”.")
    scope = forms.ChoiceField(choices=TokenScope.choices, initial=TokenScope.READ)
    expires_in_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Expires after (days)",
        help_text="Blank: never.",
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        max_length=500, label="Address", assume_scheme="https",
        help_text="Receives a signed JSON POST for each event.",
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple,
        initial=[WebhookEvent.INTERACTION_LOGGED],
    )
