"""Any write of what the catalog index holds moves the catalog stamp (see `peili.core.versions`).

Services that write in bulk (`bulk_create`, `QuerySet.update`) call `versions.bump` themselves;
the class counters (seats) are not in the index and move no stamp.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from peili.catalog.models import ClassCategoryHours, Course, CourseClass
from peili.core import versions


def _catalog_changed(**_kwargs: Any) -> None:
    versions.bump(versions.CATALOG)


def connect() -> None:
    for model in (CourseClass, Course, ClassCategoryHours):
        post_save.connect(_catalog_changed, sender=model, dispatch_uid=f"catalog-stamp-save-{model.__name__}")
        post_delete.connect(_catalog_changed, sender=model, dispatch_uid=f"catalog-stamp-delete-{model.__name__}")
    for through in (CourseClass.eligible_agencies.through, CourseClass.eligible_people.through):
        m2m_changed.connect(_catalog_changed, sender=through, dispatch_uid=f"catalog-stamp-m2m-{through.__name__}")
