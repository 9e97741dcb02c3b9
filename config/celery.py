"""Celery application. With no broker configured tasks run eagerly in-process,
so the embedded default (SQLite, no Redis) needs nothing else running."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("peili")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
