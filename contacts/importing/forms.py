"""Forms of the import flow: the upload, and the column mapping of a generic CSV."""

from django import forms

from .limits import max_upload_bytes, too_large
from .parsers import MAPPING_TARGETS, auto_mapping, mapping_is_usable
from .sniff import Format


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        help_text="LinkedIn Connections.csv, Google or Outlook CSV, a .vcf file, "
        "or any CSV with a header row."
    )
    format = forms.ChoiceField(choices=Format.CHOICES, initial=Format.AUTO)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(too_large())
        return upload


class ColumnMappingForm(forms.Form):
    """One choice per column of the file: which contact field it fills, if any."""

    def __init__(
        self,
        *args,
        header: list[str],
        initial_mapping: list[str] | None = None,
        samples: list[list[str]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.header = header
        samples = samples or []
        guessed = initial_mapping or auto_mapping(header)
        choices = [(key, label) for key, (label, _) in MAPPING_TARGETS.items()]
        for index, column in enumerate(header):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=column or f"Column {index + 1}",
                choices=choices,
                required=False,
                initial=guessed[index] if index < len(guessed) else "",
                help_text=(
                    "For example: " + ", ".join(f"“{v}”" for v in samples[index])
                    if index < len(samples) and samples[index]
                    else "Empty in the first rows."
                ),
            )

    def clean(self):
        cleaned = super().clean()
        if not mapping_is_usable(self.mapping()):
            raise forms.ValidationError(
                "Pick at least one column for the name or the email address."
            )
        return cleaned

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"col_{i}", "") or "" for i in range(len(self.header))]
