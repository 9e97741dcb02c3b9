"""Reads of the hours ledger.

- One person: their records (two queries on the `(person, year)` index), their standing in a year
  computed from those records, and the whole transcript grouped by learning year.
- An agency subtree: the compliance list and the dashboard's numbers, read from the stored
  standings (`YearStanding`), never from the ledger. The subtree is a prefix of `Agency.path` (one
  index range, no recursion); only active people count; an active person without a standing for the
  year (nobody has recomputed it, and no record of theirs was written) has no learning that year.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, overload

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.core.codes import Error as CoreError
from peili.core.errors import NotFound, PermissionDenied
from peili.core.permissions import allowed
from peili.org.codes import Error as OrgError
from peili.org.enums import Role
from peili.org.models import Agency, Person
from peili.org.rules import mask_national_id
from peili.org.scopes import grants_for
from peili.policy.models import Jurisdiction
from peili.policy.schema import HoursRule
from peili.policy.selectors import effective_pack, hours_rule
from peili.records import rules
from peili.records.models import LearningRecord, RecordHours, YearStanding

ZERO = Decimal(0)
# "How concentrated is training": the share of all hours held by the top 10 % of people — the
# measure the issue names, a way of reading the numbers rather than a rule of any pack.
CONCENTRATION_FRACTION = Decimal("0.1")

# The people filter of the dashboard (and what a reminder goes to: SHORT).
ALL = "all"
SHORT = "short"
MEETS = "meets"
NONE = "none"
STATUSES = (ALL, SHORT, MEETS, NONE)


@dataclass(frozen=True)
class ComplianceRow:
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
    short_of: tuple[str, ...]  # 「尚缺 環境教育 2 小時」…
    person_id: int | None = None


def _short_of(standing: YearStanding | None, rule: HoursRule | None) -> tuple[str, ...]:
    """The shortfalls of a stored standing, worded; a person without one has no hours at all."""
    if rule is None:
        return ()
    if standing is None:
        return tuple(s.message for s in rules.standing(ZERO, {}, rule).shortfalls)
    names = rules.requirement_names(rule)
    required = rules.requirement_hours(rule)
    return tuple(
        rules.Shortfall(key, names.get(key, key), required[key], Decimal(standing.counted.get(key, "0"))).message
        for key in standing.shortfall_keys
        if key in required
    )


class _Rules:
    """The yearly rule of each jurisdiction met while listing people, read once each."""

    def __init__(self, year: int) -> None:
        self.year = year
        self._rules: dict[int, HoursRule | None] = {}
        self._jurisdictions: dict[int, Jurisdiction] = {}

    def know(self, jurisdiction_id: int, rule: HoursRule | None) -> None:
        """A rule the caller has read already (the dashboard's agency's)."""
        self._rules[jurisdiction_id] = rule

    def preload(self, jurisdiction_ids: Iterable[int]) -> None:
        missing = set(jurisdiction_ids) - set(self._rules) - set(self._jurisdictions)
        if missing:
            self._jurisdictions.update(Jurisdiction.objects.in_bulk(missing))

    def __call__(self, jurisdiction_id: int) -> HoursRule | None:
        if jurisdiction_id not in self._rules:
            jurisdiction = self._jurisdictions.get(jurisdiction_id) or Jurisdiction.objects.get(pk=jurisdiction_id)
            self._rules[jurisdiction_id] = hours_rule(jurisdiction, self.year)
        return self._rules[jurisdiction_id]


def _row(person: Person, year: int, standing: YearStanding | None, rule: HoursRule | None) -> ComplianceRow:
    if standing is None:  # no standing stored: no hours that year
        nothing = rules.standing(ZERO, {}, rule) if rule is not None else None
        total, records = ZERO, 0
        missing = nothing.missing if nothing is not None else ZERO
        meets = nothing.meets if nothing is not None else False
    else:
        total, missing, meets, records = standing.total, standing.missing, standing.meets, standing.records
    return ComplianceRow(
        national_id_masked=mask_national_id(person.national_id),
        employee_number=person.employee_number,
        name=person.name,
        agency_code=person.agency.code,
        agency_name=person.agency.name,
        year=year,
        total=total,
        missing=missing,
        meets=meets,
        records=records,
        short_of=_short_of(standing, rule),
        person_id=person.pk,
    )


class ComplianceRows(Sequence[ComplianceRow]):
    """Everyone's stored standing in a year (or an agency's subtree), ordered by agency then name, as
    rows — built only for the slice asked for: the API's page of 200 out of a subtree of thousands
    costs a count and that page (its people, their standings, the rules), not every row."""

    def __init__(self, standings: QuerySet[YearStanding], year: int) -> None:
        self._standings = standings
        self._year = year
        self._rule_of = _Rules(year)
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self._standings.count()
        return self._count

    def _rows(self, standings: Iterable[YearStanding]) -> list[ComplianceRow]:
        standings = list(standings)
        self._rule_of.preload({s.person.agency.jurisdiction_id for s in standings})
        return [_row(s.person, self._year, s, self._rule_of(s.person.agency.jurisdiction_id)) for s in standings]

    @overload
    def __getitem__(self, index: int) -> ComplianceRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[ComplianceRow]: ...

    def __getitem__(self, index: int | slice) -> ComplianceRow | list[ComplianceRow]:
        if isinstance(index, slice):
            return self._rows(self._standings[index])
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._rows(self._standings[index : index + 1])[0]

    def __iter__(self) -> Iterator[ComplianceRow]:
        """Every row, read in chunks (the `peili compliance` file of a whole year)."""
        chunk: list[YearStanding] = []
        for standing in self._standings.iterator(chunk_size=2000):
            chunk.append(standing)
            if len(chunk) == 2000:
                yield from self._rows(chunk)
                chunk = []
        yield from self._rows(chunk)


def compliance_rows(year: int, *, agency: Agency | None = None) -> ComplianceRows:
    """Everyone's stored standing in `year` (or in an agency's subtree, by its path: one index
    range), ordered by agency then name, with shortfalls worded from the yearly rule of each
    jurisdiction — the list of `peili compliance` and `GET /api/v1/records/compliance`."""
    standings = YearStanding.objects.filter(year=year).select_related("person__agency")
    if agency is not None:
        standings = standings.filter(person__agency__path__startswith=agency.path)
    return ComplianceRows(standings.order_by("person__agency__path", "person__name", "person_id"), year)


# --- one person -----------------------------------------------------------------------------------


def transcript(person_id: int, year: int | None = None) -> list[LearningRecord]:
    """A person's current records (corrections shown as the record that replaced them), newest
    first, each with its split — two queries on the (person, year) index."""
    records = LearningRecord.objects.filter(person_id=person_id, superseded_by__isnull=True)
    if year is not None:
        records = records.filter(year=year)
    return list(
        records.order_by("-end_date", "-id").prefetch_related(
            Prefetch("hours", queryset=RecordHours.objects.order_by("category", "code"))
        )
    )


def _year_figures(records: Sequence[LearningRecord], rule: HoursRule | None) -> tuple[Decimal, dict[str, Decimal]]:
    """The year's total and its hours per learning category (codes resolved through `rule`)."""
    total = sum((r.certified_hours for r in records), ZERO)
    if rule is None:
        return total, {}
    parts = [(h.category, h.code, h.hours) for r in records for h in r.hours.all()]
    return total, rules.by_category(parts, rule)


