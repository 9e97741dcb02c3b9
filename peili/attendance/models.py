"""Attendance per session, a class's closing and each person's completion.

`Attendance` is one confirmed registration in one session: sign-in and sign-out (when and how), late
and early minutes, leave minutes (whole minutes, so the absence rule's boundary — 140 minutes of a
7-hour class is exactly a third — can be recorded). Closing a class writes a `Completion` per confirmed registration —
what the absence rule decided from the attendance, what the organizer decided (a correction needs a
reason, audited) and the learning record written for it. `ClassClosing` also carries the class's
certification on the national portal (marked uploaded by the organizer).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peili.attendance.enums import Mark, Reason


class Attendance(models.Model):
    registration = models.ForeignKey(
        "enrolment.Registration", verbose_name=_("報名"), on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(
        "catalog.ClassSession", verbose_name=_("節次"), on_delete=models.CASCADE, related_name="attendances"
    )
    signed_in_at = models.DateTimeField(_("簽到時間"), null=True, blank=True)
    signed_in_by = models.CharField(_("簽到方式"), max_length=10, choices=Mark.choices, blank=True)
    signed_out_at = models.DateTimeField(_("簽退時間"), null=True, blank=True)
    signed_out_by = models.CharField(_("簽退方式"), max_length=10, choices=Mark.choices, blank=True)
    late_minutes = models.PositiveSmallIntegerField(_("遲到（分鐘）"), default=0)
    early_minutes = models.PositiveSmallIntegerField(_("早退（分鐘）"), default=0)
    leave_minutes = models.PositiveIntegerField(_("請假（分鐘）"), default=0)
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="attendance_one_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}@{self.session_id}"


class ClassClosing(models.Model):
    course_class = models.OneToOneField(
        "catalog.CourseClass", verbose_name=_("班期"), on_delete=models.PROTECT, related_name="closing"
    )
    closed_at = models.DateTimeField(_("結訓時間"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("結訓者"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_on = models.DateField(_("入口網上傳日期"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上傳登錄者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("結訓")
        verbose_name_plural = _("結訓")

    def __str__(self) -> str:
        return str(self.course_class_id)


class Completion(models.Model):
    closing = models.ForeignKey(
        ClassClosing, verbose_name=_("結訓"), on_delete=models.CASCADE, related_name="completions"
    )
    registration = models.OneToOneField(
        "enrolment.Registration", verbose_name=_("報名"), on_delete=models.PROTECT, related_name="completion"
    )
    # The absence rule's tally, exact in whole minutes (shown as hours and minutes).
    attended_minutes = models.PositiveIntegerField(_("出席（分鐘）"))
    leave_minutes = models.PositiveIntegerField(_("請假（分鐘）"))
    unexcused_minutes = models.PositiveIntegerField(_("未請假缺課（分鐘）"))
    rule_completes = models.BooleanField(_("依規定完訓"))
    rule_reason = models.CharField(_("未完訓原因"), max_length=30, choices=Reason.choices, blank=True)
    completes = models.BooleanField(_("完訓"))
    correction_reason = models.CharField(_("更正原因"), max_length=300, blank=True)
    record = models.ForeignKey(
        "records.LearningRecord",
        verbose_name=_("學習紀錄"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("完訓")
        verbose_name_plural = _("完訓")

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.completes}"

    @property
    def corrected(self) -> bool:
        return self.completes != self.rule_completes
