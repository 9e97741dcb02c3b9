"""Reads for registration: the pack's registration policy, eligibility and clash facts, the lists
each role sees (filtered for the user in the same step), rosters and hours so far this year."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.catalog import selectors as catalog_selectors
from peili.catalog.models import ClassSession, CourseClass, class_label
from peili.catalog.rules import Eligibility, SessionSlot, eligibility
from peili.core import versions
from peili.core.errors import NotFound
from peili.core.permissions import allowed, visible_to
from peili.enrolment.codes import Error
from peili.enrolment.enums import ACTIVE_STATUSES, ErrorCode, Meal, RegistrationStatus
from peili.enrolment.models import Registration
from peili.enrolment.rules import ClassFacts, RegistrationPolicy
from peili.org.enums import Role
from peili.org.models import Person
from peili.org.scopes import grants_for
from peili.org.selectors import people_for_user
from peili.policy.models import Jurisdiction
from peili.policy.selectors import effective_pack

# --- the policy ------------------------------------------------------------------------------------

_policies = versions.ProcessCache[RegistrationPolicy](versions.POLICY)


def registration_policy(jurisdiction_id: int, year: int) -> RegistrationPolicy:
    """The effective pack's `registration` section for a jurisdiction and year, kept per process
    until a pack changes (see `peili.core.versions`): the register path reads no pack under a
    burst. Raises `policy.no_pack` / `policy.section_missing` when nothing says how registration
    works — there is no hard-coded fallback.
    """
    return _policies.get((jurisdiction_id, year), lambda: _read_policy(jurisdiction_id, year))


def _read_policy(jurisdiction_id: int, year: int) -> RegistrationPolicy:
    section = effective_pack(Jurisdiction.objects.get(pk=jurisdiction_id), year).require_registration()
    return RegistrationPolicy(
        clash=str(section.clash),
        reminder_days_before=section.reminder_days_before,
        newcomer_months=section.newcomer_months,
        deputy_required=section.deputy_required,
    )


def class_year(course_class: CourseClass) -> int:
    return (course_class.start_date or timezone.localdate()).year


# --- a class's seats before its lock ---------------------------------------------------------------


@dataclass(frozen=True)
class ClassSeats:
    """What registration judges of a class before taking its lock: the organizing body's
    jurisdiction and the start (the policy), whether meals are provided, and the counters
    (placement: is it full?)."""

    jurisdiction_id: int
    start_date: date | None
    meals_provided: bool
    facts: ClassFacts
    token: str  # the stamps it was read under

    @property
    def year(self) -> int:
        return (self.start_date or timezone.localdate()).year


# A class's seats are kept per process under the seats stamp and the catalog's and agencies' (any
# write of a class, its course, an agency), all three read with the session. The seats stamp moves
# whenever a counter goes down — a place freed (`versions.SEATS`) — and when a class becomes full,
# not for every place taken: a kept view may count fewer places taken than there are (it says
# "not full" wrongly, and the locked path decides), never more.
SEATS_STAMPS = (versions.SEATS, versions.CATALOG, versions.AGENCIES)
_seats = versions.ProcessCache[ClassSeats | None](max_keys=2048)


def class_seats(course_class_id: int) -> ClassSeats | None:
    """The class's seats as of its current stamps: kept in this process while they stay the same
    (a burst on a full class is refused without PostgreSQL), else one narrow query. None: no such
    class. Every write that frees a place moves the stamp, so a kept "full" is never older than
    the last place freed."""
    token = versions.stamp(*SEATS_STAMPS)
    return _seats.get(course_class_id, lambda: _read_seats(course_class_id, token), token=token)


def class_seats_keep_full(seats: ClassSeats, course_class_id: int, facts: ClassFacts) -> None:
    """The locked path found the class full: keep that, under the stamps `seats` was read under
    (read before the locked row, so a place freed since moved them), so that the next requests in
    this process are refused without PostgreSQL."""
    _seats.keep(course_class_id, replace(seats, facts=facts), token=seats.token)


def _read_seats(course_class_id: int, token: str) -> ClassSeats | None:
    row = (
        CourseClass.objects.filter(pk=course_class_id)
        .order_by()
        .values_list(
            "course__organizer__jurisdiction_id",
            "start_date",
            "meals_provided",
            "status",
            "capacity",
            "waitlist_size",
            "confirmed_count",
            "waitlist_count",
            "pending_count",
            "needs_supervisor_consent",
        )
        .first()
    )
    if row is None:
        return None
    jurisdiction_id, start, meals, status, capacity, waitlist_size, confirmed, waitlisted, pending, consent = row
    facts = ClassFacts(
        status=status,
        capacity=capacity,
        waitlist_size=waitlist_size,
        confirmed=confirmed,
        waitlisted=waitlisted,
        pending=pending,
        needs_consent=consent,
    )
    return ClassSeats(jurisdiction_id=jurisdiction_id, start_date=start, meals_provided=meals, facts=facts, token=token)


def policy_for_class(course_class: CourseClass) -> RegistrationPolicy:
    """The policy of the class's organizing body's jurisdiction in the class's year (needs
    `course__organizer` — select_related it)."""
    return registration_policy(course_class.course.organizer.jurisdiction_id, class_year(course_class))


# --- eligibility and clashes ----------------------------------------------------------------------


def eligibility_of(person: Person, course_class: CourseClass, policy: RegistrationPolicy) -> Eligibility:
    """The catalog's eligibility rule over the person's and the class's facts (the class's rules come
    from the catalog index when it is published, else two small queries)."""
    rules_facts = catalog_selectors.class_rules(course_class, newcomer_months_value=policy.newcomer_months)
    return eligibility(catalog_selectors.person_facts(person), rules_facts)


def eligibility_in_index(person: Person, course_class_id: int, policy: RegistrationPolicy) -> Eligibility | None:
    """`eligibility_of` for a published class, its rules from the catalog index kept in this
    process (no query); None when the class is not in the index (not published: read the class)."""
    found = catalog_selectors.catalog_index().rules_of(course_class_id)
    if found is None:
        return None
    return eligibility(catalog_selectors.person_facts(person), found)


def active_class_ids(person_id: int) -> set[int]:
    """The classes the person holds an active registration for (awaiting consent, confirmed or
    waitlisted): one query of plain ids — a registration for one of them is a duplicate, and only
    their sessions can clash."""
    return set(
        Registration.objects.filter(person_id=person_id, status__in=ACTIVE_STATUSES)
        .order_by()
        .values_list("course_class_id", flat=True)
    )


def clash_slots(course_class_id: int, held_class_ids: Iterable[int]) -> tuple[list[SessionSlot], list[SessionSlot]]:
    """The class's sessions and the sessions of the other classes the person holds
    (`active_class_ids`), in one query of plain rows; none when they hold no other class (nothing
    can clash)."""
    held_ids = set(held_class_ids) - {course_class_id}
    if not held_ids:
        return [], []
    rows = (
        ClassSession.objects.filter(course_class_id__in=[course_class_id, *sorted(held_ids)])
        .order_by()
        .values_list("id", "course_class_id", "date", "starts_at", "ends_at", "venue_id", "course_class__course__title")
        .annotate(term=F("course_class__term"))
    )
    mine: list[SessionSlot] = []
    held: list[SessionSlot] = []
    for session_id, class_id, day, starts_at, ends_at, venue_id, title, term in rows:
        slot = SessionSlot(
            session_id=session_id,
            class_label=class_label(title, term),
            day=day,
            starts_at=starts_at,
            ends_at=ends_at,
            venue_id=venue_id,
        )
        (mine if class_id == course_class_id else held).append(slot)
    return mine, held


# --- lists ----------------------------------------------------------------------------------------


def _registrations() -> QuerySet[Registration]:
    return Registration.objects.select_related(
        "course_class__course__organizer", "person__agency", "person__unit", "deputy", "substitute_of__person"
    )


def registrations_of_person(person_id: int) -> QuerySet[Registration]:
    return _registrations().filter(person_id=person_id).order_by("-registered_at", "-id")


def registrations_for_user(user: Any) -> QuerySet[Registration]:
    """Registrations the user may act on: their own, their staff's (supervisor, personnel officer in
    scope), their classes' (organizer), all (admin)."""
    grants = grants_for(user)
    qs = _registrations()
    if grants.is_admin:
        return qs
    condition = Q(pk__in=[])
    if grants.person_id is not None:
        condition |= Q(person_id=grants.person_id)
    for path in grants.scopes.get(Role.PERSONNEL_OFFICER, ()):
        condition |= Q(person__agency__path__startswith=path)
    for path in grants.scopes.get(Role.ORGANIZER, ()):
        condition |= Q(course_class__course__organizer__path__startswith=path)
    if grants.has(Role.SUPERVISOR) and grants.person_id is not None:
        supervised = Q(person__agency__path=grants.person_agency_path) & ~Q(person_id=grants.person_id)
        if grants.person_unit_id is not None:
            supervised &= Q(person__unit_id=grants.person_unit_id)
        condition |= supervised
    return qs.filter(condition)


