"""What each registration notice says — delivered by `peili.notifications` as an in-app notice and
an email (with an .ics file on confirmation) — and the signed consent links. Called from tasks (ids
in); each notice has a key, so running twice sends once."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.catalog.models import CourseClass
from peili.core import roc
from peili.core.errors import PeiliError
from peili.enrolment.enums import NotificationKind, RegistrationStatus
from peili.enrolment.models import Registration
from peili.enrolment.selectors import policy_for_class
from peili.notifications import ics
from peili.notifications.services import deliver, recipient
from peili.org.selectors import approvers_for

logger = logging.getLogger(__name__)
CONSENT_SALT = "enrolment.consent"


def consent_token(registration_id: int, approver_id: int) -> str:
    """A signed, timestamped token naming the registration and the supervisor it was sent to."""
    return signing.TimestampSigner(salt=CONSENT_SALT).sign_object({"r": registration_id, "u": approver_id})


def consent_token_read(token: str) -> tuple[int, int] | None:
    """(registration id, approver user id), or None when the token is forged or expired."""
    max_age = timedelta(days=settings.PEILI_CONSENT_LINK_DAYS)
    try:
        value = signing.TimestampSigner(salt=CONSENT_SALT).unsign_object(token, max_age=max_age)
    except signing.BadSignature:
        return None
    try:
        return int(value["r"]), int(value["u"])
    except (KeyError, TypeError, ValueError):
        return None


def class_text(course_class: CourseClass) -> str:
    start = roc.format_short(course_class.start_date) if course_class.start_date else ""
    end = roc.format_short(course_class.end_date) if course_class.end_date else ""
    dates = f"{start}–{end}" if end and end != start else start
    return f"{course_class}（{dates}）" if dates else str(course_class)


def class_calendar(course_class: CourseClass) -> str:
    sessions = [
        ics.CalendarSession(
            uid=f"peili-session-{s.pk}@peili",
            summary=str(course_class),
            day=s.date,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            location=s.venue.name + (f" {s.venue.address}" if s.venue.address else "") if s.venue else "",
            description=s.topic,
        )
        for s in course_class.sessions.select_related("venue").order_by("date", "starts_at")
    ]
    return ics.calendar(sessions, stamp=datetime.now(tz=UTC))


def registration_notice(registration_id: int, kind: str) -> None:
    """Tell the person (or, for a consent request, their supervisors) about a registration."""
    registration = (
        Registration.objects.select_related("person__user", "course_class__course").filter(pk=registration_id).first()
    )
    if registration is None:
        return
    if kind == NotificationKind.CONSENT_REQUEST:
        consent_requests(registration)
        return
    course_class = registration.course_class
    text = class_text(course_class)
    mine = reverse("enrolment:mine")
    titles: dict[str, str] = {
        NotificationKind.CONFIRMED: _("報名已錄取：%(c)s"),
        NotificationKind.WAITLISTED: _("已列入候補：%(c)s"),
        NotificationKind.PROMOTED: _("候補遞補錄取：%(c)s"),
        NotificationKind.DECLINED: _("主管未同意報名：%(c)s"),
        NotificationKind.CANCELLED: _("報名已取消：%(c)s"),
        NotificationKind.SUBSTITUTED: _("您的名額已由他人遞補：%(c)s"),
    }
    bodies: dict[str, str] = {
        NotificationKind.CONFIRMED: _("您已錄取「%(c)s」，請準時全程參訓。附件為上課行事曆檔案。"),
        NotificationKind.WAITLISTED: _("「%(c)s」名額已滿，您已列入候補；有名額釋出時將依報名先後自動遞補並通知您。"),
        NotificationKind.PROMOTED: _(
            "有學員取消報名，您已由候補遞補錄取「%(c)s」，請準時全程參訓。附件為上課行事曆檔案。"
        ),
        NotificationKind.DECLINED: _("您的主管未同意您參加「%(c)s」。"),
        NotificationKind.CANCELLED: _("您參加「%(c)s」的報名已取消。"),
        NotificationKind.SUBSTITUTED: _("您參加「%(c)s」的名額已由同機關同仁遞補。"),
    }
    if kind not in titles:
        return
    attachment = None
    if (
        kind in (NotificationKind.CONFIRMED, NotificationKind.PROMOTED)
        and registration.status == RegistrationStatus.CONFIRMED
    ):
        attachment = (f"class-{course_class.pk}.ics", class_calendar(course_class), "text/calendar")
    user, email = recipient(registration.person)
    deliver(
        user=user,
        email=email,
        kind=kind,
        key=f"{kind}:{registration.pk}",
        title=titles[kind] % {"c": course_class},
        body=bodies[kind] % {"c": text},
        url=mine,
        attachment=attachment,
    )


def consent_requests(registration: Registration) -> None:
    person = registration.person
    text = class_text(registration.course_class)
    for user in approvers_for(person):
        token = consent_token(registration.pk, user.pk)
        link = reverse("enrolment:consent_link", kwargs={"token": token})
        supervisor = getattr(user, "person", None)
        email = (supervisor.email if supervisor is not None else "") or user.email
        deliver(
            user=user,
            email=email,
            kind=NotificationKind.CONSENT_REQUEST,
            key=f"consent:{registration.pk}",
            title=_("%(name)s 報名「%(c)s」，待您同意") % {"name": person.name, "c": registration.course_class},
            body=_(
                "%(name)s 報名參加「%(c)s」，職務代理人：%(deputy)s。請開啟下列連結後按「同意」或「不同意」確認"
                "（連結 %(days)d 日內有效）。"
            )
            % {
                "name": person.name,
                "c": text,
                "deputy": registration.deputy_display or _("未填寫"),
                "days": settings.PEILI_CONSENT_LINK_DAYS,
            },
            url=link,
        )


def class_reminders(today: Any = None) -> int:
    """Remind the confirmed of each class starting in exactly N days (N from each class's pack).
    Idempotent: the key is per registration, so a second run the same day sends nothing."""

    today = today or timezone.localdate()
    sent = 0
    horizon = today + timedelta(days=60)
    classes = CourseClass.objects.filter(
        status="published", start_date__gte=today, start_date__lte=horizon
    ).select_related("course__organizer")
    for course_class in classes:
        try:
            days = policy_for_class(course_class).reminder_days_before
        except PeiliError:
            # A class whose jurisdiction has no pack gets no reminder; the others still do.
            logger.warning("no registration policy for class %s; no reminder sent", course_class.pk)
            continue
        if not days or course_class.start_date != today + timedelta(days=days):
            continue
        for registration in course_class.registrations.filter(status=RegistrationStatus.CONFIRMED).select_related(
            "person__user"
        ):
            user, email = recipient(registration.person)
            if deliver(
                user=user,
                email=email,
                kind=NotificationKind.REMINDER,
                key=f"reminder:{registration.pk}",
                title=_("開課提醒：%(c)s") % {"c": course_class},
                body=_("「%(c)s」將於 %(d)d 日後開課，請準時全程參訓。") % {"c": class_text(course_class), "d": days},
                url=reverse("enrolment:mine"),
                attachment=(f"class-{course_class.pk}.ics", class_calendar(course_class), "text/calendar"),
            ):
                sent += 1
    return sent
