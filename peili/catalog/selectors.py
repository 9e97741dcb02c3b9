"""Reads about plans, courses and classes, filtered for the user in the same step.

The enrolment side calls `person_facts`, `eligibility_rules` and `class_eligibility` to decide
who may register; the catalog page calls `catalog_entries`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, overload

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.catalog import rules
from peili.catalog.codes import Error
from peili.catalog.enums import ClassStatus, DeliveryMode, RegistrationWindow
from peili.catalog.models import (
    ClassCategoryHours,
    ClassMaterial,
    ClassSession,
    Course,
    CourseClass,
    Instructor,
    PlanItem,
    TrainingPlan,
    Venue,
    class_label,
)
from peili.core import versions
from peili.core.codes import Error as CoreError
from peili.core.errors import NotFound, PeiliError
from peili.core.permissions import visible_to
from peili.org.codes import Error as OrgError
from peili.org.enums import Role
from peili.org.models import Agency, Person
from peili.org.scopes import grants_for
from peili.policy.models import Jurisdiction
from peili.policy.schema import HoursRule
from peili.policy.selectors import category_choices, effective_pack, hours_rule

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
    return rules.eligibility(person_facts(person), class_rules(course_class))


def class_rules(course_class: CourseClass, *, newcomer_months_value: int | None = None) -> rules.EligibilityRules:
    """A class's eligibility rules: from the catalog index for a published class (no query), else
    read from the class (`eligibility_rules`)."""
    if course_class.status == ClassStatus.PUBLISHED:
        found = catalog_index().rules_of(course_class.pk)
        if found is not None:
            return found
    return eligibility_rules(course_class, newcomer_months_value=newcomer_months_value)


def person_for_user(user: Any) -> Person | None:
    """The account's person with its agency (read once per request with the account's roles)."""
    return grants_for(user).person


# --- the catalog ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogFilters:
    q: str = ""
    track: str = ""
    category: str = ""  # a learning category (its key): classes in it or in a category under it
    month: date | None = None  # any day of the month
    mode: str = ""
    agency_path: str = ""  # classes open to the agency with this materialised path


@dataclass(frozen=True, slots=True)
class CategoryHours:
    """A class's certified hours in one learning category (named by the organizer's pack)."""

    key: str
    name: str
    hours: Decimal


def class_rule(course_class: CourseClass) -> HoursRule | None:
    """The yearly rule — with the learning categories — of the class's organizer in the class's
    year (needs `course__organizer__jurisdiction`)."""
    year = (course_class.start_date or timezone.localdate()).year
    return hours_rule(course_class.course.organizer.jurisdiction, year)


def category_name(key: str, rule: HoursRule | None) -> str:
    """A learning category's name under `rule`; a key it does not know (a category the pack has since
    dropped) is shown as it is stored."""
    if rule is not None and key in rule.categories:
        return rule.categories[key].name
    return key


def class_split(course_class: CourseClass, rule: HoursRule | None = None) -> tuple[CategoryHours, ...]:
    """How the class's certified hours split across learning categories, named, in the pack's
    order of categories (reads `category_hours`, prefetched or not)."""
    rule = rule if rule is not None else class_rule(course_class)
    order = {key: n for n, (key, _c, _d) in enumerate(rule.ordered_categories())} if rule is not None else {}
    rows = sorted(
        course_class.category_hours.all(), key=lambda row: (order.get(row.category, len(order)), row.category)
    )
    return tuple(CategoryHours(row.category, category_name(row.category, rule), row.hours) for row in rows)


@dataclass(frozen=True, slots=True)
class ClassCard:
    """What the catalog shows of a class, all of it class setup (kept in the catalog index under its
    stamp); the counters that change with every registration are not here."""

    id: int
    title: str  # the course's
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
    waitlist_size: int
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    hours: tuple[CategoryHours, ...]  # the split across learning categories, in the pack's order

    @property
    def label(self) -> str:
        return class_label(self.title, self.term)

    @property
    def mode_display(self) -> str:
        return str(DeliveryMode(self.delivery_mode).label)


def card_of(course_class: CourseClass) -> ClassCard:
    """A class's card read from the class (needs `course__organizer__jurisdiction`)."""
    course = course_class.course
    return ClassCard(
        id=course_class.pk,
        title=course.title,
        term=course_class.term,
        track=course.track,
        organizer_code=course.organizer.code,
        organizer_name=course.organizer.name,
        status=course_class.status,
        delivery_mode=course_class.delivery_mode,
        start_date=course_class.start_date,
        end_date=course_class.end_date,
        certified_hours=course_class.certified_hours,
        capacity=course_class.capacity,
        waitlist_size=course_class.waitlist_size,
        registration_opens_at=course_class.registration_opens_at,
        registration_closes_at=course_class.registration_closes_at,
        hours=class_split(course_class),
    )


