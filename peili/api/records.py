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

from peili.api import errors
from peili.api.errors import api_errors
from peili.api.schemas import Id, PageNumberPagination, Year, paginate
from peili.core.errors import NotFound, PermissionDenied
from peili.core.permissions import api_requires
from peili.core.roc import ROC_OFFSET
from peili.org.models import Person
from peili.org.scopes import grants_for
from peili.records import selectors

router = Router(tags=["學習紀錄與時數"])


class SplitOut(Schema):
    """A record's hours in one learning category."""

    category: str  # the learning category counted (a key of the pack's hours.categories); "" if unknown
    code: str  # the portal's category code the record was imported with; "" for Peili's own classes
    name: str  # the category's name, or 「入口網類別代碼 …」 when the pack knows no category for the code
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


class RequirementOut(Schema):
    key: str
    name: str
    required: Decimal
    counted: Decimal
    met: bool
    is_floor: bool  # a floor inside a mandatory category (性別主流化), checked on its own


class TranscriptOut(Schema):
    person_id: int
    year: int
    total: Decimal
    meets: bool
    missing: Decimal
    shortfalls: list[ShortfallOut]
    requirements: list[RequirementOut]
    records: list[RecordOut]


class BandOut(Schema):
    lower: Decimal
    upper: Decimal | None  # null: no upper bound; equal to lower (0): exactly no hours
    label: str
    people: int


class ShortOfOut(Schema):
    key: str
    name: str
    required: Decimal
    people: int


class SummaryOut(Schema):
    agency_code: str
    agency_name: str
    year: int
    people: int
    meets: int
    short: int
    none: int
    total_hours: Decimal
    average_hours: Decimal | None
    top_fraction: Decimal
    top_share: Decimal | None
    distribution: list[BandOut]
    short_of: list[ShortOfOut]


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


def _transcript(person: Person, year: int) -> dict[str, Any]:
    """One person's year: their records with the named split, the standing and every requirement —
    the records and their splits in two queries, the rule and category names from the
    per-process pack cache."""
    found = selectors.person_transcript(person, year=year, list_years=False).years[0]
    standing = found.standing
    if standing is None:
        raise NotFound(errors.RECORDS_NO_RULE, _("%(year)s 年沒有適用的學習時數規定。") % {"year": year - ROC_OFFSET})
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
        "requirements": [
            {
                "key": p.key,
                "name": p.name,
                "required": p.required,
                "counted": p.counted,
                "met": p.met,
                "is_floor": p.is_floor,
            }
            for p in (*found.requirements, *found.floors)
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
                "split": [
                    {"category": s.category, "code": s.code, "name": s.name, "hours": s.hours} for s in line.split
                ],
            }
            for line in found.lines
            for r in (line.record,)
        ],
    }


@router.get("/mine", response=TranscriptOut, summary="我的學習紀錄與年度時數達成情形")
@api_requires("records.view_own")
@api_errors(errors.RECORDS_NO_PERSON, errors.RECORDS_NO_RULE)
def mine(request: HttpRequest, year: Year | None = None) -> dict[str, Any]:
    """`year`: the learning year (default this year); the records listed are that year's."""
    person = grants_for(request.user).person
    if person is None:
        raise PermissionDenied(errors.RECORDS_NO_PERSON, _("帳號未對應人員資料。"), status=403)
    return _transcript(person, year or timezone.localdate().year)


@router.get("/people/{person_id}/transcript", response=TranscriptOut, summary="人員的學習紀錄與年度時數達成情形")
@api_requires("records.view_compliance")
@api_errors(errors.PERSON_NOT_FOUND, errors.RECORDS_NO_RULE)
def person_transcript(request: HttpRequest, person_id: Id, year: Year | None = None) -> dict[str, Any]:
    """A person in your subtree (personnel officers) or anyone (administrators); `year` default
    this year."""
    person = selectors.transcript_person_for_user(request.user, person_id)
    return _transcript(person, year or timezone.localdate().year)


@router.get("/agencies/{agency_code}/summary", response=SummaryOut, summary="機關（含所屬）年度學習時數達成摘要")
@api_requires("records.view_compliance")
@api_errors(errors.AGENCY_NOT_FOUND)
def agency_summary(request: HttpRequest, agency_code: str, year: Year | None = None) -> dict[str, Any]:
    """The compliance dashboard's numbers for an agency subtree in your scope: people, how many meet
    the yearly rule, are short, have no learning at all; hours in all and on average; the share of
    hours held by the top 10 % (`top_fraction`) and the distribution of hours per person; how many
    are short of each requirement. Read from the stored standings."""
    agency = selectors.compliance_agency_for_user(request.user, agency_code)
    summary = selectors.compliance_summary(agency, year or timezone.localdate().year)
    return {
        "agency_code": agency.code,
        "agency_name": agency.name,
        "year": summary.year,
        "people": summary.people,
        "meets": summary.meets,
        "short": summary.short,
        "none": summary.none,
        "total_hours": summary.total_hours,
        "average_hours": summary.average,
        "top_fraction": summary.top_fraction,
        "top_share": summary.top_share.quantize(Decimal("0.0001")) if summary.top_share is not None else None,
        "distribution": [
            {"lower": b.lower, "upper": b.upper, "label": b.label, "people": b.people} for b in summary.bands
        ],
        "short_of": [
            {"key": item.key, "name": item.name, "required": item.required, "people": item.people}
            for item in summary.short_of
        ],
    }


@router.get("/compliance", response=list[ComplianceOut], summary="機關（含所屬）年度時數達成情形")
@api_requires("records.view_compliance")
@api_errors(errors.AGENCY_NOT_FOUND)
@paginate(PageNumberPagination, page_size=200)
def compliance(request: HttpRequest, agency: str, year: Year | None = None) -> selectors.ComplianceRows:
    """`agency`: an agency code within your scope (its subtree is listed); `year` default this year.
    Reads the stored standings (`peili compliance --recompute` brings a whole year up to date)."""
    found = selectors.compliance_agency_for_user(request.user, agency)
    return selectors.compliance_rows(year or timezone.localdate().year, agency=found)
