"""`peili periodic`: run every scheduled task (CELERY_BEAT_SCHEDULE) once, in this process.

Production runs Celery beat; a machine without a broker (the embedded default) runs this from cron
every 15 minutes instead. Each task is idempotent, so running it more often than scheduled changes
nothing (a notice is sent once, a survey opened once).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from config.celery import app


class Command(BaseCommand):
    help = "Run every scheduled background task once (for cron when Celery beat is not running)."

    def handle(self, *args: Any, **options: Any) -> None:
        app.loader.import_default_modules()
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            result = app.tasks[entry["task"]].apply()
            self.stdout.write(f"{name}: {result.result if result.successful() else result.traceback}")