@dataclass(frozen=True)
class CatalogEntry:
    card: ClassCard
    eligibility: rules.Eligibility
    seats_left: int
    waitlist_count: int
    window: str = RegistrationWindow.OPEN  # where the registration window stands now
    mine: ViewerRegistration | None = None  # the viewer's own registration in the class

    @property
    def eligible(self) -> bool:
        return self.eligibility.eligible

    @property
    def window_message(self) -> str:
        return rules.window_message(self.window, self.card.registration_opens_at, self.card.registration_closes_at)

    @property
    def can_register(self) -> bool:
        """The 報名 button: the window is open, the viewer is eligible and not registered already."""
        return self.window == RegistrationWindow.OPEN and self.eligible and self.mine is None

    @property
    def categories(self) -> tuple[CategoryHours, ...]:
        return self.card.hours


@dataclass(frozen=True)
class ViewerRegistration:
    """The viewer's own active registration in a class, as the catalog shows it: 「已錄取」,
    「候補第 3 位」, 「已報名（待主管同意）」. Registration is a higher floor (enrolment): it
    registers the lookup (`register_viewer_registrations`) when its app is ready."""

    registration_id: int
    status: str
    label: str
    waitlist_position: int | None = None


ViewerRegistrations = Callable[[int, Sequence[int]], Mapping[int, ViewerRegistration]]
_viewer_lookups: list[ViewerRegistrations] = []


def register_viewer_registrations(lookup: ViewerRegistrations) -> None:
    """Called once by the enrolment app: `lookup(person_id, class_ids)` → the person's active
    registration per class (one or two queries however many classes)."""
    if lookup not in _viewer_lookups:
        _viewer_lookups.append(lookup)


def viewer_registrations(person_id: int | None, class_ids: Sequence[int]) -> dict[int, ViewerRegistration]:
    found: dict[int, ViewerRegistration] = {}
    if person_id is None or not class_ids:
        return found
    for lookup in _viewer_lookups:
        found.update(lookup(person_id, class_ids))
    return found


def registration_state(course_class: CourseClass, person: Person | None) -> tuple[str, ViewerRegistration | None]:
    """A class page's registration state for a viewer: the window now, and their own registration."""
    window = rules.registration_window(
        course_class.status,
        course_class.registration_opens_at,
        course_class.registration_closes_at,
        timezone.now(),
    )
    mine = viewer_registrations(person.pk if person else None, [course_class.pk]).get(course_class.pk)
    return window, mine


def seats_left(course_class: CourseClass) -> int:
    return rules.free_seats(capacity=course_class.capacity, confirmed=course_class.confirmed_count)


def _month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (
        first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    )
    return first, following


@dataclass(frozen=True, slots=True)
class IndexedClass:
    """What the catalog filters and orders a published class by, and the index of its eligibility
    rules in `CatalogIndex.rule_sets` (classes with the same rules share one entry)."""

    id: int
    title: str  # the course title, casefolded, for the search
    track: str
    mode: str
    start_date: date | None
    categories: frozenset[str]  # its learning categories and every category above them
    agency_paths: tuple[str, ...]
    rule_set: int
    card: ClassCard


@dataclass(frozen=True)
class CatalogIndex:
    """Every published class not yet over, in catalog order, with the choices of the filter form.

    Built once per process and day, and again whenever the catalog or policy stamp moves (class,
    course, hours split, eligibility list, agency or policy pack written). Seats are
    not in it: they change with every registration and are read live for the page shown.
    """

    classes: tuple[IndexedClass, ...]
    rule_sets: tuple[rules.EligibilityRules, ...]
    categories: tuple[tuple[str, str], ...]  # learning categories with classes: (key, indented name)
    agencies: tuple[tuple[int, str, str], ...]  # active agencies in tree order: (id, path, name)
    by_id: dict[int, IndexedClass] = field(default_factory=dict, compare=False)

    def rules_of(self, class_id: int) -> rules.EligibilityRules | None:
        """A published class's eligibility rules (None when the class is not in the catalog)."""
        found = self.by_id.get(class_id)
        return self.rule_sets[found.rule_set] if found is not None else None


