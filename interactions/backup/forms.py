"""The Restore page's upload form."""

from django import forms
from django.conf import settings

from .jobs import max_upload_bytes, too_large


class RestoreUploadForm(forms.Form):
    file = forms.FileField(
        label="JSON export",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"The network_crm-….json file that Export → “Everything as JSON” downloads, "
            f"up to {settings.RESTORE_MAX_UPLOAD_MB} MB."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(too_large())
        return upload
