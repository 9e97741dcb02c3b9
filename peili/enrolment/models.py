"""Registrations (報名) and their history.

Status changes happen only in `services.py`, each while holding the class row's lock, and each
leaves a `RegistrationEvent` and an audit entry.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peili.enrolment.enums import ACTIVE_STATUSES, Meal, RegistrationStatus, Source


class Registration(models.Model):
    course_class = models.ForeignKey(
        "catalog.CourseClass", verbose_name=_("班期"), on_delete=models.PROTECT, related_name="registrations"
    )
    person = models.ForeignKey(
        "org.Person", verbose_name=_("參訓人員"), on_delete=models.PROTECT, related_name="registrations"
    )
    status = models.CharField(_("狀態"), max_length=20, choices=RegistrationStatus.choices)
    # First come, first served: seats and waitlist order go by this time, ties broken by id.
    registered_at = models.DateTimeField(_("報名時間"))
    meal = models.CharField(_("用餐"), max_length=12, choices=Meal.choices, default=Meal.NONE)
    deputy = models.ForeignKey(
        "org.Person",
        verbose_name=_("職務代理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deputy_name = models.CharField(_("職務代理人姓名"), max_length=60, blank=True)
    source = models.CharField(_("報名方式"), max_length=12, choices=Source.choices, default=Source.SELF)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("薦送者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("同意／不同意者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_at = models.DateTimeField(_("主管決定時間"), null=True, blank=True)
    consent_note = models.CharField(_("主管意見"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("取消時間"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("候補遞補時間"), null=True, blank=True)
    substitute_of = models.ForeignKey(
        "self",
        verbose_name=_("遞補自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="substitutes",
    )
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)

    class Meta:
        verbose_name = _("報名")
        verbose_name_plural = _("報名")
        ordering = ["registered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course_class", "person"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="enrolment_one_active_registration",
            ),
        ]
        indexes = [
            # The roster and the waitlist order (status, then registration time and id).
            models.Index(fields=["course_class", "status", "registered_at", "id"], name="enrolment_reg_queue"),
            models.Index(fields=["person", "status"], name="enrolment_reg_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.course_class}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def deputy_display(self) -> str:
        return self.deputy.name if self.deputy is not None else self.deputy_name

    @property
    def source_label(self) -> str:
        """How the person came to the class, naming whose seat a substitute took (load
        `substitute_of__person` with the registration)."""
        if self.source == Source.SUBSTITUTE and self.substitute_of is not None:
            return gettext("遞補（%(name)s）") % {"name": self.substitute_of.person.name}
        return str(self.get_source_display())


class RegistrationEvent(models.Model):
    """One step in a registration's history: who, when, from which status to which."""

    registration = models.ForeignKey(
        Registration, verbose_name=_("報名"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("時間"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(_("原狀態"), max_length=20, choices=RegistrationStatus.choices, blank=True)
    to_status = models.CharField(_("新狀態"), max_length=20, choices=RegistrationStatus.choices)
    note = models.CharField(_("說明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("報名歷程")
        verbose_name_plural = _("報名歷程")
        ordering = ["registration", "at", "id"]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.from_status} → {self.to_status}"