# What the catalog index (and anything rendered from it, such as the filter form) is built from.
CATALOG_STAMPS = (versions.CATALOG, versions.POLICY, versions.AGENCIES)
_catalog_indexes = versions.ProcessCache[CatalogIndex](*CATALOG_STAMPS, max_keys=4)


def catalog_index(today: date | None = None, *, token: str | None = None) -> CatalogIndex:
    """`token`: `versions.stamp(*CATALOG_STAMPS)` when the caller has read it already."""
    today = today or timezone.localdate()
    return _catalog_indexes.get(today, lambda: _build_index(today), token=token)


def _build_index(today: date) -> CatalogIndex:
    rows = list(
        CourseClass.objects.filter(status=ClassStatus.PUBLISHED)
        .filter(Q(end_date__gte=today) | Q(end_date__isnull=True))
        .order_by("start_date", "course__title", "term", "pk")
        .values_list(
            "id",
            "course__title",
            "course__track",
            "delivery_mode",
            "start_date",
            "eligible_categories",
            "grade_min",
            "grade_max",
            "supervisors_only",
            "newcomers_only",
            "course__organizer__jurisdiction_id",
            *_CARD_FIELDS,
        )
    )
    ids = [row[0] for row in rows]
    agency_paths: dict[int, list[str]] = {}
    for class_id, path in CourseClass.eligible_agencies.through.objects.filter(courseclass_id__in=ids).values_list(
        "courseclass_id", "agency__path"
    ):
        agency_paths.setdefault(class_id, []).append(path)
    named: dict[int, set[int]] = {}
    for class_id, person_id in CourseClass.eligible_people.through.objects.filter(courseclass_id__in=ids).values_list(
        "courseclass_id", "person_id"
    ):
        named.setdefault(class_id, set()).add(person_id)
    split_rows: dict[int, list[tuple[str, Decimal]]] = {}
    for class_id, key, hours in (
        ClassCategoryHours.objects.filter(course_class_id__in=ids)
        .order_by()
        .values_list("course_class_id", "category", "hours")
    ):
        split_rows.setdefault(class_id, []).append((key, hours))
    jurisdictions = Jurisdiction.objects.in_bulk({row[10] for row in rows})
    hours_rules: dict[tuple[int, int], HoursRule | None] = {}
    used: dict[str, str] = {}  # the filter's categories: key → indented name, in the packs' order
    months: dict[tuple[int, int], int | None] = {}
    rule_sets: dict[rules.EligibilityRules, int] = {}
    classes = []
    for row in rows:
        class_id, title, track, mode, start, categories, low, high, supervisors, newcomers, jurisdiction = row[:11]
        card = dict(zip(_CARD_FIELDS, row[11:], strict=True))
        month_key = (jurisdiction, (start or today).year)
        if month_key not in hours_rules:
            hours_rules[month_key] = hours_rule(jurisdictions[jurisdiction], month_key[1])
        rule = hours_rules[month_key]
        class_hours = _split_of(split_rows.get(class_id, ()), rule)
        in_categories = _with_ancestors({h.key for h in class_hours}, rule)
        _note_categories(used, in_categories, rule)
        if newcomers and month_key not in months:
            months[month_key] = newcomer_months(*month_key)
        paths = tuple(sorted(agency_paths.get(class_id, ())))
        class_rules = rules.EligibilityRules(
            agency_paths=paths,
            categories=frozenset(categories or ()),
            grade_min=low,
            grade_max=high,
            supervisors_only=supervisors,
            newcomers_only=newcomers,
            newcomer_months=months[month_key] if newcomers else None,
            named_people=frozenset(named.get(class_id, ())),
            # only the newcomer rule reads the start: leaving it out lets other classes share rules
            class_start=start if newcomers else None,
        )
        classes.append(
            IndexedClass(
                id=class_id,
                title=title.casefold(),
                track=track,
                mode=mode,
                start_date=start,
                categories=in_categories,
                agency_paths=paths,
                rule_set=rule_sets.setdefault(class_rules, len(rule_sets)),
                card=ClassCard(
                    id=class_id,
                    title=title,
                    track=track,
                    delivery_mode=mode,
                    start_date=start,
                    organizer_code=card["course__organizer__code"],
                    organizer_name=card["course__organizer__name"],
                    term=card["term"],
                    status=card["status"],
                    end_date=card["end_date"],
                    certified_hours=card["certified_hours"],
                    capacity=card["capacity"],
                    waitlist_size=card["waitlist_size"],
                    registration_opens_at=card["registration_opens_at"],
                    registration_closes_at=card["registration_closes_at"],
                    hours=class_hours,
                ),
            )
        )
    return CatalogIndex(
        classes=tuple(classes),
        by_id={c.id: c for c in classes},
        rule_sets=tuple(rule_sets),
        categories=tuple(used.items()),
        agencies=tuple(Agency.objects.filter(is_active=True).order_by("path").values_list("id", "path", "name")),
    )


