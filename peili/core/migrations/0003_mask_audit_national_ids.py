"""Mask the national IDs already kept in full in the audit log (the HR import wrote each new
person's ID into its `person.import_create` entry). Every ID-shaped run — a letter, then 1, 2, 8, 9
or A–D, then eight digits, not inside a longer run of letters and digits — in an entry's object,
note and before/after values becomes A12****789, as `peili.core.masking` masks new entries.

The shape and the mask are written out here, not imported, so the migration does the same thing
whatever the code later becomes. Entries are read in batches and only those holding an ID are
written back. There is no way back: the full numbers are gone (the people's records keep them).
"""

import re

from django.db import migrations
from django.db.models import Q, TextField
from django.db.models.functions import Cast

SHAPE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][1289A-Da-d][0-9]{8}(?![A-Za-z0-9])")
# A superset the database can test (no look-around): which entries to read at all.
CANDIDATE = r"[A-Za-z][1289A-Da-d][0-9]{8}"
BATCH = 2000


def _mask_text(text):
    return SHAPE.sub(lambda m: f"{m.group(0)[:3]}****{m.group(0)[-3:]}", text)


def _mask(value):
    if isinstance(value, str):
        return _mask_text(value)
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def mask_audit_national_ids(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    entries = AuditEntry.objects.using(schema_editor.connection.alias)
    candidates = (
        entries.annotate(before_text=Cast("before", TextField()), after_text=Cast("after", TextField()))
        .filter(
            Q(object_repr__regex=CANDIDATE)
            | Q(note__regex=CANDIDATE)
            | Q(before_text__regex=CANDIDATE)
            | Q(after_text__regex=CANDIDATE)
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    ids = list(candidates)
    fields = ["object_repr", "note", "before", "after"]
    for start in range(0, len(ids), BATCH):
        changed = []
        for entry in entries.filter(id__in=ids[start : start + BATCH]).only("id", *fields):
            values = (entry.object_repr, entry.note, entry.before, entry.after)
            entry.object_repr = _mask_text(entry.object_repr)
            entry.note = _mask_text(entry.note)
            entry.before = _mask(entry.before)
            entry.after = _mask(entry.after)
            if (entry.object_repr, entry.note, entry.before, entry.after) != values:
                changed.append(entry)
        entries.bulk_update(changed, fields)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_cache_table")]
    operations = [migrations.RunPython(mask_audit_national_ids, migrations.RunPython.noop)]