def year_standing(person: Person, year: int, records: Sequence[LearningRecord] | None = None) -> rules.Standing:
    """A person's standing in `year`, computed from their records under their jurisdiction's rule
    (one person's year: a few rows; the stored `YearStanding` is what lists read). `records`: that
    year's records when the caller has read them already (`transcript(person.pk, year)`)."""
    current = transcript(person.pk, year) if records is None else records
    rule = effective_pack(person.agency.jurisdiction, year).hours
    total, by_key = _year_figures(current, rule)
    return rules.standing(total, by_key, rule)


def part_name(category: str, code: str, rule: HoursRule | None) -> str:
    """How a part of a record is named to people: its learning category's name under `rule`, or —
    for hours known only by a portal code the pack has no category for — the code itself."""
    key = rules.category_of(category, code, rule) if rule is not None else category
    if rule is not None and key in rule.categories:
        return rule.categories[key].name
    if code:
        return _("入口網類別代碼 %(code)s") % {"code": code}
    return _("其他學習類別")


@dataclass(frozen=True)
class SplitLine:
    category: str  # the learning category counted (its key); "" when no category is known
    code: str  # the portal's category code the record was imported with; "" for Peili's own
    name: str  # the learning category's name, or the portal code when no category is known
    hours: Decimal


def _split_lines(record: LearningRecord, rule: HoursRule | None) -> tuple[SplitLine, ...]:
    """A record's parts, named, in the order of the pack's categories (unknown codes last)."""
    lines = []
    for part in record.hours.all():
        category = rules.category_of(part.category, part.code, rule) if rule is not None else part.category
        lines.append(SplitLine(category, part.code, part_name(part.category, part.code, rule), part.hours))
    order = {key: n for n, (key, _c, _d) in enumerate(rule.ordered_categories())} if rule is not None else {}
    return tuple(sorted(lines, key=lambda line: (order.get(line.category, len(order)), line.code)))


