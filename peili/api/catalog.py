"""Classes (班期) and annual plans: the catalog with the caller's eligibility, and plans for organizers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, overload

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from peili.api import errors
from peili.api.errors import api_errors
from peili.api.schemas import Id, PageNumberPagination, Year, ZonedTime, paginate, zoned_time
from peili.catalog import rules as catalog_rules
from peili.catalog import selectors
from peili.catalog.enums import DeliveryMode, RegistrationWindow
from peili.catalog.models import TrainingPlan
from peili.core.errors import NotFound, PeiliError
from peili.core.permissions import api_requires

router = Router(tags=["課程與班期"])


class ReasonOut(Schema):
    code: str
    message: str


class EligibilityOut(Schema):
    eligible: bool
    reasons: list[ReasonOut]


class CategoryHoursOut(Schema):
    """The class's certified hours in one learning category (a key of the organizer's pack)."""

    category: str
    name: str
    hours: Decimal


class RegistrationStateOut(Schema):
    """Whether the caller can register now, and their own registration in the class if they have one."""

    window: str = Field(description="open | not_open | closed | not_offered（草稿、停辦或已結訓）")
    message: str = Field(description="例：報名中（115/03/20 17:00 截止）、已於 115/03/20 17:00 截止報名")
    can_register: bool = Field(description="報名期間內、符合資格且尚未報名")
    registration_id: int | None = None
    status: str | None = Field(None, description="呼叫者在本班期的報名：pending_consent | confirmed | waitlisted")
    status_label: str | None = Field(None, description="已錄取、候補第 3 位、已報名（待主管同意）")
    waitlist_position: int | None = None


class ClassSummaryOut(Schema):
    id: int
    title: str
    course_title: str
    term: int
    track: str
    organizer_code: str
    organizer_name: str
    status: str
    delivery_mode: str
    start_date: date | None
    end_date: date | None
    certified_hours: Decimal
    capacity: int
    seats_left: int
    waitlist_size: int
    waitlist_count: int
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    categories: list[CategoryHoursOut]
    eligibility: EligibilityOut
    registration: RegistrationStateOut


class SessionOut(Schema):
    id: int
    date: date
    starts_at: ZonedTime
    ends_at: ZonedTime
    topic: str
    venue: str | None
    instructors: list[str]
    hours: Decimal


class MaterialOut(Schema):
    id: int
    title: str
    url: str


class ClassDetailOut(ClassSummaryOut):
    digital_hours: Decimal  # 數位時數: with classroom_hours, adds up to certified_hours
    classroom_hours: Decimal  # 實體時數
    summary: str
    organiser_type: str
    host_institute: str
    prestudy_title: str
    prestudy_url: str
    cancellation_deadline: datetime | None
    needs_supervisor_consent: bool
    meals_provided: bool
    sessions: list[SessionOut]
    materials: list[MaterialOut]


def _eligibility_out(result: object) -> dict[str, Any]:
    reasons = getattr(result, "reasons", ())
    return {"eligible": not reasons, "reasons": [{"code": r.code, "message": r.message} for r in reasons]}


def _registration_out(
    card: selectors.ClassCard, window: str, mine: selectors.ViewerRegistration | None, eligible: bool
) -> dict[str, Any]:
    return {
        "window": window,
        "message": catalog_rules.window_message(window, card.registration_opens_at, card.registration_closes_at),
        "can_register": window == RegistrationWindow.OPEN and eligible and mine is None,
        "registration_id": mine.registration_id if mine else None,
        "status": mine.status if mine else None,
        "status_label": mine.label if mine else None,
        "waitlist_position": mine.waitlist_position if mine else None,
    }


def _summary_fields(
    card: selectors.ClassCard,
    eligibility: Any,
    *,
    seats_left: int,
    waitlist_count: int,
    window: str,
    mine: selectors.ViewerRegistration | None,
) -> dict[str, Any]:
    return {
        "id": card.id,
        "title": card.label,
        "course_title": card.title,
        "term": card.term,
        "track": card.track,
        "organizer_code": card.organizer_code,
        "organizer_name": card.organizer_name,
        "status": card.status,
        "delivery_mode": card.delivery_mode,
        "start_date": card.start_date,
        "end_date": card.end_date,
        "certified_hours": card.certified_hours,
        "capacity": card.capacity,
        "seats_left": seats_left,
        "waitlist_size": card.waitlist_size,
        "waitlist_count": waitlist_count,
        "registration_opens_at": card.registration_opens_at,
        "registration_closes_at": card.registration_closes_at,
        "categories": [{"category": h.key, "name": h.name, "hours": h.hours} for h in card.hours],
        "eligibility": _eligibility_out(eligibility),
        "registration": _registration_out(card, window, mine, eligibility.eligible),
    }


def _month(value: str) -> date | None:
    if not value:
        return None
    try:
        year_text, month_text = value.replace("/", "-").split("-")
        year = int(year_text)
        return date(year + 1911 if year < 1000 else year, int(month_text), 1)
    except ValueError:
        raise PeiliError(errors.CATALOG_BAD_MONTH, _("月份格式不正確，請用 2026-03 或 115-03。")) from None


@router.get("", response=list[ClassSummaryOut], summary="班期一覽（已發布；符合資格者在前，附不符原因）")
@api_requires("catalog.browse")
@api_errors(errors.AGENCY_NOT_FOUND, errors.CATALOG_BAD_MODE, errors.CATALOG_BAD_MONTH)
@paginate(PageNumberPagination, page_size=50)
def class_list(
    request: HttpRequest,
    *,
    q: str = "",
    track: str = "",
    category: str = "",
    month: str = "",
    mode: str = "",
    agency: str = "",
) -> list[ClassSummaryOut]:
    """Filters: `q` title text, `track` key, `category` a learning category key (classes in it or
    under it), `month` 2026-03 or 115-03, `mode` classroom/digital/blended, `agency` an agency code
    (classes open to it)."""
    open_to = None
    if agency:
        open_to = selectors.catalog_agency(agency)
    if mode and mode not in DeliveryMode.values:
        raise PeiliError(errors.CATALOG_BAD_MODE, _("學習方式須為 classroom、digital 或 blended。"))
    filters = selectors.CatalogFilters(
        q=q, track=track, category=category, month=_month(month), mode=mode, agency_path=open_to.path if open_to else ""
    )
    # Lazy: the pagination slices it, so only the page's classes are loaded and converted.
    return _Summaries(selectors.catalog_entries(request.user, filters))  # type: ignore[return-value]


class _Summaries(Sequence[dict[str, Any]]):
    """The catalog as API items, converted a page at a time."""

    def __init__(self, catalog: selectors.Catalog) -> None:
        self._catalog = catalog

    def __len__(self) -> int:
        return len(self._catalog)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [_summary(e) for e in self._catalog[index]]
        return _summary(self._catalog[index])


def _summary(entry: selectors.CatalogEntry) -> dict[str, Any]:
    """Plain data: ninja validates the page against `ClassSummaryOut` once, on the way out."""
    return _summary_fields(
        entry.card,
        entry.eligibility,
        seats_left=entry.seats_left,
        waitlist_count=entry.waitlist_count,
        window=entry.window,
        mine=entry.mine,
    )


class PlanItemOut(Schema):
    id: int
    track: str
    title: str
    target_audience: str
    planned_classes: int
    planned_trainees: int
    budget: Decimal
    course_ids: list[int]


class TrackTotalOut(Schema):
    track: str
    name: str
    items: int
    planned_classes: int
    planned_trainees: int
    budget: Decimal


class PlanOut(Schema):
    id: int
    year: int
    title: str
    organizer_code: str
    organizer_name: str
    status: str
    budget: Decimal
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_note: str


class PlanDetailOut(PlanOut):
    note: str
    items: list[PlanItemOut]
    totals: list[TrackTotalOut]
    total: TrackTotalOut


def _plan_fields(plan: TrainingPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "year": plan.year,
        "title": plan.title,
        "organizer_code": plan.organizer.code,
        "organizer_name": plan.organizer.name,
        "status": plan.status,
        "budget": plan.budget,
        "submitted_at": plan.submitted_at,
        "decided_at": plan.decided_at,
        "decision_note": plan.decision_note,
    }


@router.get("/plans", response=list[PlanOut], summary="年度訓練計畫一覽（依權限範圍）")
@api_requires("catalog.view_plans")
@paginate(PageNumberPagination, page_size=50)
def plan_list(request: HttpRequest, year: Year | None = None) -> list[PlanOut]:
    return [PlanOut(**_plan_fields(plan)) for plan in selectors.plans_for_user(request.user, year)]


def _track_total_out(total: selectors.TrackTotal) -> TrackTotalOut:
    return TrackTotalOut(
        track=total.track,
        name=str(total.name),
        items=total.items,
        planned_classes=total.planned_classes,
        planned_trainees=total.planned_trainees,
        budget=total.budget,
    )


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="年度訓練計畫（項目與各類別合計）")
@api_requires("catalog.view_plans")
@api_errors(errors.PLAN_NOT_FOUND)
def plan_detail(request: HttpRequest, plan_id: Id) -> PlanDetailOut:
    plan = selectors.plan_for_user(request.user, plan_id)
    totals, grand = selectors.plan_totals(plan)
    items = [
        PlanItemOut(
            id=item.pk,
            track=item.track,
            title=item.title,
            target_audience=item.target_audience,
            planned_classes=item.planned_classes,
            planned_trainees=item.planned_trainees,
            budget=item.budget,
            course_ids=[c.pk for c in item.courses.all()],
        )
        for item in plan.items.prefetch_related("courses")
    ]
    return PlanDetailOut(
        **_plan_fields(plan),
        note=plan.note,
        items=items,
        totals=[_track_total_out(t) for t in totals],
        total=_track_total_out(grand),
    )


@router.get("/{class_id}", response=ClassDetailOut, summary="班期詳細資料（節次、時數分配、剩餘名額、呼叫者的資格）")
@api_requires("catalog.browse")
@api_errors(errors.CLASS_NOT_FOUND)
def class_detail(request: HttpRequest, class_id: Id) -> ClassDetailOut:
    course_class = selectors.class_for_user(request.user, class_id)
    if course_class is None:
        raise NotFound(errors.CLASS_NOT_FOUND, _("找不到此班期。"))
    person = selectors.person_for_user(request.user)
    eligibility = selectors.class_eligibility(person, course_class)
    window, mine = selectors.registration_state(course_class, person)
    return ClassDetailOut(
        **_summary_fields(
            selectors.card_of(course_class),
            eligibility,
            seats_left=selectors.seats_left(course_class),
            waitlist_count=course_class.waitlist_count,
            window=window,
            mine=mine,
        ),
        digital_hours=course_class.digital_hours,
        classroom_hours=course_class.classroom_hours,
        summary=course_class.course.summary,
        organiser_type=course_class.organiser_type,
        host_institute=course_class.host_institute,
        prestudy_title=course_class.prestudy_title,
        prestudy_url=course_class.prestudy_url,
        cancellation_deadline=course_class.cancellation_deadline,
        needs_supervisor_consent=course_class.needs_supervisor_consent,
        meals_provided=course_class.meals_provided,
        sessions=[
            SessionOut(
                id=s.pk,
                date=s.date,
                starts_at=zoned_time(s.date, s.starts_at),
                ends_at=zoned_time(s.date, s.ends_at),
                topic=s.topic,
                venue=s.venue.name if s.venue else None,
                instructors=[i.name for i in s.instructors.all()],
                hours=s.hours,
            )
            for s in course_class.sessions.all()
        ],
        materials=[
            MaterialOut(
                id=m.pk,
                title=m.title,
                url=reverse("catalog:material_download", args=[course_class.pk, m.pk]),
            )
            for m in course_class.materials.all()
        ],
    )
