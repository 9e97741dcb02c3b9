"""Reads about plans, courses and classes, filtered for the user in the same step.

The enrolment side calls `person_facts`, `eligibility_rules` and `class_eligibility` to decide
who may register; the catalog page calls `catalog_entries`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.catalog import rules
from peili.catalog.enums import ClassStatus
from peili.catalog.models import (
    ClassCategoryHours,
    ClassSession,
    Course,
    CourseClass,
    Instructor,
    PlanItem,
    PortalCategory,
    TrainingPlan,
    Venue,
)
from peili.core.errors import PeiliError
from peili.org.enums import Role
from peili.org.models import Agency, Person
from peili.org.scopes import grants_for
from peili.policy.models import Jurisdiction
from peili.policy.selectors import effective_pack

VISIBLE_STATUSES = (ClassStatus.PUBLISHED, ClassStatus.CLOSED, ClassStatus.CANCELLED)

# --- eligibility facts ----------------------------------------------------------------------------


def person_facts(person: Person) -> rules.PersonFacts:
    """The facts eligibility is judged on (needs `person.agency` — select_related it)."""
    return rules.PersonFacts(
        person_id=person.pk,
        agency_path=person.agency.path,
        category=person.category,
        grade=person.grade,
        is_supervisor=person.is_supervisor,
        is_active=person.is_active,
        agency_start=person.agency_start,
        public_service_start=person.public_service_start,
    )


def newcomer_months(jurisdiction: Jurisdiction | int | str, year: int) -> int | None:
    """How recently someone must have joined to count as a newcomer, from the effective policy pack's
    optional `registration.newcomer_months`. None when the pack does not say (newcomers-only classes
    then cannot be checked, and `rules.eligibility` refuses with its reason)."""
    if isinstance(jurisdiction, int):
        jurisdiction = Jurisdiction.objects.get(pk=jurisdiction)
    try:
        pack = effective_pack(jurisdiction, year)
    except PeiliError:
        return None
    section = getattr(pack, "registration", None)
    months = getattr(section, "newcomer_months", None)
    return months if isinstance(months, int) else None


def eligibility_rules(course_class: CourseClass, *, newcomer_months_value: int | None = None) -> rules.EligibilityRules:
    """A class's eligibility as rule facts. Reads `eligible_agencies` and `eligible_people` (prefetch
    them for lists). For a newcomers-only class, `newcomer_months_value` (else read from the policy pack
    of the organizer's jurisdiction for the class's year)."""
    months = newcomer_months_value
    if course_class.newcomers_only and months is None:
        year = (course_class.start_date or timezone.localdate()).year
        months = newcomer_months(course_class.course.organizer.jurisdiction_id, year)
    return rules.EligibilityRules(
        agency_paths=tuple(sorted(a.path for a in course_class.eligible_agencies.all())),
        categories=frozenset(course_class.eligible_categories or ()),
        grade_min=course_class.grade_min,
        grade_max=course_class.grade_max,
        supervisors_only=course_class.supervisors_only,
        newcomers_only=course_class.newcomers_only,
        newcomer_months=months,
        named_people=frozenset(p.pk for p in course_class.eligible_people.all()),
        class_start=course_class.start_date,
    )


def _no_person() -> rules.Eligibility:
    return rules.Eligibility((rules.Reason("eligibility.no_person", _("您的帳號未連結人員資料，無法判斷報名資格。")),))


def class_eligibility(person: Person | None, course_class: CourseClass) -> rules.Eligibility:
    """Whether `person` may take `course_class`, with every reason when not."""
    if person is None:
        return _no_person()
    return rules.eligibility(person_facts(person), eligibility_rules(course_class))


def person_for_user(user: Any) -> Person | None:
    person_id = grants_for(user).person_id
    if person_id is None:
        return None
    return Person.objects.select_related("agency").filter(pk=person_id).first()


# --- the catalog ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogFilters:
    q: str = ""
    track: str = ""
    category: str = ""  # portal category code
    month: date | None = None  # any day of the month
    mode: str = ""
    agency: Agency | None = None  # classes open to this agency


@dataclass(frozen=True)
class CatalogEntry:
    course_class: CourseClass
    eligibility: rules.Eligibility
    seats_left: int
    categories: tuple[ClassCategoryHours, ...] = field(default_factory=tuple)

    @property
    def eligible(self) -> bool:
        return self.eligibility.eligible


def seats_left(course_class: CourseClass) -> int:
    return max(course_class.capacity - course_class.confirmed_count, 0)


def _month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (
        first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    )
    return first, following


def _agency_prefixes(agency: Agency) -> list[str]:
    """'A/B/C/' → ['A/', 'A/B/', 'A/B/C/']: the paths whose subtree contains the agency."""
    parts = [p for p in agency.path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def catalog_queryset(filters: CatalogFilters | None = None, *, today: date | None = None) -> QuerySet[CourseClass]:
    """Published classes not yet over, filtered, with everything the catalog shows prefetched."""
    filters = filters or CatalogFilters()
    today = today or timezone.localdate()
    qs = CourseClass.objects.filter(status=ClassStatus.PUBLISHED).filter(
        Q(end_date__gte=today) | Q(end_date__isnull=True)
    )
    if filters.q:
        qs = qs.filter(course__title__icontains=filters.q.strip())
    if filters.track:
        qs = qs.filter(course__track=filters.track)
    if filters.mode:
        qs = qs.filter(delivery_mode=filters.mode)
    if filters.month:
        first, following = _month_bounds(filters.month)
        qs = qs.filter(start_date__gte=first, start_date__lt=following)
    if filters.category:
        qs = qs.filter(
            pk__in=ClassCategoryHours.objects.filter(category__code=filters.category).values("course_class_id")
        )
    if filters.agency is not None:
        open_to = CourseClass.eligible_agencies.through.objects.filter(
            agency__path__in=_agency_prefixes(filters.agency)
        )
        restricted = CourseClass.eligible_agencies.through.objects.values("courseclass_id")
        qs = qs.filter(Q(pk__in=open_to.values("courseclass_id")) | ~Q(pk__in=restricted))
    return (
        qs.select_related("course__organizer")
        .prefetch_related(
            Prefetch("eligible_agencies", queryset=Agency.objects.only("id", "path")),
            Prefetch("eligible_people", queryset=Person.objects.only("id")),
            Prefetch("category_hours", queryset=ClassCategoryHours.objects.select_related("category")),
        )
        .order_by("start_date", "course__title", "term", "pk")
    )


def catalog_entries(user: Any, filters: CatalogFilters | None = None) -> list[CatalogEntry]:
    """The catalog for `user`: classes they are eligible for first (each group by start date), every
    other class with its reasons. Eligibility is computed here from prefetched data: the number of
    queries does not grow with the number of classes."""
    person = person_for_user(user)
    facts = person_facts(person) if person is not None else None
    months_cache: dict[tuple[int, int], int | None] = {}
    entries = []
    for course_class in catalog_queryset(filters):
        months = None
        if course_class.newcomers_only:
            key = (
                course_class.course.organizer.jurisdiction_id,
                (course_class.start_date or timezone.localdate()).year,
            )
            if key not in months_cache:
                months_cache[key] = newcomer_months(key[0], key[1])
            months = months_cache[key]
        result = (
            rules.eligibility(facts, eligibility_rules(course_class, newcomer_months_value=months))
            if facts is not None
            else _no_person()
        )
        entries.append(
            CatalogEntry(
                course_class=course_class,
                eligibility=result,
                seats_left=seats_left(course_class),
                categories=tuple(course_class.category_hours.all()),
            )
        )
    # sorted() is stable: within each group the queryset's date order stays.
    return sorted(entries, key=lambda e: not e.eligible)


def class_for_user(user: Any, pk: int) -> CourseClass | None:
    """A class with its sessions, hours split and materials, if the user may see it: published (or
    closed/cancelled) for everyone signed in, drafts only for those who manage it."""
    course_class = (
        CourseClass.objects.select_related("course__organizer__jurisdiction", "course__plan_item")
        .prefetch_related(
            Prefetch("sessions", queryset=ClassSession.objects.select_related("venue").prefetch_related("instructors")),
            Prefetch("category_hours", queryset=ClassCategoryHours.objects.select_related("category")),
            "materials",
            "eligible_agencies",
            Prefetch("eligible_people", queryset=Person.objects.only("id", "name")),
        )
        .filter(pk=pk)
        .first()
    )
    if course_class is None:
        return None
    if course_class.status in VISIBLE_STATUSES or user.has_perm("catalog.manage_object", course_class):
        return course_class
    return None


# --- organizers -----------------------------------------------------------------------------------


def _organizer_condition(user: Any, field_name: str) -> Q | None:
    """None: no restriction (administrator); else the organizer's subtrees."""
    grants = grants_for(user)
    if grants.is_admin:
        return None
    condition = Q(pk__in=[])
    for path in grants.scopes.get(Role.ORGANIZER, ()):
        condition |= Q(**{f"{field_name}__path__startswith": path})
    return condition


