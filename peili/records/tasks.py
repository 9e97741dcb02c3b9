"""Background work of the hours ledger: reminders to people short of the yearly hours. Tasks take
ids and call `notifications` (eagerly, in process, when no broker is configured)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import translation

# Celery discovers `<app>.tasks`: the importer's tasks register through this module.
from peili.records.importing.tasks import run_records_import_job, tidy_records_import_jobs  # noqa: F401
from peili.records.notifications import hours_reminders


@shared_task(name="records.send_hours_reminders")
def send_hours_reminders(agency_id: int, year: int, actor_id: int | None) -> dict[str, Any]:
    """Email (and notify in-app) everyone short of the yearly hours in an agency subtree; once a day
    per person. Returns the counts (sent, without an address, already reminded today, failed)."""

    # In the site's language, whatever language the officer's page was in.
    with translation.override(settings.LANGUAGE_CODE):
        return asdict(hours_reminders(agency_id=agency_id, year=year, actor_id=actor_id))
