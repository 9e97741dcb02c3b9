"""The upload form of the learning-records import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from peili.core.errors import PeiliError
from peili.imports.forms import UploadForm, file_field, upload_megabytes
from peili.records.importing.services import SOURCE_SYSTEM_MAX, clean_source_system


class RecordsImportForm(UploadForm):
    file = file_field(_("學習紀錄檔案"))
    too_large = _("檔案超過 %(max)s MB，請分檔上傳，或請系統管理者以指令匯入。")
    source_system = forms.CharField(
        label=_("來源系統"),
        required=False,
        max_length=SOURCE_SYSTEM_MAX,
        help_text=_(
            "檔案有「外部紀錄編號」時填寫來源系統的名稱（例如 e等公務園），以編號判斷是否已匯入過；"
            "未填寫時以身分證字號、課程名稱、起訖日期與期別判斷。"
        ),
    )
    skip_bad = forms.BooleanField(
        label=_("只匯入正確的列"),
        required=False,
        initial=False,
        help_text=_("預設不勾選：檔案有任何錯誤就不匯入。勾選時略過有錯誤的紀錄，其餘照常匯入（錯誤仍會列出）。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _t(
            "終身學習入口網站或其他學習平臺匯出的檔案，或依範本填寫的檔案："
            "Excel（.xlsx）或 CSV（UTF-8 或 Big5），最大 %(max)s MB。"
        ) % {"max": upload_megabytes()}

    def clean_source_system(self) -> str:
        try:
            return clean_source_system(self.cleaned_data.get("source_system", ""))
        except PeiliError as error:
            raise forms.ValidationError(error.message, code="source_system") from None
