"""Writes to agencies and people. Each function is atomic and audited."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from peili.core import audit, locking
from peili.core.errors import Conflict, PeiliError
from peili.org.codes import Action, Error
from peili.org.models import Agency, AgencyHeadcount
from peili.policy.models import Jurisdiction

AGENCY_FIELDS = ["code", "name", "short_name", "parent", "jurisdiction", "is_training_body", "is_active"]


def _path_for(code: str, parent: Agency | None) -> tuple[str, int]:
    if parent is None:
        return f"{code}/", 0
    return f"{parent.path}{code}/", parent.depth + 1


def _create_or_conflict(model: type[Any], conflict: Conflict, **fields: Any) -> Any:
    """Create a row; a unique-constraint race (two admins at once) becomes the same Conflict the
    pre-check gives, not a 500."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        raise conflict from None


@transaction.atomic
def agency_create(
    *,
    code: str,
    name: str,
    jurisdiction: Jurisdiction,
    parent: Agency | None = None,
    short_name: str = "",
    is_training_body: bool = False,
    actor: Any,
) -> Agency:
    path, depth = _path_for(code, parent)
    agency = _create_or_conflict(
        Agency,
        Conflict(Error.AGENCY_CODE_TAKEN, _("機關代碼 %(code)s 已存在。") % {"code": code}),
        code=code,
        name=name,
        short_name=short_name,
        parent=parent,
        jurisdiction=jurisdiction,
        is_training_body=is_training_body,
        path=path,
        depth=depth,
    )
    audit.record(actor=actor, action=Action.AGENCY_CREATE, target=agency, after=audit.snapshot(agency, AGENCY_FIELDS))
    return agency


@transaction.atomic
def agency_update(*, agency: Agency, actor: Any, **changes: Any) -> Agency:
    """Change an agency's fields. A new parent moves the whole subtree (paths rewritten in one UPDATE)."""
    agency = locking.lock_row(Agency, pk=agency.pk)
    before = audit.snapshot(agency, AGENCY_FIELDS)
    old_path = agency.path
    for key, value in changes.items():
        if key not in AGENCY_FIELDS or key == "code":
            raise PeiliError(Error.AGENCY_FIELD_NOT_EDITABLE, _("欄位 %(f)s 不可修改。") % {"f": key})
        setattr(agency, key, value)
    if "parent" in changes:
        parent = changes["parent"]
        if parent is not None and parent.path.startswith(old_path):
            raise PeiliError(Error.AGENCY_CYCLE, _("不能把機關移到自己或所屬機關之下。"))
        agency.path, agency.depth = _path_for(agency.code, parent)
    agency.save()
    if agency.path != old_path:
        depth_shift = agency.depth - old_path.count("/") + 1
        Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk).update(
            path=Concat(Value(agency.path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_shift,
        )
    before_changed, after_changed = audit.diff(before, audit.snapshot(agency, AGENCY_FIELDS))
    audit.record(actor=actor, action=Action.AGENCY_UPDATE, target=agency, before=before_changed, after=after_changed)
    return agency


@transaction.atomic
def headcount_set(*, agency: Agency, year: int, budgeted_headcount: int, actor: Any) -> AgencyHeadcount:
    existing = AgencyHeadcount.objects.filter(agency=agency, year=year).first()
    before = {"budgeted_headcount": existing.budgeted_headcount} if existing else None
    headcount, _created = AgencyHeadcount.objects.update_or_create(
        agency=agency, year=year, defaults={"budgeted_headcount": budgeted_headcount}
    )
    audit.record(
        actor=actor,
        action=Action.AGENCY_HEADCOUNT_SET,
        target=agency,
        before=before,
        after={"year": year, "budgeted_headcount": budgeted_headcount},
    )
    return headcount
