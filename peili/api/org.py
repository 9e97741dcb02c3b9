from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from peili.core.errors import NotFound
from peili.core.permissions import allowed, api_requires, check
from peili.org import selectors
from peili.org.models import Person
from peili.org.rules import mask_national_id
from peili.org.scopes import grants_for

router = Router(tags=["機關與人員"])


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]
    person_id: int | None


class AgencyOut(Schema):
    code: str
    name: str
    parent_code: str | None
    jurisdiction: str
    depth: int
    is_training_body: bool


class PersonOut(Schema):
    id: int
    name: str
    national_id: str
    employee_number: str
    agency_code: str
    unit: str | None
    category: str
    grade: int | None
    is_supervisor: bool
    is_active: bool
    birth_date: date


def _person_out(request: HttpRequest, person: Person) -> PersonOut:
    full = allowed(request.user, "org.view_full_national_id", person)
    return PersonOut(
        id=person.pk,
        name=person.name,
        national_id=person.national_id if full else mask_national_id(person.national_id),
        employee_number=person.employee_number,
        agency_code=person.agency.code,
        unit=person.unit.name if person.unit else None,
        category=person.category,
        grade=person.grade,
        is_supervisor=person.is_supervisor,
        is_active=person.is_active,
        birth_date=person.birth_date,
    )


@router.get("/me", response=MeOut, summary="目前登入者")
@api_requires("accounts.signed_in")
def me(request: HttpRequest) -> MeOut:
    grants = grants_for(request.user)
    return MeOut(
        username=request.user.get_username(),
        display_name=str(request.user),
        roles=sorted(grants.roles),
        person_id=grants.person_id,
    )


@router.get("/agencies", response=list[AgencyOut], summary="機關一覽（依權限範圍）")
@api_requires("org.view_agencies")
@paginate(PageNumberPagination, page_size=200)
def agencies(request: HttpRequest) -> list[AgencyOut]:
    return [
        AgencyOut(
            code=a.code,
            name=a.name,
            parent_code=a.parent.code if a.parent else None,
            jurisdiction=a.jurisdiction.code,
            depth=a.depth,
            is_training_body=a.is_training_body,
        )
        for a in selectors.agencies_for_user(request.user).order_by("path")
    ]


@router.get("/people", response=list[PersonOut], summary="人員一覽（依權限範圍，身分證字號遮罩）")
@api_requires("org.view_people")
@paginate(PageNumberPagination, page_size=100)
def people(request: HttpRequest, agency: str | None = None, active: bool | None = True) -> list[PersonOut]:
    qs = selectors.people_for_user(request.user).order_by("agency__path", "name", "pk")
    if agency:
        qs = qs.filter(agency__code=agency)
    if active is not None:
        qs = qs.filter(is_active=active)
    return [
        PersonOut(
            id=p.pk,
            name=p.name,
            national_id=mask_national_id(p.national_id),
            employee_number=p.employee_number,
            agency_code=p.agency.code,
            unit=p.unit.name if p.unit else None,
            category=p.category,
            grade=p.grade,
            is_supervisor=p.is_supervisor,
            is_active=p.is_active,
            birth_date=p.birth_date,
        )
        for p in qs
    ]


@router.get("/people/{person_id}", response=PersonOut, summary="人員資料（有權限者可見完整身分證字號）")
@api_requires("org.view_people")
def person(request: HttpRequest, person_id: int) -> PersonOut:
    found = Person.objects.select_related("agency", "unit").filter(pk=person_id).first()
    if found is None:
        raise NotFound("person.not_found", _("找不到此人員。"))
    check(request.user, "org.view_person", found)
    return _person_out(request, found)