def organizing_bodies_for_user(user: Any) -> QuerySet[Agency]:
    """Training bodies (訓練機構) the user may run classes and plans for."""
    qs = Agency.objects.filter(is_training_body=True, is_active=True).select_related("jurisdiction")
    grants = grants_for(user)
    if grants.is_admin:
        return qs.order_by("path")
    condition = Q(pk__in=[])
    for path in grants.scopes.get(Role.ORGANIZER, ()):
        condition |= Q(path__startswith=path)
    return qs.filter(condition).order_by("path")


def classes_for_manager(user: Any) -> QuerySet[CourseClass]:
    qs = CourseClass.objects.select_related("course__organizer").order_by("-status", "start_date", "pk")
    condition = _organizer_condition(user, "course__organizer")
    return qs if condition is None else qs.filter(condition)


def courses_for_manager(user: Any) -> QuerySet[Course]:
    qs = Course.objects.select_related("organizer", "plan_item")
    condition = _organizer_condition(user, "organizer")
    return qs if condition is None else qs.filter(condition)


def plans_for_user(user: Any) -> QuerySet[TrainingPlan]:
    qs = TrainingPlan.objects.select_related("organizer", "decided_by").order_by("-year", "organizer__path")
    condition = _organizer_condition(user, "organizer")
    return qs if condition is None else qs.filter(condition)


