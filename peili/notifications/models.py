"""The in-app notice. Created by `services.deliver` only; its kinds come from the registry."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peili.notifications import kinds


class Notification(models.Model):
    """An in-app notice; the same items also go out by email. `key` makes a send idempotent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件者"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("類型"), max_length=kinds.MAX_LENGTH, choices=kinds.choices)
    title = models.CharField(_("標題"), max_length=200)
    body = models.TextField(_("內容"), blank=True)
    url = models.CharField(_("連結"), max_length=300, blank=True)
    key = models.CharField(_("去重鍵"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    read_at = models.DateTimeField(_("已讀時間"), null=True, blank=True)

    class Meta:
        # Moved from enrolment (issue 12) with its table, index and constraint names: no row moved.
        db_table = "enrolment_notification"
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="enrolment_notice_user")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="enrolment_notice_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title