def pending_consents_for_user(user: Any) -> QuerySet[Registration]:
    """Registrations awaiting the user's consent: their unit's staff (supervisor), their subtree
    (personnel officer), everyone (admin); oldest first."""
    grants = grants_for(user)
    qs = _registrations().filter(status=RegistrationStatus.PENDING_CONSENT)
    if grants.is_admin:
        return qs.order_by("registered_at", "id")
    condition = Q(pk__in=[])
    for path in grants.scopes.get(Role.PERSONNEL_OFFICER, ()):
        condition |= Q(person__agency__path__startswith=path)
    if grants.has(Role.SUPERVISOR) and grants.person_id is not None:
        supervised = Q(person__agency__path=grants.person_agency_path) & ~Q(person_id=grants.person_id)
        if grants.person_unit_id is not None:
            supervised &= Q(person__unit_id=grants.person_unit_id)
        condition |= supervised
    return qs.filter(condition).order_by("registered_at", "id")


def roster(course_class: CourseClass) -> QuerySet[Registration]:
    """Every registration of a class, confirmed first, then the waitlist in order, then the rest."""
    return (
        Registration.objects.filter(course_class=course_class)
        .select_related("person__agency", "person__unit", "deputy", "substitute_of__person")
        .prefetch_related("events__actor")
        .order_by("status", "registered_at", "id")
    )