# The card's fields the index reads besides those it filters on.
_CARD_FIELDS = (
    "term",
    "status",
    "end_date",
    "certified_hours",
    "capacity",
    "waitlist_size",
    "registration_opens_at",
    "registration_closes_at",
    "course__organizer__code",
    "course__organizer__name",
)


def _split_of(rows: Iterable[tuple[str, Decimal]], rule: HoursRule | None) -> tuple[CategoryHours, ...]:
    order = {key: n for n, (key, _c, _d) in enumerate(rule.ordered_categories())} if rule is not None else {}
    ordered = sorted(rows, key=lambda row: (order.get(row[0], len(order)), row[0]))
    return tuple(CategoryHours(key, category_name(key, rule), hours) for key, hours in ordered)


def _with_ancestors(keys: Iterable[str], rule: HoursRule | None) -> frozenset[str]:
    """`keys` and the categories above them: a class of 性別主流化 is found under 民主治理價值 too."""
    found = set(keys)
    if rule is None:
        return frozenset(found)
    for key in list(found):
        parent = rule.categories[key].parent if key in rule.categories else None
        while parent is not None and parent not in found and parent in rule.categories:
            found.add(parent)
            parent = rule.categories[parent].parent
    return frozenset(found)


def _note_categories(used: dict[str, str], keys: frozenset[str], rule: HoursRule | None) -> None:
    """Add the filter's choices for `keys`, in the pack's order with their depth (first pack wins)."""
    if rule is None:
        for key in sorted(keys - used.keys()):
            used[key] = key
        return
    for key, label in category_choices(rule):
        if key in keys and key not in used:
            used[key] = label


def _matches(filters: CatalogFilters) -> Callable[[IndexedClass], bool] | None:
    """The filters as one predicate over indexed classes (None: no filter)."""
    tests: list[Callable[[IndexedClass], bool]] = []
    if q := filters.q.strip().casefold():
        tests.append(lambda c: q in c.title)
    if filters.track:
        tests.append(lambda c: c.track == filters.track)
    if filters.mode:
        tests.append(lambda c: c.mode == filters.mode)
    if filters.month:
        first, following = _month_bounds(filters.month)
        tests.append(lambda c: c.start_date is not None and first <= c.start_date < following)
    if filters.category:
        tests.append(lambda c: filters.category in c.categories)
    if path := filters.agency_path:
        # open to the agency: no agency restriction, or a restriction whose subtree contains it
        tests.append(lambda c: not c.agency_paths or any(path.startswith(p) for p in c.agency_paths))
    if not tests:
        return None
    return lambda c: all(test(c) for test in tests)


class Catalog(Sequence[CatalogEntry]):
    """The catalog one user sees: classes in order, eligible first; each page loaded on demand.

    Ordering and counting read only the index and the failed-rule codes of each distinct rule set;
    slicing (`catalog[20:40]`, as Django's `Paginator` and ninja's pagination do) loads just those
    classes, with their live seat counts, in two queries, and words the reasons for them only.
    """

    def __init__(
        self,
        order: list[IndexedClass],
        failed: list[tuple[str, ...]],
        rule_sets: tuple[rules.EligibilityRules, ...],
        *,
        has_person: bool,
        person_id: int | None = None,
    ) -> None:
        self._order = order
        self._failed = failed
        self._rule_sets = rule_sets
        self._has_person = has_person
        self._person_id = person_id

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> CatalogEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[CatalogEntry]: ...
    def __getitem__(self, index: int | slice) -> CatalogEntry | list[CatalogEntry]:
        if isinstance(index, slice):
            return self._load(self._order[index])
        return self._load([self._order[index]])[0]

    def __iter__(self) -> Iterator[CatalogEntry]:
        for start in range(0, len(self._order), 200):
            yield from self._load(self._order[start : start + 200])

    def _eligibility(self, rule_set: int) -> rules.Eligibility:
        if not self._has_person:
            return _no_person()
        found = self._rule_sets[rule_set]
        return rules.Eligibility(tuple(rules.reason(code, found) for code in self._failed[rule_set]))

    def _load(self, wanted: list[IndexedClass]) -> list[CatalogEntry]:
        """The entries for `wanted`: cards from the index, counters read live (one small query)."""
        if not wanted:
            return []
        counters = {
            pk: (confirmed, waitlisted)
            for pk, confirmed, waitlisted in CourseClass.objects.filter(pk__in=[c.id for c in wanted])
            .order_by()
            .values_list("pk", "confirmed_count", "waitlist_count")
        }
        mine = viewer_registrations(self._person_id, [c.id for c in wanted])
        now = timezone.now()
        return [
            CatalogEntry(
                card=c.card,
                eligibility=self._eligibility(c.rule_set),
                seats_left=rules.free_seats(capacity=c.card.capacity, confirmed=counters[c.id][0]),
                waitlist_count=counters[c.id][1],
                window=rules.registration_window(
                    c.card.status, c.card.registration_opens_at, c.card.registration_closes_at, now
                ),
                mine=mine.get(c.id),
            )
            for c in wanted
            if c.id in counters  # deleted since the index was built
        ]


