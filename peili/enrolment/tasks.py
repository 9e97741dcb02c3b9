"""Background work for registration: notices and reminders. Tasks take ids and call
`notifications` (run eagerly, in process, when no broker is configured); each is idempotent."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import translation

from peili.enrolment.notifications import class_reminders, registration_notice


@shared_task(name="enrolment.notify_registration", ignore_result=True)
def notify_registration(registration_id: int, kind: str) -> None:
    """Email and in-app notice about one registration (confirmed, waitlisted, promoted, consent…)."""

    # In the site's language, not whichever the triggering request had (tasks run eagerly in the
    # request when no broker is configured): a supervisor's notice must not come out in English
    # because the learner had switched the page to English.
    with translation.override(settings.LANGUAGE_CODE):
        registration_notice(registration_id, kind)


@shared_task(name="enrolment.send_class_reminders", ignore_result=True)
def send_class_reminders() -> int:
    """Remind the confirmed of classes starting in the pack's number of days. Call it daily (Celery
    beat or cron: `peili shell -c "from peili.enrolment.tasks import send_class_reminders as t; t()"`);
    running it twice a day sends nothing twice."""

    with translation.override(settings.LANGUAGE_CODE):
        return class_reminders()
