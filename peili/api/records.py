"""Learning records: one's own transcript with the year's standing, and an agency subtree's
compliance list for its personnel officer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from peili.core.errors import NotFound, PermissionDenied
from peili.core.permissions import api_requires
from peili.org.scopes import grants_for
from peili.org.selectors import agencies_for_user
from peili.records import selectors

router = Router(tags=["學習紀錄與時數"])


class SplitOut(Schema):
    code: str
    hours: Decimal


class RecordOut(Schema):
    id: int
    year: int
    source: str
    title: str
    provider: str
    start_date: date
    end_date: date
    certified_hours: Decimal
    digital_hours: Decimal
    classroom_hours: Decimal
    mode: str
    split: list[SplitOut]


class ShortfallOut(Schema):
    key: str
    name: str
    required: Decimal
    counted: Decimal
    missing: Decimal
    message: str


class TranscriptOut(Schema):
    person_id: int
    year: int
    total: Decimal
    meets: bool
    missing: Decimal
    shortfalls: list[ShortfallOut]
    records: list[RecordOut]


class ComplianceOut(Schema):
    national_id_masked: str
    employee_number: str
    name: str
    agency_code: str
    agency_name: str
    year: int
    total: Decimal
    missing: Decimal
    meets: bool
    records: int
    short_of: list[str]


@router.get("/mine", response=TranscriptOut, summary="我的學習紀錄與年度時數達成情形")
@api_requires("records.view_own")
def mine(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """`year`: the learning year (default this year); the records listed are that year's."""
    person = grants_for(request.user).person
    if person is None:
        raise PermissionDenied("records.no_person", _("帳號未對應人員資料。"), status=403)
    year = year or timezone.localdate().year
    standing = selectors.year_standing(person, year)
    return {
        "person_id": person.pk,
        "year": year,
        "total": standing.total,
        "meets": standing.meets,
        "missing": standing.missing,
        "shortfalls": [
            {
                "key": s.key,
                "name": s.name,
                "required": s.required,
                "counted": s.counted,
                "missing": s.missing,
                "message": s.message,
            }
            for s in standing.shortfalls
        ],
        "records": [
            {
                "id": r.pk,
                "year": r.year,
                "source": r.source,
                "title": r.title,
                "provider": r.provider,
                "start_date": r.start_date,
                "end_date": r.end_date,
                "certified_hours": r.certified_hours,
                "digital_hours": r.digital_hours,
                "classroom_hours": r.classroom_hours,
                "mode": r.mode,
                "split": [{"code": h.code, "hours": h.hours} for h in r.hours.all()],
            }
            for r in selectors.transcript(person.pk, year)
        ],
    }


@router.get("/compliance", response=list[ComplianceOut], summary="機關（含所屬）年度時數達成情形")
@api_requires("records.view_compliance")
@paginate(PageNumberPagination, page_size=200)
def compliance(request: HttpRequest, agency: str, year: int | None = None) -> list[selectors.ComplianceRow]:
    """`agency`: an agency code within your scope (its subtree is listed); `year` default this year.
    Reads the stored standings (`peili compliance --recompute` brings a whole year up to date)."""
    found = agencies_for_user(request.user).filter(code=agency).first()
    if found is None:
        raise NotFound("agency.not_found", _("找不到機關「%(code)s」，或不在您的權限範圍內。") % {"code": agency})
    return selectors.compliance_rows(year or timezone.localdate().year, agency=found)