def venues_active() -> QuerySet[Venue]:
    return Venue.objects.filter(is_active=True).select_related("agency").order_by("name")


def instructors_active() -> QuerySet[Instructor]:
    return Instructor.objects.filter(is_active=True).order_by("name")


def portal_categories() -> QuerySet[PortalCategory]:
    return PortalCategory.objects.filter(is_active=True).order_by("code")


# --- tracks from the policy pack ------------------------------------------------------------------


def track_choices(jurisdiction: Jurisdiction | int, year: int) -> list[tuple[str, str]]:
    """(key, name) of the tracks/colleges in the effective pack's `categories` taxonomy (may be empty)."""
    if isinstance(jurisdiction, int):
        jurisdiction = Jurisdiction.objects.get(pk=jurisdiction)
    try:
        pack = effective_pack(jurisdiction, year)
    except PeiliError:
        return []
    if pack.categories is None:
        return []
    return [(key, track.name) for key, track in pack.categories.tracks.items()]


def track_names(jurisdiction_ids: Iterable[int], year: int) -> dict[str, str]:
    """Track key → name across the given jurisdictions (one effective-pack read per jurisdiction)."""
    names: dict[str, str] = {}
    for jurisdiction in Jurisdiction.objects.filter(pk__in=set(jurisdiction_ids)):
        for key, name in track_choices(jurisdiction, year):
            names.setdefault(key, name)
    return names


@dataclass(frozen=True)
class TrackTotal:
    track: str
    name: str
    items: int
    planned_classes: int
    planned_trainees: int
    budget: Decimal


def plan_totals(plan: TrainingPlan) -> tuple[list[TrackTotal], TrackTotal]:
    """Totals per track (in the pack's order, then any others) and the grand total."""
    names = dict(track_choices(plan.organizer.jurisdiction_id, plan.year))
    rows: dict[str, dict[str, Any]] = {}
    for item in plan.items.all():
        row = rows.setdefault(
            item.track, {"items": 0, "planned_classes": 0, "planned_trainees": 0, "budget": Decimal(0)}
        )
        row["items"] += 1
        row["planned_classes"] += item.planned_classes
        row["planned_trainees"] += item.planned_trainees
        row["budget"] += item.budget
    order = [k for k in names if k in rows] + sorted(k for k in rows if k not in names)
    totals = [TrackTotal(track=k, name=names.get(k, k), **rows[k]) for k in order]
    grand = TrackTotal(
        track="",
        name=_("合計"),
        items=sum(t.items for t in totals),
        planned_classes=sum(t.planned_classes for t in totals),
        planned_trainees=sum(t.planned_trainees for t in totals),
        budget=sum((t.budget for t in totals), Decimal(0)),
    )
    return totals, grand


def plan_items_for_publishing(user: Any) -> QuerySet[PlanItem]:
    """Items of approved plans the user may open courses from."""
    qs = PlanItem.objects.filter(plan__status="approved").select_related("plan__organizer")
    condition = _organizer_condition(user, "plan__organizer")
    return qs if condition is None else qs.filter(condition)


def hours_total(course_class: CourseClass) -> Decimal:
    return course_class.category_hours.aggregate(total=Sum("hours"))["total"] or Decimal(0)
