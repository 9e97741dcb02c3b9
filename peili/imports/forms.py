"""The upload form every import's page starts from: the file, checked for its name and size before
it is read. An importer's form adds its own choices and says what its file is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ACCEPTED_SUFFIXES = (".xlsx", ".csv", ".txt")


def upload_megabytes() -> str:
    """The upload limit (PEILI_IMPORT_MAX_BYTES) in whole MB, as the forms state it."""
    return f"{settings.PEILI_IMPORT_MAX_BYTES / (1024 * 1024):,.0f}"


def file_field(label: StrOrPromise) -> forms.FileField:
    return forms.FileField(label=label, widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}))


class UploadForm(forms.Form):
    file = file_field(_("檔案"))
    # What to say of a file past the upload limit (`%(max)s`: the limit in MB).
    too_large: StrOrPromise = _("檔案超過 %(max)s MB，請分檔上傳。")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(ACCEPTED_SUFFIXES):
            raise forms.ValidationError(_("請上傳 .xlsx 或 .csv 檔。"), code="suffix")
        if upload.size is not None and upload.size > settings.PEILI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(self.too_large, code="size", params={"max": upload_megabytes()})
        return upload
