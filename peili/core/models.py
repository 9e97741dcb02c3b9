from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peili.core.enums import CalendarOverrideKind


class AuditEntry(models.Model):
    """Who did what, when, to which object, with the values before and after."""

    at = models.DateTimeField(_("時間"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("動作"), max_length=80, db_index=True)
    object_type = models.CharField(_("對象類型"), max_length=80, blank=True)
    object_id = models.CharField(_("對象編號"), max_length=64, blank=True)
    object_repr = models.CharField(_("對象"), max_length=200, blank=True)
    before = models.JSONField(_("變更前"), null=True, blank=True)
    after = models.JSONField(_("變更後"), null=True, blank=True)
    note = models.TextField(_("說明"), blank=True)

    class Meta:
        verbose_name = _("稽核紀錄")
        verbose_name_plural = _("稽核紀錄")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class CalendarOverride(models.Model):
    """An administrator's correction to the office calendar: a typhoon day off, or an extra working day."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("類別"), max_length=20, choices=CalendarOverrideKind.choices)
    reason = models.CharField(_("原因"), max_length=200)

    class Meta:
        verbose_name = _("行事曆調整")
        verbose_name_plural = _("行事曆調整")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
