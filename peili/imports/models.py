"""The import job: one uploaded file, the uploader's choices, progress and the report.

`ImportJob` is abstract: each importer's concrete job (`org.ImportJob`, `records.RecordImportJob`)
inherits these fields, adds its own choices, and keeps its own table. The file is kept (as bytes, so
a Celery worker on another host can read it) only while it waits to be checked or loaded; the
report — problems, or what was previewed or written — stays for the uploader to look at.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peili.imports.enums import ACTIVE_STATUSES, ImportStage, ImportStatus


class ImportJob(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上傳者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("執行匯入者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("預覽後按下「匯入」的人；匯入以其權限範圍執行並記錄於稽核紀錄。"),
    )
    created_at = models.DateTimeField(_("上傳時間"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)
    finished_at = models.DateTimeField(_("完成時間"), null=True, blank=True)
    filename = models.CharField(_("檔名"), max_length=200)
    size = models.PositiveIntegerField(_("檔案大小（位元組）"), default=0)
    content = models.BinaryField(_("檔案內容"), default=bytes, editable=False)
    validate_only = models.BooleanField(_("只檢查不匯入"), default=True)
    status = models.CharField(_("狀態"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    stage = models.CharField(_("處理階段"), max_length=20, choices=ImportStage.choices, default=ImportStage.WAITING)
    progress = models.PositiveSmallIntegerField(_("進度（%）"), default=0)
    report = models.JSONField(_("報告"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