@dataclass(frozen=True)
class RecordLine:
    """A record as the transcript shows it: with its split by category, named."""

    record: LearningRecord
    split: tuple[SplitLine, ...]


@dataclass(frozen=True)
class TranscriptYear:
    """One learning year of a transcript: its records and how they stand against that year's rule."""

    year: int
    records: tuple[LearningRecord, ...]
    total: Decimal
    digital: Decimal
    classroom: Decimal
    standing: rules.Standing | None  # None: no yearly rule reaches this year
    requirements: tuple[rules.Progress, ...] = ()  # the yearly minimum and each mandatory category
    floors: tuple[rules.Progress, ...] = ()  # floors inside a category (性別主流化), shown apart
    by_category: dict[str, Decimal] = field(default_factory=dict)  # learning category key → hours
    lines: tuple[RecordLine, ...] = ()

    @property
    def shortfalls(self) -> tuple[str, ...]:
        return tuple(s.message for s in self.standing.shortfalls) if self.standing else ()


@dataclass(frozen=True)
class Transcript:
    person: Person
    years: tuple[TranscriptYear, ...]  # the years shown, newest first
    available_years: tuple[int, ...]  # every year with learning, and this year; newest first
    year: int | None  # the year chosen; None: all years
    today: date

    @property
    def total(self) -> Decimal:
        return sum((y.total for y in self.years), ZERO)

    @property
    def record_count(self) -> int:
        return sum(len(y.records) for y in self.years)


def person_transcript(
    person: Person, *, year: int | None = None, today: date | None = None, list_years: bool = True
) -> Transcript:
    """Everything `person` learnt (needs `person.agency`), grouped by learning year — or only
    `year` — each year with its standing under that year's rule, progress per requirement, and each
    record's split named by that year's learning categories. Two queries (the records, their
    splits) and, for one year with `list_years`, a third for the years there are; the rules and
    category names come from the per-process pack cache."""
    today = today or timezone.localdate()
    records = transcript(person.pk, year)
    by_year: dict[int, list[LearningRecord]] = {}
    for record in records:
        by_year.setdefault(record.year, []).append(record)
    years_with_records = set(by_year)
    if year is not None:
        years_with_records = {year}
        if list_years:
            years_with_records |= set(
                LearningRecord.objects.filter(person_id=person.pk, superseded_by__isnull=True)
                .order_by()
                .values_list("year", flat=True)
                .distinct()
            )
    available = tuple(sorted(years_with_records | {today.year}, reverse=True))
    shown = [year] if year is not None else list(available)
    years = []
    for each in shown:
        current = by_year.get(each, [])
        rule = hours_rule(person.agency.jurisdiction, each)
        total, by_key = _year_figures(current, rule)
        standing = rules.standing(total, by_key, rule) if rule is not None else None
        progress = rules.progress(standing, rule) if standing is not None and rule is not None else ()
        years.append(
            TranscriptYear(
                year=each,
                records=tuple(current),
                total=total,
                digital=sum((r.digital_hours for r in current), ZERO),
                classroom=sum((r.classroom_hours for r in current), ZERO),
                standing=standing,
                requirements=tuple(p for p in progress if not p.is_floor),
                floors=tuple(p for p in progress if p.is_floor),
                by_category=by_key,
                lines=tuple(RecordLine(r, _split_lines(r, rule)) for r in current),
            )
        )
    return Transcript(
        person=person,
        years=tuple(years),
        available_years=available,
        year=year,
        today=today,
    )


