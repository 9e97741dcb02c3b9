"""The upload form of the staff-list import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from peili.imports.forms import UploadForm, file_field, upload_megabytes


class ImportForm(UploadForm):
    file = file_field(_("名冊檔案"))
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
