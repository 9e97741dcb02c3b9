"""The upload form of the staff-list import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

ACCEPTED_SUFFIXES = (".xlsx", ".csv", ".txt")


def upload_megabytes() -> str:
    """The upload limit (PEILI_IMPORT_MAX_BYTES) in whole MB, as the forms state it."""
    return f"{settings.PEILI_IMPORT_MAX_BYTES / (1024 * 1024):,.0f}"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("名冊檔案"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )
    validate_only = forms.BooleanField(
        label=_("只檢查不匯入"),
        required=False,
        initial=True,
        help_text=_("勾選時只產生檢查報告與變更預覽，確認無誤後再按「匯入」；不勾選則檢查通過即直接匯入。"),
    )
    mark_missing_left = forms.BooleanField(
        label=_("將未列於檔案的在職人員標記為離職"),
        required=False,
        initial=False,
        help_text=_("只限檔案中出現的機關。預設不勾選：未列於檔案的人員只會列在報告中，不會變更。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _t(
            "人事系統匯出的 Excel（.xlsx）或 CSV（UTF-8 或 Big5）檔，最大 %(max)s MB。"
        ) % {"max": upload_megabytes()}

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(ACCEPTED_SUFFIXES):
            raise forms.ValidationError(_("請上傳 .xlsx 或 .csv 檔。"), code="suffix")
        if upload.size is not None and upload.size > settings.PEILI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("檔案超過 %(max)s MB，請分檔上傳。"), code="size", params={"max": upload_megabytes()}
            )
        return upload