# --- an agency subtree ----------------------------------------------------------------------------


def in_scope(user: Any, agency_path: str) -> bool:
    """May `user` see the compliance of this agency subtree (or of a person working there)? An
    administrator, or a personnel officer whose subtree holds it — the test of org's
    `agency_in_officer_scope` / `person_in_officer_scope`: a prefix test on the path, no query
    (the named predicate `records.view_compliance_of`)."""
    return allowed(user, "records.view_compliance_of", agency_path)


def transcript_person_for_user(user: Any, person_id: int) -> Person:
    """A person whose transcript the user reads: `person.not_found` when there is none,
    `permission.denied` when outside the user's compliance scope (the API's published answer)."""
    person = Person.objects.select_related("agency__jurisdiction").filter(pk=person_id).first()
    if person is None:
        raise NotFound(OrgError.PERSON_NOT_FOUND, _("找不到此人員。"))
    if not in_scope(user, person.agency.path):
        raise PermissionDenied(CoreError.PERMISSION_DENIED, _("您沒有權限執行此操作。"), status=403)
    return person


def compliance_agency_for_user(user: Any, code: str) -> Agency:
    """An agency subtree in the user's compliance scope (not `agencies_for_user`, which gives an
    organizer every agency): `agency.not_found` otherwise, whether it exists or not."""
    agency = Agency.objects.select_related("jurisdiction").filter(code=code).first()
    if agency is None or not in_scope(user, agency.path):
        raise NotFound(OrgError.AGENCY_NOT_FOUND, _("找不到機關「%(code)s」，或不在您的權限範圍內。") % {"code": code})
    return agency


def dashboard_agency_for_user(user: Any, code: str) -> Agency:
    """The agency subtree the compliance dashboard shows: the one named by `code`, else the user's
    default (`default_agency`); not found when there is none, `permission.denied` outside the
    user's compliance scope."""
    agency = Agency.objects.select_related("jurisdiction").filter(code=code).first() if code else default_agency(user)
    if agency is None:
        raise NotFound(OrgError.AGENCY_NOT_FOUND, _("找不到機關。"))
    if not in_scope(user, agency.path):
        raise PermissionDenied(CoreError.PERMISSION_DENIED, _("您沒有權限執行此操作。"), status=403)
    return agency


def default_agency(user: Any) -> Agency | None:
    """Where the dashboard opens: a personnel officer's own top agency (the first of their
    subtrees), an administrator's own agency's root, else the first root agency."""
    grants = grants_for(user)
    agencies = Agency.objects.select_related("jurisdiction")
    paths = sorted(grants.scopes.get(Role.PERSONNEL_OFFICER, ()))
    if paths:
        return agencies.filter(path=paths[0]).first()
    if grants.is_admin:
        if grants.person_agency_path:
            root = grants.person_agency_path.split("/", 1)[0] + "/"
            found = agencies.filter(path=root).first()
            if found is not None:
                return found
        return agencies.filter(parent__isnull=True).order_by("path").first()
    return None


def agency_choices(agency: Agency, *, scope_paths: Sequence[str] = ()) -> list[Agency]:
    """The agencies the dashboard's agency picker offers around `agency`: the way up to the root,
    `agency` itself, its direct children, and the tops of `scope_paths` — one query, however large
    the tree (the caller drops those outside the user's scope)."""
    ancestors = [code for code in agency.path.split("/") if code]
    return list(
        Agency.objects.filter(Q(code__in=ancestors) | Q(parent=agency) | Q(path__in=list(scope_paths))).order_by("path")
    )


def subtree_people(agency: Agency) -> QuerySet[Person]:
    """The active people of an agency and every agency below it (a prefix of the path)."""
    return Person.objects.filter(is_active=True, agency__path__startswith=agency.path)


def subtree_standings(agency: Agency, year: int) -> QuerySet[YearStanding]:
    """The stored standings in `year` of the active people of the subtree."""
    return YearStanding.objects.filter(
        year=year, person__is_active=True, person__agency__path__startswith=agency.path
    ).order_by()


def _holds(key: str) -> Q:
    """A standing whose shortfalls include `key` (a LIKE on the JSON text: the same on SQLite and
    PostgreSQL; keys are quoted, so `a` does not match `a.b`)."""
    return Q(shortfall_keys__icontains=f'"{key}"')


