"""Reads about agencies and people, filtered to what the user may see in the same step."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.core.errors import NotFound
from peili.core.permissions import visible_to
from peili.org.codes import Error
from peili.org.enums import Role
from peili.org.models import Agency, AgencyHeadcount, Person
from peili.org.rules import normalise_national_id
from peili.org.scopes import grants_for


def agency_subtree(agency: Agency) -> QuerySet[Agency]:
    return Agency.objects.filter(path__startswith=agency.path)


def agencies_for_user(user: Any) -> QuerySet[Agency]:
    grants = grants_for(user)
    qs = Agency.objects.select_related("jurisdiction", "parent")
    if grants.is_admin or grants.has(Role.ORGANIZER):
        return qs
    paths = grants.scopes.get(Role.PERSONNEL_OFFICER, ())
    if not paths:
        return qs.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return qs.filter(condition)


def people_for_user(user: Any) -> QuerySet[Person]:
    """People the user may list: everyone (admin), their subtrees (personnel officer), their unit (supervisor)."""
    grants = grants_for(user)
    qs = Person.objects.select_related("agency", "unit")
    if grants.is_admin:
        return qs
    condition = Q(pk__in=[])
    for path in grants.scopes.get(Role.PERSONNEL_OFFICER, ()):
        condition |= Q(agency__path__startswith=path)
    if grants.has(Role.SUPERVISOR) and grants.person_id is not None:
        # Their own agency always, narrowed to their unit when they have one.
        supervised = Q(agency__path=grants.person_agency_path)
        if grants.person_unit_id is not None:
            supervised &= Q(unit_id=grants.person_unit_id)
        condition |= supervised
    return qs.filter(condition)


def approvers_for(person: Person) -> list[Any]:
    """Accounts that approve for `person` (consent to a registration, and whatever asks the same
    later): the supervisors of their unit (or agency, without a unit) who hold the supervisor role.
    Personnel officers see such requests in their lists without being asked by name."""
    candidates = Person.objects.filter(
        agency_id=person.agency_id, is_supervisor=True, is_active=True, user__isnull=False
    ).exclude(pk=person.pk)
    if person.unit_id is not None:
        candidates = candidates.filter(unit_id=person.unit_id)
    users = []
    for candidate in candidates.select_related("user"):
        if grants_for(candidate.user).has(Role.SUPERVISOR):
            users.append(candidate.user)
    return users


def people_search(
    user: Any, *, q: str = "", agency: Agency | None = None, active: bool | None = True
) -> QuerySet[Person]:
    """The people list (page and API): visible to `user`, searched by name, employee number or ID,
    within an agency subtree, in service / left / all (None)."""
    qs = people_for_user(user)
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(employee_number=q) | Q(national_id=normalise_national_id(q)))
    if agency is not None:
        qs = qs.filter(agency__path__startswith=agency.path)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("agency__path", "name", "pk")


def people_in_agency_for_user(
    user: Any, *, q: str = "", agency_code: str | None = None, active: bool | None = True
) -> QuerySet[Person]:
    """`people_search` within the subtree of an agency named by code: none at all when the user
    may not see that agency (or it does not exist)."""
    within = agencies_for_user(user).filter(code=agency_code).first() if agency_code else None
    if agency_code and within is None:
        return Person.objects.none()
    return people_search(user, q=q, agency=within, active=active)


def agencies_with_headcounts_for_user(user: Any, year: int) -> list[dict[str, Any]]:
    """The agencies the user may see (by path), each with its active people (`active_people`) and
    the year's budgeted headcount (None when not set)."""
    qs = agencies_for_user(user).annotate(active_people=Count("people", filter=Q(people__is_active=True)))
    headcounts = {h.agency_id: h.budgeted_headcount for h in AgencyHeadcount.objects.filter(year=year, agency__in=qs)}
    return [{"agency": a, "headcount": headcounts.get(a.pk)} for a in qs.order_by("path")]


def agency_for_user(user: Any, code: str) -> Agency:
    """An agency the user may see, by code: `agency.not_found` otherwise, whether it exists or not."""
    found = agencies_for_user(user).filter(code=code).first()
    if found is None:
        raise NotFound(Error.AGENCY_NOT_FOUND, _("找不到此機關，或不在您的權限範圍內。"))
    return found


def agency_by_code(code: str) -> Agency:
    """Any agency, by code (for administrators): `agency.not_found`."""
    found = Agency.objects.filter(code=code).first()
    if found is None:
        raise NotFound(Error.AGENCY_NOT_FOUND, _("找不到此機關，或不在您的權限範圍內。"))
    return found


def active_people_count(agency: Agency) -> int:
    return agency.people.filter(is_active=True).count()


def own_person_for_user(user: Any) -> Person:
    """The user's own person record (agency and unit loaded): `person.not_found` without one."""
    person_id = grants_for(user).person_id
    found = Person.objects.select_related("agency", "unit").filter(pk=person_id).first() if person_id else None
    if found is None:
        raise NotFound(Error.PERSON_NOT_FOUND, _("找不到此人員。"))
    return found


def person_for_user(user: Any, person_id: int) -> Person:
    """A person the user may view (`org.view_person`): `person.not_found` when there is none,
    `permission.denied` when outside the user's scope (the answer the API publishes)."""
    found = Person.objects.select_related("agency", "unit").filter(pk=person_id).first()
    return visible_to(user, "org.view_person", found, NotFound(Error.PERSON_NOT_FOUND, _("找不到此人員。")))


def home_summary(user: Any) -> dict[str, Any]:
    grants = grants_for(user)
    cards: list[dict[str, Any]] = []
    if grants.person_id is not None:
        cards.append(
            {
                "title": _("我的資料"),
                "figure": None,
                "text": _("個人基本資料、考績與服務年資。"),
                "url": reverse("org:my_record"),
                "link": _("查看"),
            }
        )
    if grants.is_admin or grants.has(Role.PERSONNEL_OFFICER) or grants.has(Role.SUPERVISOR):
        count = people_for_user(user).filter(is_active=True).count()
        cards.append(
            {
                "title": _("在職人員"),
                "figure": count,
                "text": _("您可檢視的在職人員數。"),
                "url": reverse("org:people"),
                "link": _("人員名冊"),
            }
        )
    if grants.is_admin or grants.has(Role.PERSONNEL_OFFICER):
        cards.append(
            {
                "title": _("人員匯入"),
                "figure": None,
                "text": _("上傳人事系統匯出的名冊（Excel 或 CSV）。"),
                "url": reverse("org:import"),
                "link": _("開始匯入"),
            }
        )
    if grants.is_admin or grants.has(Role.PERSONNEL_OFFICER) or grants.has(Role.ORGANIZER):
        cards.append(
            {
                "title": _("機關"),
                "figure": agencies_for_user(user).count(),
                "text": _("機關樹與預算員額。"),
                "url": reverse("org:agencies"),
                "link": _("機關一覽"),
            }
        )
    if grants.is_admin:
        cards.append(
            {
                "title": _("政策參數"),
                "figure": None,
                "text": _("各轄區各年度的訓練進修規定。"),
                "url": reverse("policy:packs"),
                "link": _("管理"),
            }
        )
    roles = [Role(r).label for r in Role if r in grants.roles]
    return {"today": timezone.localdate(), "cards": cards, "roles": roles}
