"""Reads about learning-records import jobs, filtered to what the user may see in the same step."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from peili.org.scopes import grants_for
from peili.records.models import RecordImportJob


def import_jobs_for_user(user: Any) -> QuerySet[RecordImportJob]:
    """Jobs the user may open: their own uploads; every upload for an administrator. The file's
    bytes are left out (`content` is deferred)."""
    jobs = RecordImportJob.objects.select_related("created_by").defer("content")
    if grants_for(user).is_admin:
        return jobs
    return jobs.filter(created_by_id=getattr(user, "pk", None))