def compliance_people(
    agency: Agency, year: int, *, status: str = ALL, short_of: str = "", rule: HoursRule | None = None
) -> QuerySet[Person]:
    """The dashboard's list: active people of the subtree, filtered by their standing in `year` —
    `status` all / short / meets / none (no learning that year), `short_of` a requirement key of
    `rule` — ordered by agency and name. Each filter is an EXISTS on the `(person, year)` standing,
    so a page of it reads only that page's rows; people without a standing have no hours at all."""
    people = subtree_people(agency).select_related("agency")
    standing = YearStanding.objects.filter(person=OuterRef("pk"), year=year)
    required = rules.requirement_hours(rule) if rule is not None else {}
    if status == MEETS:
        wanted = Q(meets=True) & (_holds(short_of) if short_of else Q())
        return people.filter(Exists(standing.filter(wanted))).order_by("agency__path", "name", "pk")
    if short_of and required.get(short_of, ZERO) <= 0:  # a requirement of no hours: only a stored shortfall
        people = people.filter(Exists(standing.filter(_holds(short_of))))
    # Whoever has no standing has no hours: short of everything. So each other filter is "no standing
    # that rules them out" — one anti-join on the (person, year) index, however they combine.
    ruled_out = Q()
    if status == SHORT:
        ruled_out |= Q(meets=True)
    elif status == NONE:
        ruled_out |= Q(records__gt=0)
    if short_of and required.get(short_of, ZERO) > 0:
        ruled_out |= ~_holds(short_of)
    if ruled_out:
        people = people.filter(~Exists(standing.filter(ruled_out)))
    return people.order_by("agency__path", "name", "pk")


def compliance_list(
    people: Iterable[Person], year: int, *, known: tuple[int, HoursRule | None] | None = None
) -> list[ComplianceRow]:
    """The rows for `people` (a page of `compliance_people`): their stored standings in one query,
    the yearly rule per jurisdiction from the pack cache. `known`: (jurisdiction id, its rule) when
    the caller has read it already — most people share their agency's jurisdiction."""
    people = list(people)
    standings = {s.person_id: s for s in YearStanding.objects.filter(year=year, person_id__in=[p.pk for p in people])}
    rule_of = _Rules(year)
    if known is not None:
        rule_of.know(*known)
    rule_of.preload({p.agency.jurisdiction_id for p in people})
    return [_row(p, year, standings.get(p.pk), rule_of(p.agency.jurisdiction_id)) for p in people]


def with_rows(people: QuerySet[Person], year: int) -> list[tuple[Person, ComplianceRow]]:
    """Every person of a filtered list with their row — for a file or a reminder: the people and
    their standings in two queries (the standings by a subquery of the same filter, not a list of
    thousands of ids)."""
    listed = list(people)
    standings = {s.person_id: s for s in YearStanding.objects.filter(year=year, person__in=people.values("pk"))}
    rule_of = _Rules(year)
    rule_of.preload({p.agency.jurisdiction_id for p in listed})
    return [(p, _row(p, year, standings.get(p.pk), rule_of(p.agency.jurisdiction_id))) for p in listed]


def compliance_export(people: QuerySet[Person], year: int) -> list[ComplianceRow]:
    return [row for _person, row in with_rows(people, year)]


@dataclass(frozen=True)
class ShortOf:
    key: str
    name: str
    required: Decimal
    people: int


