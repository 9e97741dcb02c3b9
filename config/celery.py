"""Celery application. With no broker configured tasks run eagerly in-process,
so the embedded default (SQLite, no Redis) needs nothing else running."""

import logging
import os
from typing import Any

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

from peili.core.masking import MaskNationalIds

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("peili")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _mask_national_ids(logger: logging.Logger, **_kwargs: Any) -> None:
    """A worker sets up its own log handlers (not Django's LOGGING): they mask national IDs too."""
    for handler in logger.handlers:
        handler.addFilter(MaskNationalIds())
