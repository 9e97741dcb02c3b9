from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from peili.api.errors import PERSON_NOT_FOUND, api_errors
from peili.api.schemas import Id, PageNumberPagination, paginate
from peili.core.errors import NotFound
from peili.core.permissions import allowed, api_requires, check
from peili.org import selectors
from peili.org.models import Agency, Person
from peili.org.rules import mask_national_id
from peili.org.scopes import grants_for

router = Router(tags=["機關與人員"])


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]
    person_id: int | None


class PersonOut(Schema):
    """A person; `national_id` is masked unless the caller may see the full number."""

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

    @staticmethod
    def resolve_national_id(obj: Person, context: dict[str, Any]) -> str:
        request = context["request"]
        if getattr(request, "peili_full_national_id", False):
            return obj.national_id
        return mask_national_id(obj.national_id)

    @staticmethod
    def resolve_agency_code(obj: Person) -> str:
        return obj.agency.code

    @staticmethod
    def resolve_unit(obj: Person) -> str | None:
        return obj.unit.name if obj.unit else None


class AgencyOut(Schema):
    code: str
    name: str
    parent_code: str | None
    jurisdiction: str
    depth: int
    is_training_body: bool

    @staticmethod
    def resolve_parent_code(obj: Agency) -> str | None:
        return obj.parent.code if obj.parent else None

    @staticmethod
    def resolve_jurisdiction(obj: Agency) -> str:
        return obj.jurisdiction.code


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
def agencies(request: HttpRequest) -> QuerySet[Agency]:
    # A queryset, not a list: the paginator slices it in SQL.
    return selectors.agencies_for_user(request.user).order_by("path")


@router.get("/people", response=list[PersonOut], summary="人員一覽（依權限範圍，身分證字號遮罩）")
@api_requires("org.view_people")
@paginate(PageNumberPagination, page_size=100)
def people(
    request: HttpRequest, q: str = "", agency: str | None = None, active: bool | None = True
) -> QuerySet[Person]:
    """`agency` is an agency code and includes its subtree, as on the people page."""
    within = selectors.agencies_for_user(request.user).filter(code=agency).first() if agency else None
    if agency and within is None:
        return Person.objects.none()
    return selectors.people_search(request.user, q=q, agency=within, active=active)


@router.get("/people/{person_id}", response=PersonOut, summary="人員資料（有權限者可見完整身分證字號）")
@api_requires("org.view_people")
@api_errors(PERSON_NOT_FOUND)
def person(request: HttpRequest, person_id: Id) -> Person:
    found = Person.objects.select_related("agency", "unit").filter(pk=person_id).first()
    if found is None:
        raise NotFound(PERSON_NOT_FOUND, _("找不到此人員。"))
    check(request.user, "org.view_person", found)
    request.peili_full_national_id = allowed(request.user, "org.view_full_national_id", found)  # type: ignore[attr-defined]
    return found
