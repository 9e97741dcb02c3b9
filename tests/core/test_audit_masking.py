"""National IDs in the audit log and the logs (issue 11, item 15): the HR import wrote each new
person's full ID into its audit entry and /audit/ showed it. Now the importers write it masked,
every entry is masked when written, the page masks whatever is stored, a migration masks what
is already there, and the logs mask IDs, tracebacks included."""

from __future__ import annotations

import importlib
import io
import logging
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from peili.core import audit
from peili.core.models import AuditEntry
from peili.org.importing import services
from tests.factories import PersonFactory
from tests.org.fixtures import TODAY, nid, person_row, staff_csv

pytestmark = pytest.mark.django_db

FULL = "A123456789"


def _import(rows):
    outcome = services.people_import(data=staff_csv(rows), filename="staff.csv", actor=None, dry_run=False, today=TODAY)
    assert outcome.written, outcome.problems
    return outcome


def _stored_text() -> str:
    """Everything the audit table holds, as text."""
    return "\n".join(f"{e.object_repr} {e.note} {e.before} {e.after}" for e in AuditEntry.objects.order_by("id"))


def _check_import_entries():
    _import([person_row(1), person_row(2)])
    created = AuditEntry.objects.filter(action="org.person_import_create").order_by("object_id")
    assert [e.after["national_id"] for e in created] == [
        f"{nid(1)[:3]}****{nid(1)[-3:]}",
        f"{nid(2)[:3]}****{nid(2)[-3:]}",
    ]
    stored = _stored_text()
    assert nid(1) not in stored
    assert nid(2) not in stored


def test_the_hr_import_writes_national_ids_masked_into_the_audit_log(tree):
    _check_import_entries()


def test_the_hr_import_writes_them_masked_on_postgresql_too(on_postgres, tree):
    """PostgreSQL writes the entries with COPY, past audit.entry."""
    _check_import_entries()


def test_every_entry_is_masked_when_written(tree):
    person = PersonFactory(agency=tree["a"], national_id=FULL)
    entry = audit.record(
        actor=None,
        action="org.person_import_update",
        target=person,
        object_repr=f"王小明（{FULL}）",
        before={"who": [FULL, {"id": FULL.lower()}]},
        after={"national_id": FULL, "email": f"{FULL.lower()}@example.tw", "code": "376570100A"},
        note=f"第 2 列 {FULL}",
    )
    entry.refresh_from_db()
    assert entry.object_repr == "王小明（A12****789）"
    assert entry.before == {"who": ["A12****789", {"id": "a12****789"}]}
    assert entry.after == {"national_id": "A12****789", "email": "a12****789@example.tw", "code": "376570100A"}
    assert entry.note == "第 2 列 A12****789"


def _legacy_entry() -> AuditEntry:
    """An entry as main wrote them before: the full ID in every part (bypassing audit.entry)."""
    return AuditEntry.objects.create(
        action="org.person_import_create",
        object_type="org.person",
        object_id="1",
        object_repr=f"王小明 {FULL}",
        after={"national_id": FULL, "name": "王小明", "ratings": [{"id": "B223456789"}]},
        before={"national_id": "AB12345678"},  # an older resident certificate
        note=f"staff.csv 第 2 列 {FULL}",
    )


def test_the_audit_page_masks_whatever_is_stored(client, admin_user):
    _legacy_entry()
    client.force_login(admin_user)
    page = client.get("/audit/").content.decode()
    assert FULL not in page
    assert "B223456789" not in page
    assert "AB12345678" not in page
    assert page.count("A12****789") >= 3
    assert "B22****789" in page
    assert "AB1****678" in page


def test_the_migration_masks_national_ids_already_in_the_audit_log(tree):
    legacy = _legacy_entry()
    untouched = AuditEntry.objects.create(
        action="org.agency_create", object_repr="新竹市政府", after={"code": "376570000A"}
    )
    migration = importlib.import_module("peili.core.migrations.0003_mask_audit_national_ids")
    migration.mask_audit_national_ids(apps, SimpleNamespace(connection=connection))
    legacy.refresh_from_db()
    assert legacy.object_repr == "王小明 A12****789"
    assert legacy.note == "staff.csv 第 2 列 A12****789"
    assert legacy.after == {"national_id": "A12****789", "name": "王小明", "ratings": [{"id": "B22****789"}]}
    assert legacy.before == {"national_id": "AB1****678"}
    untouched.refresh_from_db()
    assert untouched.after == {"code": "376570000A"}


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("A123456789", "A12****789"),
        ("a123456789", "a12****789"),
        ("Z800000014", "Z80****014"),  # a resident certificate of the 2021 format
        ("AC12345678", "AC1****678"),  # an older resident certificate
        ("（A123456789）", "（A12****789）"),
        ("XA123456789", "XA123456789"),  # inside a longer code: not an ID
        ("A1234567890", "A1234567890"),
        ("376570100A", "376570100A"),  # an agency code
        ("A323456789", "A323456789"),  # 3 is no ID's second character
    ],
)
def test_what_is_masked(text, masked):
    from peili.core.masking import mask_ids, mask_ids_in_text  # (new in this change: the other tests run on main)

    assert mask_ids_in_text(text) == masked
    assert mask_ids({"k": [text]}) == {"k": [masked]}


def test_the_logs_mask_national_ids_in_messages_and_tracebacks():
    from peili.core.masking import MaskNationalIds  # (new in this change: the other tests run on main)

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(MaskNationalIds())
    logger = logging.getLogger("tests.masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("person %s could not be linked", FULL)
        try:
            raise ValueError(f"duplicate key value violates unique constraint DETAIL: Key (national_id)=({FULL})")
        except ValueError:
            logger.exception("import failed")
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert FULL not in text
    assert "person A12****789 could not be linked" in text
    assert "Key (national_id)=(A12****789)" in text


def test_every_configured_handler_masks(settings):
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["mask_national_ids"]
    assert settings.LOGGING["filters"]["mask_national_ids"]["()"] == "peili.core.masking.MaskNationalIds"
