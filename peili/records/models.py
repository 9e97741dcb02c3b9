"""The hours ledger: certified learning per person, its split across learning categories, and a
per-person-year standing kept current by the services (see docs/design/records.md).

A correction never updates or deletes a record: a new record supersedes it (`superseded_by`), with
the reason, and the history stays. The ledger is the records with `superseded_by` null.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peili.imports import models as imports
from peili.records.enums import LearningMode, RecordSource


class LearningRecord(models.Model):
    person = models.ForeignKey(
        "org.Person", verbose_name=_("人員"), on_delete=models.PROTECT, related_name="learning_records"
    )
    year = models.PositiveSmallIntegerField(_("學習年度"))  # the year the learning ended
    source = models.CharField(_("來源"), max_length=12, choices=RecordSource.choices)
    course_class = models.ForeignKey(
        "catalog.CourseClass",
        verbose_name=_("班期"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="learning_records",
        db_index=False,  # a partial index below: imports leave it empty, and millions of NULLs cost writes
    )
    title = models.CharField(_("課程名稱"), max_length=200)
    provider = models.CharField(_("辦理機關"), max_length=120, blank=True)
    start_date = models.DateField(_("開始日期"))
    end_date = models.DateField(_("結束日期"))
    certified_hours = models.DecimalField(_("認證時數"), max_digits=6, decimal_places=1)
    digital_hours = models.DecimalField(_("數位時數"), max_digits=6, decimal_places=1, default=0)
    classroom_hours = models.DecimalField(_("實體時數"), max_digits=6, decimal_places=1, default=0)
    mode = models.CharField(_("學習性質"), max_length=10, choices=LearningMode.choices)
    external_key = models.CharField(_("外部紀錄識別"), max_length=64, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("更正為"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # a partial index below (almost every record is current)
    )
    reason = models.CharField(_("更正原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("建立者"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)

    class Meta:
        verbose_name = _("學習紀錄")
        verbose_name_plural = _("學習紀錄")
        indexes = [
            models.Index(
                fields=["person", "year"], name="records_current_person_year", condition=models.Q(superseded_by=None)
            ),
            models.Index(fields=["course_class"], name="records_class", condition=models.Q(course_class__isnull=False)),
            models.Index(
                fields=["superseded_by"], name="records_superseded_by", condition=models.Q(superseded_by__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_key"],
                condition=models.Q(superseded_by=None) & ~models.Q(external_key=""),
                name="records_current_external_key_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="records_dates_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(certified_hours=models.F("digital_hours") + models.F("classroom_hours")),
                name="records_hours_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.end_date:%Y-%m-%d}"


class RecordHours(models.Model):
    """A record's hours in one learning category (學習類別). A record of a Peili class names the
    category (`category`, a key of the pack's `hours.categories`); a record imported from the
    national portal may carry only the portal's category code (`code`), which the pack's category
    list resolves when hours are counted — so a code the office fills in later starts counting at
    the next recompute, and a code nobody knows still counts towards the year's total."""

    record = models.ForeignKey(LearningRecord, on_delete=models.CASCADE, related_name="hours")
    category = models.CharField(_("學習類別"), max_length=40, blank=True)
    code = models.CharField(_("課程類別代碼"), max_length=10, blank=True)
    hours = models.DecimalField(_("時數"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("類別時數")
        verbose_name_plural = _("類別時數")
        constraints = [
            models.UniqueConstraint(fields=["record", "category", "code"], name="records_hours_one_row_per_category"),
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="records_hours_not_negative"),
            models.CheckConstraint(condition=~models.Q(category="", code=""), name="records_hours_category_or_code"),
        ]

    def __str__(self) -> str:
        return f"{self.category or self.code} {self.hours}"


class YearStanding(models.Model):
    """A person's year against the yearly rule (`rules.standing`), kept current by every service
    that writes records; dashboards read this, never the ledger."""

    person = models.ForeignKey("org.Person", verbose_name=_("人員"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    total = models.DecimalField(_("總時數"), max_digits=8, decimal_places=1)
    counted = models.JSONField(_("各項時數"), default=dict)
    shortfall_keys = models.JSONField(_("未達項目"), default=list)
    missing = models.DecimalField(_("尚缺時數"), max_digits=8, decimal_places=1)
    meets = models.BooleanField(_("達成"))
    records = models.PositiveIntegerField(_("紀錄筆數"))
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)

    class Meta:
        verbose_name = _("年度時數達成情形")
        verbose_name_plural = _("年度時數達成情形")
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="records_one_standing_a_year")]
        indexes = [models.Index(fields=["year", "person"], name="records_standing_year_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class RecordImportJob(imports.ImportJob):
    """學習紀錄匯入: one uploaded learning-records file, the uploader's choices, progress and the
    report (`peili.imports.models.ImportJob`, like the staff list's `org.ImportJob`; the table is
    records' own).

    The file is kept (as bytes, so a Celery worker on another host can read it) only while its
    preview waits to be loaded; the report — problems, counts, what was skipped — stays.
    """

    source_system = models.CharField(_("來源系統"), max_length=20, blank=True)
    skip_bad = models.BooleanField(_("只匯入正確的列"), default=False)

    class Meta(imports.ImportJob.Meta):
        verbose_name = _("學習紀錄匯入")
        verbose_name_plural = _("學習紀錄匯入")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="records_import_job_by_user")]
