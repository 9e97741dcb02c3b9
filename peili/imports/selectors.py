"""Reads about import jobs, filtered to what the user may see in the same step."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from peili.imports.models import ImportJob
from peili.imports.registry import Importer


def import_jobs_for_user(importer: Importer, user: Any) -> QuerySet[ImportJob]:
    """`importer`'s jobs the user may open: their own uploads; every upload for those the importer
    lets see them all (administrators). The file's bytes are left out (`content` is deferred)."""
    jobs = importer.job_model._default_manager.select_related("created_by").defer("content")
    if importer.sees_every_job(user):
        return jobs
    return jobs.filter(created_by_id=getattr(user, "pk", None))


def import_job_for_user(importer: Importer, user: Any, job_id: int) -> ImportJob | None:
    """One of `importer`'s jobs, if the user may open it."""
    return import_jobs_for_user(importer, user).filter(pk=job_id).first()