@dataclass(frozen=True)
class ComplianceSummary:
    """The dashboard's numbers for an agency subtree in a year (and `GET …/agencies/{code}/summary`)."""

    agency: Agency
    year: int
    people: int  # active people in the subtree
    meets: int
    short: int
    none: int  # no learning at all that year
    total_hours: Decimal
    top_fraction: Decimal
    top_share: Decimal | None  # of all hours, held by the top `top_fraction` of people
    bands: tuple[rules.HoursBand, ...]
    short_of: tuple[ShortOf, ...]  # per requirement of the agency's rule: how many are short of it
    rule: HoursRule | None

    def listed(self, status: str, short_of: str = "") -> int | None:
        """How many people `compliance_people(status=…, short_of=…)` lists, known from these numbers
        (so a page of the list needs no count of its own); None when they do not tell."""
        if short_of:
            by_key = {item.key: item.people for item in self.short_of}
            if short_of not in by_key:
                return None
            # Being short of a requirement is being short: the same people with or without SHORT.
            return {ALL: by_key[short_of], SHORT: by_key[short_of], MEETS: 0}.get(status)
        return {ALL: self.people, SHORT: self.short, MEETS: self.meets, NONE: self.none}.get(status)

    @property
    def average(self) -> Decimal | None:
        return (self.total_hours / self.people).quantize(Decimal("0.1")) if self.people else None

    @property
    def meets_percent(self) -> int | None:
        return round(self.meets * 100 / self.people) if self.people else None

    @property
    def top_percent(self) -> int:
        return int(self.top_fraction * 100)

    @property
    def top_share_percent(self) -> Decimal | None:
        return (self.top_share * 100).quantize(Decimal("0.1")) if self.top_share is not None else None


def compliance_summary(agency: Agency, year: int, *, rule: HoursRule | None = None) -> ComplianceSummary:
    """The subtree's numbers in two queries whatever its size: the people (a count), and one narrow
    read of their stored standings — total, met, how many records, what is short — counted here:
    for 5,000 people that one index pass (about 15 ms on PostgreSQL) is cheaper than a second pass
    for SQL aggregates, and counting the rows takes under a millisecond. The concentration and the
    distribution come from `rules.top_share` and `rules.distribution`. People without a standing
    count as having no hours. `rule`: the agency's yearly rule, when the caller has it."""
    if rule is None:
        rule = hours_rule(agency.jurisdiction, year)
    people = subtree_people(agency).count()
    # The shortfalls as their JSON text, not decoded: a substring test per requirement is all the
    # counting needs (keys are quoted, so `a` does not match `a.b`).
    keys_text = Cast("shortfall_keys", output_field=TextField())
    rows = list(subtree_standings(agency, year).values_list("total", "meets", "records", keys_text))
    required = rules.requirement_hours(rule) if rule is not None else {}
    names = rules.requirement_names(rule) if rule is not None else {}
    unscored = max(people - len(rows), 0)
    short_of = {key: unscored + sum(1 for row in rows if f'"{key}"' in row[3]) for key in required}
    meets = sum(1 for row in rows if row[1])
    totals = [row[0] for row in rows] + [ZERO] * unscored
    return ComplianceSummary(
        agency=agency,
        year=year,
        people=people,
        meets=meets,
        short=people - meets,
        none=sum(1 for row in rows if row[2] == 0) + unscored,
        total_hours=sum(totals, ZERO).quantize(Decimal("0.1")),
        top_fraction=CONCENTRATION_FRACTION,
        top_share=rules.top_share(totals, CONCENTRATION_FRACTION),
        bands=rules.distribution(totals, required.get(rules.YEARLY_MINIMUM, ZERO)),
        short_of=tuple(ShortOf(key, names[key], hours, short_of[key]) for key, hours in required.items() if hours > 0),
        rule=rule,
    )


@dataclass(frozen=True)
class ReminderReach:
    """Who a reminder to the short people of a subtree would reach."""

    short: int
    with_email: int

    @property
    def without_email(self) -> int:
        return self.short - self.with_email


def _without_email() -> Q:
    return Q(email="") & (Q(user__isnull=True) | Q(user__email=""))


def reminder_reach(agency: Agency, year: int) -> ReminderReach:
    short = compliance_people(agency, year, status=SHORT).order_by()
    return ReminderReach(short=short.count(), with_email=short.exclude(_without_email()).count())


def reminder_recipients(agency: Agency, year: int) -> QuerySet[Person]:
    """The short people of the subtree with an address (their own, or their account's)."""
    return compliance_people(agency, year, status=SHORT).exclude(_without_email()).select_related("user")


def hours_this_year(person_ids: Iterable[int], year: int) -> dict[int, Decimal]:
    """Each person's certified hours in `year`, from the hours ledger's yearly standing (kept
    current by every write of the ledger); 0 for someone with no learning that year."""
    ids = list(person_ids)
    totals = {pk: Decimal(0) for pk in ids}
    totals.update(YearStanding.objects.filter(person_id__in=ids, year=year).values_list("person_id", "total"))
    return totals
