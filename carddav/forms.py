from django import forms


class AppPasswordForm(forms.Form):
    name = forms.CharField(max_length=100, label="Device",
                           help_text="Where it is used, e.g. “Ada’s iPhone”.")
