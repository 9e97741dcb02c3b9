"""The demo world's portal codes: the demo organizer's jurisdiction (新竹市) with its learning
categories' codes filled in, as an office does once on the 學習類別 page — so the demo's upload
files (the portal's and the environmental-education one) can be made at once.

The presets leave the codes empty: the portal publishes its code table, the seeds do not carry it,
and counting hours never needs a code. These codes are for the demo only (the revision says so);
a real office types in the portal's own.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from peili.policy.models import Jurisdiction
from peili.policy.selectors import category_view
from peili.policy.services import category_codes_set

DEMO_JURISDICTION = "hsinchu-city"
DEMO_CODES = {
    "major_policy": "101",
    "environmental_education": "201",
    "democratic_governance": "301",
    "gender_mainstreaming": "302",
    "integrity_ethics": "303",
    "human_rights": "304",
    "administrative_neutrality": "305",
    "multi_ethnic_culture": "306",
    "civic_participation": "307",
    "business": "401",
    "leadership": "402",
    "digital_skills": "403",
    "language": "404",
    "personal_growth": "405",
}
NOTE = "示範資料：示範用入口網代碼（正式使用前請依入口網站公告之代碼表更正）"


def portal_codes_demo_load(*, actor: Any = None) -> bool:
    """Fill in the demo codes where the demo jurisdiction's pack has none yet; True when written.
    A code an administrator has set is left alone."""
    jurisdiction = Jurisdiction.objects.filter(code=DEMO_JURISDICTION).first()
    if jurisdiction is None:
        return False
    view = category_view(jurisdiction, timezone.localdate().year)
    if view is None:
        return False
    missing = {row.key: DEMO_CODES[row.key] for row in view.rows if row.key in DEMO_CODES and not row.portal_code}
    if not missing:
        return False
    category_codes_set(jurisdiction=jurisdiction, year=timezone.localdate().year, codes=missing, actor=actor, note=NOTE)
    return True