def waitlist(course_class_id: int) -> QuerySet[Registration]:
    return Registration.objects.filter(course_class_id=course_class_id, status=RegistrationStatus.WAITLISTED).order_by(
        "registered_at", "id"
    )


def viewer_registrations(person_id: int, class_ids: Sequence[int]) -> dict[int, catalog_selectors.ViewerRegistration]:
    """A person's active registration in each of `class_ids`, worded for the catalog (registered
    with `catalog.selectors.register_viewer_registrations`): one query, each waitlisted one with its
    place in line (counted in the same query)."""
    ahead = (
        Registration.objects.filter(course_class_id=OuterRef("course_class_id"), status=RegistrationStatus.WAITLISTED)
        .filter(
            Q(registered_at__lt=OuterRef("registered_at"))
            | Q(registered_at=OuterRef("registered_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("course_class_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Registration.objects.filter(
            person_id=person_id, course_class_id__in=list(class_ids), status__in=ACTIVE_STATUSES
        )
        .order_by()
        .annotate(ahead=Subquery(ahead))
        .values_list("pk", "course_class_id", "status", "ahead")
    )
    found = {}
    for pk, class_id, status, waiting_before in rows:
        position = (waiting_before or 0) + 1 if status == RegistrationStatus.WAITLISTED else None
        found[class_id] = catalog_selectors.ViewerRegistration(pk, status, _mine_label(status, position), position)
    return found


def _mine_label(status: str, position: int | None) -> str:
    if status == RegistrationStatus.WAITLISTED and position is not None:
        return _("候補第 %(n)d 位") % {"n": position}
    if status == RegistrationStatus.PENDING_CONSENT:
        return _("已報名（待主管同意）")
    return str(RegistrationStatus(status).label)


def meal_counts(course_class: CourseClass) -> dict[str, int]:
    """Meals of the confirmed: {"meat": n, "vegetarian": n, "none": n}."""
    counts = {m.value: 0 for m in Meal}
    for row in (
        Registration.objects.filter(course_class=course_class, status=RegistrationStatus.CONFIRMED)
        .values("meal")
        .annotate(n=Count("id"))
    ):
        counts[row["meal"]] = row["n"]
    return counts


def classes_open_for_nomination() -> QuerySet[CourseClass]:
    """Published classes whose registration window has not closed."""
    now = timezone.now()
    return (
        CourseClass.objects.filter(status="published")
        .filter(Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now))
        .select_related("course__organizer")
        .order_by("start_date", "course__title", "term")
    )


# --- one object, for a user -------------------------------------------------------------------------


def registration_for_user(user: Any, registration_id: int, permission: str) -> Registration:
    """A registration the user may see and act on with `permission` (cancel, consent, substitute):
    `registration.not_found` otherwise, whether it exists or not."""
    found = registrations_for_user(user).filter(pk=registration_id).first()
    if found is None or not allowed(user, permission, found):
        raise NotFound(ErrorCode.NOT_FOUND, _("找不到此報名。"))
    return found


def registration_loaded(registration_id: int) -> Registration:
    """A registration as the API answers it (class, course, person, deputy, the one it replaced)."""
    return Registration.objects.select_related("course_class__course", "person", "deputy", "substitute_of__person").get(
        pk=registration_id
    )


def registration_for_approver(registration_id: int, approver_id: int) -> tuple[Registration, Any] | None:
    """The registration a consent link names and the approver it was sent to, while that approver
    is active and may still decide on it (None otherwise: the link is no longer valid)."""
    registration = (
        Registration.objects.select_related("person__agency", "person__unit", "course_class__course", "deputy")
        .filter(pk=registration_id)
        .first()
    )
    approver = get_user_model().objects.filter(pk=approver_id, is_active=True).first()
    if registration is None or approver is None or not allowed(approver, "enrolment.consent", registration):
        return None
    return registration, approver


def enrolment_class(class_id: int) -> CourseClass:
    """A class to register for (its sessions and venues loaded): anyone signed in may look at it.
    Raises `registration.class_not_found`."""
    found = _optional_class(class_id)
    if found is None:
        raise _class_not_found()
    return found


def roster_class_for_user(user: Any, class_id: int) -> CourseClass:
    """A class whose roster the user reads: not found, or `permission.denied` when it is not theirs."""
    return visible_to(user, "enrolment.view_roster", _optional_class(class_id), _class_not_found())


def _optional_class(class_id: int) -> CourseClass | None:
    return (
        CourseClass.objects.select_related("course__organizer")
        .prefetch_related("sessions__venue")
        .filter(pk=class_id)
        .first()
    )


def _class_not_found() -> NotFound:
    return NotFound(ErrorCode.CLASS_NOT_FOUND, _("找不到此班期。"))


def person_registering(user: Any) -> Person | None:
    """The user's own person record with agency and unit (None without one)."""
    person_id = grants_for(user).person_id
    if person_id is None:
        return None
    return Person.objects.select_related("agency", "unit").filter(pk=person_id).first()


def colleagues_of(person: Person) -> QuerySet[Person]:
    """The person's active colleagues in the same agency (deputies to choose from)."""
    return (
        Person.objects.filter(agency_id=person.agency_id, is_active=True)
        .exclude(pk=person.pk)
        .select_related("unit")
        .order_by("unit__code", "name")
    )


def agency_people(agency_id: int) -> QuerySet[Person]:
    """An agency's active people, by unit and name."""
    return (
        Person.objects.filter(agency_id=agency_id, is_active=True).select_related("unit").order_by("unit__code", "name")
    )


def active_registration(course_class: CourseClass, person: Person) -> Registration | None:
    return course_class.registrations.filter(person=person, status__in=ACTIVE_STATUSES).first()


def active_registrations_by_person(course_class: CourseClass, people: Sequence[Person]) -> dict[int, Registration]:
    """Person id → their active registration in the class, for the people given."""
    return {
        r.person_id: r
        for r in Registration.objects.filter(course_class=course_class, person__in=people, status__in=ACTIVE_STATUSES)
    }


def nominees_for_user(user: Any, query: str = "", limit: int = 200) -> list[Person]:
    """Active staff in the user's scope (by agency, unit and name), whose name contains `query`."""
    people = people_for_user(user).filter(is_active=True).order_by("agency__path", "unit__code", "name")
    if query:
        people = people.filter(name__contains=query)
    return list(people[:limit])


def people_for_user_by_id(user: Any, person_ids: Iterable[int]) -> dict[int, Person]:
    """Person id → person, for those of `person_ids` in the user's scope (the others are left out)."""
    return {p.pk: p for p in people_for_user(user).filter(pk__in=list(person_ids))}


def substitute_for_user(user: Any, person_id: int) -> Person:
    """A substitute in the user's scope: `registration.person_not_found` otherwise."""
    found = people_for_user(user).filter(pk=person_id).first()
    if found is None:
        raise NotFound(Error.REGISTRATION_PERSON_NOT_FOUND, _("找不到此人員，或不在您的權限範圍內。"))
    return found


def substitutes_for_user(user: Any, registration: Registration) -> QuerySet[Person]:
    """Who in the user's scope may take the registration's place: the person's active colleagues."""
    return (
        people_for_user(user)
        .filter(agency_id=registration.person.agency_id, is_active=True)
        .exclude(pk=registration.person_id)
        .order_by("unit__code", "name")
    )


def deputy_for(person: Person, deputy_person_id: int | None) -> Person | None:
    """The named deputy: a colleague of the same agency (None when only a name, or none, is given).
    Raises `registration.deputy_not_found`."""
    if deputy_person_id is None:
        return None
    deputy = Person.objects.filter(pk=deputy_person_id, agency_id=person.agency_id).first()
    if deputy is None:
        raise NotFound(Error.REGISTRATION_DEPUTY_NOT_FOUND, _("找不到此職務代理人（須為同機關人員）。"))
    return deputy
