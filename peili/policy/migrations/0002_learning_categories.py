"""Learning categories become pack data (issue 11).

Before: a mandatory requirement listed the national portal's category codes it counted
(`portal_codes`, empty in the presets, so nothing ever counted). After: the `hours` section lists
the learning categories (`hours.categories`: name, parent, the portal's code where known) and each
requirement and floor names its categories. Every stored pack with the old shape is rewritten:

- a pack whose requirements are the national rule's three (the presets, as shipped or with codes
  filled in) gets the presets' full category list, keeping its own topic names and codes;
- any other pack gets one category per requirement and floor (and one under it per extra code).

The `hours:` block of the YAML source is rewritten (comments inside it are kept in the revision
history: a new revision is added with a note); the other sections are left as written.
"""

from __future__ import annotations

import json
import re

from django.db import migrations

NOTE = "學習類別改為參數包資料（系統自動轉換格式）"
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PRESET_KEYS = {"major_policy", "environmental_education", "democratic_governance"}
TOPIC_KEYS = ("integrity_ethics", "human_rights", "administrative_neutrality", "multi_ethnic_culture", "civic_participation")
TOPIC_NAMES = ("廉政與服務倫理", "人權教育", "行政中立", "多元族群文化", "公民參與")
OTHER_CATEGORIES = (
    ("information_security", "資通安全", None, None),
    ("information_security_general", "資通安全通識", "information_security", "522"),
    ("information_security_specialist", "資通安全專業", "information_security", "523"),
    ("business", "業務相關專業知能", None, None),
    ("leadership", "領導與管理", None, None),
    ("digital_skills", "數位職能", None, None),
    ("language", "語言學習", None, None),
    ("personal_growth", "自我成長與發展", None, None),
)


def _category(name, parent=None, code=None):
    return {"name": name, "parent": parent, "portal_code": code}


def _is_preset_shaped(mandatory):
    if set(mandatory) != PRESET_KEYS:
        return False
    return set(mandatory["democratic_governance"].get("floors") or {}) <= {"gender_mainstreaming"}


def _add_code(categories, key, code, used):
    """Give `key` its first code; a further code becomes a category of its own under it."""
    if code in used:
        return
    used.add(code)
    if categories[key]["portal_code"] is None:
        categories[key]["portal_code"] = code
        return
    child = f"{key}_{code.lower()}"[:40]
    if KEY.match(child) and child not in categories:
        categories[child] = _category(f"{categories[key]['name']}（{code}）", key, code)


def upgrade_hours(hours):
    """The new `hours` data from the old one (a dict as stored in `PolicyPack.data`)."""
    mandatory = hours.get("mandatory") or {}
    categories = {}
    used = set()
    new_mandatory = {}
    preset = _is_preset_shaped(mandatory)
    for key, requirement in mandatory.items():
        categories[key] = _category(requirement["name"])
        floors = {}
        for floor_key, floor in (requirement.get("floors") or {}).items():
            category_key = floor_key if floor_key not in mandatory and floor_key not in categories else f"{key}_{floor_key}"
            categories[category_key] = _category(floor["name"], key)
            for code in floor.get("portal_codes") or ():
                _add_code(categories, category_key, code, used)
            floors[floor_key] = {"name": floor["name"], "hours": floor["hours"], "categories": [category_key]}
        for code in requirement.get("portal_codes") or ():
            _add_code(categories, key, code, used)
        new_mandatory[key] = {
            "name": requirement["name"],
            "hours": requirement["hours"],
            "categories": [key],
            "topics": list(requirement.get("topics") or []),
            "floors": floors,
        }
    if preset:
        topics = new_mandatory["democratic_governance"]["topics"]
        names = topics if len(topics) == len(TOPIC_KEYS) else TOPIC_NAMES
        for topic_key, name in zip(TOPIC_KEYS, names):
            categories.setdefault(topic_key, _category(name, "democratic_governance"))
        new_mandatory["democratic_governance"]["topics"] = []
        for key, name, parent, code in OTHER_CATEGORIES:
            if key not in categories:
                categories[key] = _category(name, parent, code if code not in used else None)
    out = {"note": hours.get("note"), "yearly_minimum": hours["yearly_minimum"], "categories": categories}
    out["mandatory"] = new_mandatory
    return out


def _text(value):
    return json.dumps(value, ensure_ascii=False)


def hours_yaml(hours):
    """The `hours:` block as YAML (double-quoted JSON strings are valid YAML)."""
    lines = ["hours:", "  # 本區段由系統轉換為學習類別格式時重寫；原有註解見版本紀錄。"]
    if hours.get("note"):
        lines.append(f"  note: {_text(hours['note'])}")
    lines.append(f"  yearly_minimum: {hours['yearly_minimum']}")
    lines.append("  categories:")
    for key, category in hours["categories"].items():
        parts = [f"name: {_text(category['name'])}"]
        if category["parent"]:
            parts.append(f"parent: {category['parent']}")
        if category["portal_code"]:
            parts.append(f"portal_code: {_text(category['portal_code'])}")
        lines.append(f"    {key}: {{{', '.join(parts)}}}")
    lines.append("  mandatory:")
    for key, requirement in hours["mandatory"].items():
        lines += [f"    {key}:", f"      name: {_text(requirement['name'])}", f"      hours: {requirement['hours']}"]
        lines.append(f"      categories: [{', '.join(requirement['categories'])}]")
        if requirement["topics"]:
            lines.append(f"      topics: [{', '.join(_text(t) for t in requirement['topics'])}]")
        if requirement["floors"]:
            lines.append("      floors:")
            for floor_key, floor in requirement["floors"].items():
                lines += [
                    f"        {floor_key}:",
                    f"          name: {_text(floor['name'])}",
                    f"          hours: {floor['hours']}",
                    f"          categories: [{', '.join(floor['categories'])}]",
                ]
    return "\n".join(lines) + "\n"


def replace_hours_block(source, block):
    """`source` with its top-level `hours:` block (up to the next top-level key) replaced."""
    lines = source.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^hours\s*:", line)), None)
    if start is None:
        return source
    end = start + 1
    while end < len(lines) and not re.match(r"^[^\s#]", lines[end]):
        end += 1
    # Blank lines and comments just before the next key belong to it.
    while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return "".join(lines[:start]) + block + "".join(lines[end:])


def forwards(apps, schema_editor):
    PolicyPack = apps.get_model("policy", "PolicyPack")
    PolicyPackRevision = apps.get_model("policy", "PolicyPackRevision")
    for pack in PolicyPack.objects.all():
        hours = (pack.data or {}).get("hours")
        if not hours or "categories" in hours:
            continue
        new_hours = upgrade_hours(hours)
        pack.data = {**pack.data, "hours": new_hours}
        pack.source = replace_hours_block(pack.source, hours_yaml(new_hours))
        pack.revision += 1
        pack.save(update_fields=["data", "source", "revision"])
        PolicyPackRevision.objects.create(pack=pack, number=pack.revision, source=pack.source, note=NOTE)


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
