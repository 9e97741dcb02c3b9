"""Registration API: register, cancel, consent/decline, nominate, substitute, rosters, my registrations.

Refusals are `PeiliError` with stable codes (`registration.full`, `registration.window_closed`, …);
a registration the caller may not act on is answered as not found (it is not in their view)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from peili.api import errors
from peili.api.errors import api_errors
from peili.api.schemas import Id, InSchema
from peili.catalog.models import CourseClass
from peili.core.errors import NotFound, PermissionDenied
from peili.core.permissions import allowed, api_requires
from peili.enrolment import selectors, services
from peili.enrolment.enums import ErrorCode, Meal
from peili.enrolment.models import Registration
from peili.org.models import Person
from peili.org.scopes import grants_for
from peili.org.selectors import people_for_user

router = Router(tags=["報名"])


class RegisterIn(InSchema):
    class_id: Id
    meal: Meal = Meal.NONE
    deputy_person_id: Id | None = None
    deputy_name: str = ""


class NoteIn(InSchema):
    note: str = ""


class NominateIn(InSchema):
    class_id: Id
    person_ids: list[Id]
    meal: Meal = Meal.NONE


class SubstituteIn(InSchema):
    person_id: Id
    # The substitute's deputy, where the pack requires one (`registration.deputy_required`): a
    # colleague of the same agency, or a name.
    deputy_person_id: Id | None = None
    deputy_name: str = Field("", max_length=60)


class WarningOut(Schema):
    code: str
    message: str


class RegistrationOut(Schema):
    id: int
    class_id: int
    class_title: str
    person_id: int
    person_name: str
    status: str
    status_label: str
    registered_at: datetime
    meal: str
    deputy: str
    source: str  # self, nominated, or substitute (then `substitute_of` is the registration replaced)
    source_label: str
    promoted_at: datetime | None
    cancelled_at: datetime | None
    substitute_of: int | None


class RegisteredOut(RegistrationOut):
    warnings: list[WarningOut]


class NominationOut(Schema):
    person_id: int
    ok: bool
    registration: RegistrationOut | None
    code: str | None
    message: str | None
    details: dict[str, object] | None


class RosterOut(Schema):
    class_id: int
    capacity: int
    confirmed_count: int
    waitlist_count: int
    meals: dict[str, int]
    registrations: list[RegistrationOut]


def _out(r: Registration) -> RegistrationOut:
    return RegistrationOut(
        id=r.pk,
        class_id=r.course_class_id,
        class_title=str(r.course_class),
        person_id=r.person_id,
        person_name=r.person.name,
        status=r.status,
        status_label=r.get_status_display(),
        registered_at=r.registered_at,
        meal=r.meal,
        deputy=r.deputy_display,
        source=r.source,
        source_label=r.source_label,
        promoted_at=r.promoted_at,
        cancelled_at=r.cancelled_at,
        substitute_of=r.substitute_of_id,
    )


def _me(request: HttpRequest) -> Person:
    person = grants_for(request.user).person
    if person is None:
        raise PermissionDenied(ErrorCode.NO_PERSON, _("帳號未對應人員資料，無法報名。"), status=403)
    return person


def _visible(request: HttpRequest, registration_id: int, permission: str) -> Registration:
    found = selectors.registrations_for_user(request.user).filter(pk=registration_id).first()
    if found is None or not allowed(request.user, permission, found):
        raise NotFound(ErrorCode.NOT_FOUND, _("找不到此報名。"))
    return found


def _class(class_id: int) -> CourseClass:
    found = CourseClass.objects.select_related("course__organizer").filter(pk=class_id).first()
    if found is None:
        raise NotFound(ErrorCode.CLASS_NOT_FOUND, _("找不到此班期。"))
    return found


def _reload(registration: Registration) -> Registration:
    return Registration.objects.select_related("course_class__course", "person", "deputy", "substitute_of__person").get(
        pk=registration.pk
    )


def _deputy(person: Person, deputy_person_id: int | None) -> Person | None:
    """The named deputy: a colleague of the same agency (None when only a name, or none, is given)."""
    if deputy_person_id is None:
        return None
    deputy = Person.objects.filter(pk=deputy_person_id, agency_id=person.agency_id).first()
    if deputy is None:
        raise NotFound(errors.REGISTRATION_DEPUTY_NOT_FOUND, _("找不到此職務代理人（須為同機關人員）。"))
    return deputy


@router.post("", response={201: RegisteredOut}, summary="報名班期", operation_id="registration_create")
@api_requires("enrolment.register")
@api_errors(
    ErrorCode.NO_PERSON,
    errors.REGISTRATION_DEPUTY_NOT_FOUND,
    ErrorCode.CLASS_NOT_FOUND,
    ErrorCode.CLASS_NOT_OPEN,
    ErrorCode.WINDOW_NOT_OPEN,
    ErrorCode.WINDOW_CLOSED,
    ErrorCode.NOT_ELIGIBLE,
    ErrorCode.DUPLICATE,
    ErrorCode.FULL,
    ErrorCode.CLASH,
    ErrorCode.DEPUTY_REQUIRED,
    ErrorCode.DEPUTY_NAME_INVALID,
    ErrorCode.MEAL_REQUIRED,
)
def register(request: HttpRequest, payload: RegisterIn) -> Status:
    person = _me(request)
    deputy = _deputy(person, payload.deputy_person_id)
    done = services.registration_create(
        person=person,
        course_class=payload.class_id,
        meal=payload.meal,
        deputy=deputy,
        deputy_name=payload.deputy_name,
        actor=request.user,
    )
    out = _out(done.registration)  # carries its class, course, person and deputy already
    return Status(
        201,
        RegisteredOut(**out.dict(), warnings=[WarningOut(code=w.code, message=w.message) for w in done.warnings]),
    )


@router.get("/mine", response=list[RegistrationOut], summary="我的報名")
@api_requires("enrolment.register")
@api_errors(ErrorCode.NO_PERSON)
def mine(request: HttpRequest) -> list[RegistrationOut]:
    person = _me(request)
    return [_out(r) for r in selectors.registrations_of_person(person.pk)]


@router.post("/{registration_id}/cancel", response=RegistrationOut, summary="取消報名（取消期限前）")
@api_requires("enrolment.cancel")
@api_errors(ErrorCode.NOT_FOUND, ErrorCode.NOT_ACTIVE, ErrorCode.CANCELLATION_CLOSED)
def cancel(request: HttpRequest, registration_id: Id) -> RegistrationOut:
    registration = _visible(request, registration_id, "enrolment.cancel")
    services.registration_cancel(registration=registration, actor=request.user)
    return _out(_reload(registration))


@router.post("/{registration_id}/consent", response=RegistrationOut, summary="主管同意")
@api_requires("enrolment.consent")
@api_errors(ErrorCode.NOT_FOUND, ErrorCode.NOT_PENDING)
def consent(request: HttpRequest, registration_id: Id, payload: NoteIn | None = None) -> RegistrationOut:
    registration = _visible(request, registration_id, "enrolment.consent")
    services.registration_consent(registration=registration, actor=request.user, note=payload.note if payload else "")
    return _out(_reload(registration))


@router.post("/{registration_id}/decline", response=RegistrationOut, summary="主管不同意")
@api_requires("enrolment.consent")
@api_errors(ErrorCode.NOT_FOUND, ErrorCode.NOT_PENDING)
def decline(request: HttpRequest, registration_id: Id, payload: NoteIn | None = None) -> RegistrationOut:
    registration = _visible(request, registration_id, "enrolment.consent")
    services.registration_decline(registration=registration, actor=request.user, note=payload.note if payload else "")
    return _out(_reload(registration))


@router.post("/nominate", response=list[NominationOut], summary="薦送／調訓（可多人，逐人回覆結果）")
@api_requires("enrolment.nominate")
@api_errors(ErrorCode.CLASS_NOT_FOUND)
def nominate(request: HttpRequest, payload: NominateIn) -> list[NominationOut]:
    course_class = _class(payload.class_id)
    in_scope: QuerySet[Person] = people_for_user(request.user).filter(pk__in=payload.person_ids)
    found = {p.pk: p for p in in_scope}
    out: list[NominationOut] = []
    people = [found[pk] for pk in dict.fromkeys(payload.person_ids) if pk in found]
    for result in services.registrations_nominate(
        course_class=course_class, people=people, actor=request.user, meal=payload.meal
    ):
        error = result.error
        out.append(
            NominationOut(
                person_id=result.person.pk,
                ok=result.ok,
                registration=_out(_reload(result.registration)) if result.registration else None,
                code=error.code if error else None,
                message=error.message if error else None,
                details=error.details if error else None,
            )
        )
    for pk in dict.fromkeys(payload.person_ids):
        if pk not in found:
            out.append(
                NominationOut(
                    person_id=pk,
                    ok=False,
                    registration=None,
                    code="registration.person_not_found",
                    message=_("找不到此人員，或不在您的權限範圍內。"),
                    details=None,
                )
            )
    return out


@router.post("/{registration_id}/substitute", response=RegistrationOut, summary="遞補（同機關同仁承接名額）")
@api_requires("enrolment.substitute")
@api_errors(
    ErrorCode.NOT_FOUND,
    errors.REGISTRATION_PERSON_NOT_FOUND,
    ErrorCode.CLASS_NOT_FOUND,
    ErrorCode.NOT_CONFIRMED,
    ErrorCode.CLASS_NOT_OPEN,
    ErrorCode.SUBSTITUTE_AGENCY,
    ErrorCode.NOT_ELIGIBLE,
    ErrorCode.DUPLICATE,
    ErrorCode.CLASH,
    errors.REGISTRATION_DEPUTY_NOT_FOUND,
    ErrorCode.DEPUTY_REQUIRED,
    ErrorCode.DEPUTY_NAME_INVALID,
)
def substitute(request: HttpRequest, registration_id: Id, payload: SubstituteIn) -> RegistrationOut:
    registration = _visible(request, registration_id, "enrolment.substitute")
    person = people_for_user(request.user).filter(pk=payload.person_id).first()
    if person is None:
        raise NotFound(errors.REGISTRATION_PERSON_NOT_FOUND, _("找不到此人員，或不在您的權限範圍內。"))
    deputy = _deputy(person, payload.deputy_person_id)
    replacement = services.registration_substitute(
        registration=registration,
        substitute=person,
        deputy=deputy,
        deputy_name=payload.deputy_name,
        actor=request.user,
    )
    return _out(_reload(replacement))


@router.get("/classes/{class_id}/roster", response=RosterOut, summary="班期名冊（各狀態、用餐統計）")
@api_requires("enrolment.view_roster")
@api_errors(ErrorCode.CLASS_NOT_FOUND)
def roster(request: HttpRequest, class_id: Id) -> RosterOut:
    course_class = _class(class_id)
    if not allowed(request.user, "enrolment.view_roster", course_class):
        raise NotFound(ErrorCode.CLASS_NOT_FOUND, _("找不到此班期。"))
    rows = list(selectors.roster(course_class).select_related("course_class__course"))
    return RosterOut(
        class_id=course_class.pk,
        capacity=course_class.capacity,
        confirmed_count=course_class.confirmed_count,
        waitlist_count=course_class.waitlist_count,
        meals=selectors.meal_counts(course_class),
        registrations=[_out(r) for r in rows],
    )