def catalog_entries(
    user: Any, filters: CatalogFilters | None = None, *, today: date | None = None, index: CatalogIndex | None = None
) -> Catalog:
    """The catalog for `user`: classes they are eligible for first (each group by start date), every
    other class with its reasons. Each distinct set of eligibility rules is judged once, by the same
    pure rule as registration; the number of queries does not grow with the number of classes."""
    index = index or catalog_index(today)
    person = person_for_user(user)
    if person is None:
        failed: list[tuple[str, ...]] = [("eligibility.no_person",)] * len(index.rule_sets)
    else:
        facts = person_facts(person)
        failed = [rules.failures(facts, rule_set) for rule_set in index.rule_sets]
    match = _matches(filters or CatalogFilters())
    shown = index.classes if match is None else [c for c in index.classes if match(c)]
    eligible = [c for c in shown if not failed[c.rule_set]]
    others = [c for c in shown if failed[c.rule_set]]
    return Catalog(
        eligible + others,
        failed,
        index.rule_sets,
        has_person=person is not None,
        person_id=person.pk if person is not None else None,
    )


def class_for_user(user: Any, pk: int) -> CourseClass | None:
    """A class with its sessions, hours split and materials, if the user may see it: published (or
    closed/cancelled) for everyone signed in, drafts only for those who manage it."""
    course_class = (
        CourseClass.objects.select_related("course__organizer__jurisdiction", "course__plan_item")
        .prefetch_related(
            Prefetch("sessions", queryset=ClassSession.objects.select_related("venue").prefetch_related("instructors")),
            Prefetch("category_hours", queryset=ClassCategoryHours.objects.order_by("category")),
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


def organizer_condition(user: Any, field_name: str) -> Q | None:
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


def organizing_body_for_user(user: Any, code: str) -> Agency:
    """One of the training bodies the user may run classes for, by code: `agency.not_found` for
    another body, like one that does not exist."""
    found = organizing_bodies_for_user(user).filter(code=code).first()
    if found is None:
        raise NotFound(
            OrgError.AGENCY_NOT_FOUND, _("找不到主辦機關「%(code)s」，或不在您的權限範圍內。") % {"code": code}
        )
    return found


def classes_for_manager(user: Any, status: str = "") -> QuerySet[CourseClass]:
    qs = CourseClass.objects.select_related("course__organizer").order_by("-status", "start_date", "pk")
    if status:
        qs = qs.filter(status=status)
    condition = organizer_condition(user, "course__organizer")
    return qs if condition is None else qs.filter(condition)


def courses_for_manager(user: Any) -> QuerySet[Course]:
    qs = Course.objects.select_related("organizer", "plan_item")
    condition = organizer_condition(user, "organizer")
    return qs if condition is None else qs.filter(condition)


def plans_for_user(user: Any, year: int | None = None) -> QuerySet[TrainingPlan]:
    qs = TrainingPlan.objects.select_related("organizer", "decided_by").order_by("-year", "organizer__path")
    if year is not None:
        qs = qs.filter(year=year)
    condition = organizer_condition(user, "organizer")
    return qs if condition is None else qs.filter(condition)


def plan_for_user(user: Any, plan_id: int) -> TrainingPlan:
    """One of the plans the user may see: `plan.not_found` otherwise, whether it exists or not."""
    found = plans_for_user(user).filter(pk=plan_id).first()
    if found is None:
        raise NotFound(Error.PLAN_NOT_FOUND, _("找不到此年度計畫。"))
    return found


def catalog_agency(code: str) -> Agency:
    """The agency a catalog search is filtered for (classes open to it): `agency.not_found`."""
    found = Agency.objects.filter(code=code).first()
    if found is None:
        raise NotFound(OrgError.AGENCY_NOT_FOUND, _("找不到機關「%(code)s」。") % {"code": code})
    return found


def venues_active() -> QuerySet[Venue]:
    return Venue.objects.filter(is_active=True).select_related("agency").order_by("name")


def instructors_active() -> QuerySet[Instructor]:
    return Instructor.objects.filter(is_active=True).order_by("name")


def class_category_choices(course_class: CourseClass) -> list[tuple[str, str]]:
    """The learning categories a class's hours may be split across: its organizer's pack's."""
    return category_choices(class_rule(course_class))


# --- tracks from the policy pack ------------------------------------------------------------------


# Tracks come from the packs alone; following the catalog's stamps too lets the catalog page read
# one stamp for everything it keeps.
_tracks = versions.ProcessCache[tuple[tuple[str, str], ...]](*CATALOG_STAMPS)


def track_choices(jurisdiction: Jurisdiction | int, year: int, *, token: str | None = None) -> list[tuple[str, str]]:
    """(key, name) of the tracks/colleges in the effective pack's `categories` taxonomy (may be empty);
    kept per process until a pack changes. `token`: `versions.stamp(*CATALOG_STAMPS)` if read already."""
    key = jurisdiction if isinstance(jurisdiction, int) else jurisdiction.pk
    return list(_tracks.get((key, year), lambda: tuple(_read_tracks(jurisdiction, year)), token=token))


def _read_tracks(jurisdiction: Jurisdiction | int, year: int) -> list[tuple[str, str]]:
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


def plan_item_for_publishing(user: Any, item_id: str) -> PlanItem | None:
    """An item of an approved plan the user may open a course from (None otherwise)."""
    return plan_items_for_publishing(user).filter(pk=item_id).first()


def plan_item(plan: TrainingPlan, item_id: int) -> PlanItem:
    """An item of the plan: not found when the plan has no such item."""
    found = PlanItem.objects.filter(pk=item_id, plan=plan).first()
    if found is None:
        raise NotFound(CoreError.NOT_FOUND, _("找不到此資源。"))
    return found


def managed_course_for_user(user: Any, course_id: int) -> Course:
    """A course whose classes the user sets up: `course.not_found`, or `permission.denied` when
    another body's."""
    found = Course.objects.select_related("organizer").filter(pk=course_id).first()
    return visible_to(user, "catalog.manage_object", found, NotFound(Error.COURSE_NOT_FOUND, _("找不到此課程。")))


def managed_class_for_user(user: Any, class_id: int) -> CourseClass:
    """A class the user sets up: `class.not_found`, or `permission.denied` when another body's."""
    found = CourseClass.objects.select_related("course__organizer").filter(pk=class_id).first()
    return visible_to(user, "catalog.manage_object", found, NotFound(Error.CLASS_NOT_FOUND, _("找不到此班期。")))


def class_session(course_class: CourseClass, session_id: int, *, with_instructors: bool = False) -> ClassSession:
    """One of the class's sessions: not found when the class has no such session."""
    qs = ClassSession.objects.prefetch_related("instructors") if with_instructors else ClassSession.objects.all()
    found = qs.filter(pk=session_id, course_class=course_class).first()
    if found is None:
        raise NotFound(CoreError.NOT_FOUND, _("找不到此資源。"))
    return found


def class_material(course_class: CourseClass, material_id: int) -> ClassMaterial:
    """One of the class's materials: not found when the class has no such material."""
    found = ClassMaterial.objects.filter(pk=material_id, course_class=course_class).first()
    if found is None:
        raise NotFound(CoreError.NOT_FOUND, _("找不到此資源。"))
    return found


def plan_items_for_publishing(user: Any) -> QuerySet[PlanItem]:
    """Items of approved plans the user may open courses from."""
    qs = PlanItem.objects.filter(plan__status="approved").select_related("plan__organizer")
    condition = organizer_condition(user, "plan__organizer")
    return qs if condition is None else qs.filter(condition)


def hours_total(course_class: CourseClass) -> Decimal:
    return course_class.category_hours.aggregate(total=Sum("hours"))["total"] or Decimal(0)
