"""Background work for surveys: open the surveys of ended classes, remind non-respondents, write
anonymous surveys' waiting answers into the results in batches, tell a writer their reflection was
reviewed. Thin and idempotent; eager without a broker."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import translation

from peili.surveys import notifications, services


@shared_task(name="surveys.open_due", ignore_result=True)
def open_due() -> int:
    """Attach default templates to ended classes, ask their attendees, and notify them."""

    with translation.override(settings.LANGUAGE_CODE):
        return notifications.survey_invitations(services.surveys_open_due())


@shared_task(name="surveys.send_reminders", ignore_result=True)
def send_reminders() -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return notifications.survey_reminders(services.reminders_due())


@shared_task(name="surveys.flush_pools", ignore_result=True)
def flush_pools() -> int:
    """Write every anonymous survey's waiting answers whose batch is due (`services.pools_flush`)."""

    return services.pools_flush()


@shared_task(name="surveys.notify_reflection", ignore_result=True)
def notify_reflection(reflection_id: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        notifications.reflection_reviewed(reflection_id)
