"""Every write of registration. Each service locks the class row (`select_for_update`) before it
reads or changes any registration of that class, so seats, the waitlist and the class counters
are never check-then-act; each state change writes a `RegistrationEvent` and an audit entry; mail
and in-app notices are queued with `transaction.on_commit` (a refused or rolled-back change sends
nothing).

Lock order, to stay free of deadlocks: (when needed) one person row first, then the class row. What
only concerns the person — a registration for this class already, a clash with the classes they
hold — is judged under the person's lock, before the class's: the class row, which everyone
registering for it queues on, is held only for the seat itself (place, insert, count, history).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.catalog.models import CourseClass
from peili.catalog.rules import Reason, free_seats
from peili.core import audit, locking, versions
from peili.core.errors import Conflict, NotFound, PeiliError
from peili.core.models import AuditEntry
from peili.core.selectors import single
from peili.core.text import name_refusal, nfc
from peili.enrolment import rules, selectors, tasks
from peili.enrolment.codes import Action
from peili.enrolment.enums import ErrorCode, Meal, NotificationKind, RegistrationStatus, Source
from peili.enrolment.models import Registration, RegistrationEvent
from peili.org.models import Person

S = RegistrationStatus
AUDIT_FIELDS = ("status", "meal", "deputy", "deputy_name", "source", "consent_at", "cancelled_at", "promoted_at")


@dataclass(frozen=True)
class Registered:
    registration: Registration
    warnings: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class NominationResult:
    person: Person
    registration: Registration | None = None
    error: PeiliError | None = None
    warnings: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.error is None


# --- helpers -------------------------------------------------------------------------------------


def _refuse(reason: Reason, *, details: Any = None) -> PeiliError:
    return PeiliError(reason.code, reason.message, details=details)


def _load_class(course_class_id: int) -> CourseClass:
    """The class with its course and organizer, fetched *before* the lock so the lock is held
    briefly (eligibility reads the catalog index, or the class's lists when it is not published)."""
    found = single(CourseClass.objects.select_related("course__organizer").filter(pk=course_class_id))
    if found is None:
        raise NotFound(ErrorCode.CLASS_NOT_FOUND, _("找不到此班期。"))
    return found


def _require_eligible(person: Person, course_class: CourseClass | int, policy: rules.RegistrationPolicy) -> None:
    """Refuse a person the class's eligibility rules exclude. Given the class's id, a published
    class's rules come from the catalog index kept in this process (no query); any other class
    is read."""
    if isinstance(course_class, int):
        verdict = selectors.eligibility_in_index(person, course_class, policy)
        if verdict is None:
            verdict = selectors.eligibility_of(person, _load_class(course_class), policy)
    else:
        verdict = selectors.eligibility_of(person, course_class, policy)
    if not verdict.eligible:
        raise PeiliError(
            ErrorCode.NOT_ELIGIBLE,
            "".join(r.message for r in verdict.reasons),
            details={"reasons": [{"code": r.code, "message": r.message} for r in verdict.reasons]},
        )


def _lock_class(course_class_id: int) -> CourseClass:
    """Lock the class row and return it fresh, with its course and organizer read in the same
    query (joined, not locked: class setup, not what the lock protects)."""
    try:
        return locking.lock_row(
            CourseClass.objects.select_for_update(of=("self",)).select_related("course__organizer"),
            pk=course_class_id,
        )
    except CourseClass.DoesNotExist:
        raise NotFound(ErrorCode.CLASS_NOT_FOUND, _("找不到此班期。")) from None


def _lock_person(person_id: int) -> None:
    """Lock the person's row only. Person's default ordering joins the agency; without order_by()
    and of=("self",) the agency row was locked too, queueing every registration of that agency."""
    locking.lock_rows(Person, [person_id])


def _facts(course_class: CourseClass) -> rules.ClassFacts:
    return rules.ClassFacts(
        status=course_class.status,
        capacity=course_class.capacity,
        waitlist_size=course_class.waitlist_size,
        confirmed=course_class.confirmed_count,
        waitlisted=course_class.waitlist_count,
        pending=course_class.pending_count,
        needs_consent=course_class.needs_supervisor_consent,
        opens_at=course_class.registration_opens_at,
        closes_at=course_class.registration_closes_at,
        cancellation_deadline=course_class.cancellation_deadline,
    )


_COUNTERS: dict[str, str] = {
    S.CONFIRMED: "confirmed_count",
    S.WAITLISTED: "waitlist_count",
    S.PENDING_CONSENT: "pending_count",
}


def _count(course_class: CourseClass, status: str, delta: int, *, then: str | None = None) -> None:
    """Move the counter of `status` by `delta` — and, with `then`, the counter of that status by
    `-delta` (a registration moving from one to the other) — in one UPDATE with F() (we hold the
    row's lock), keeping the copy in step."""
    changes = {name: d for name, d in ((_COUNTERS.get(status), delta), (_COUNTERS.get(then or ""), -delta)) if name}
    if not changes:
        return
    CourseClass.objects.filter(pk=course_class.pk).update(**{name: F(name) + d for name, d in changes.items()})
    for name, d in changes.items():
        setattr(course_class, name, getattr(course_class, name) + d)
    # The class's seats kept per process (`selectors.class_seats`) are read again when a place is
    # freed (a kept "full" must never outlive it), and when the class has just become full (so
    # the next requests are refused before the lock); a place taken otherwise keeps them.
    freed = any(d < 0 for d in changes.values())
    if freed or rules.placement(_facts(course_class), consent_needed=course_class.needs_supervisor_consent).refusal:
        versions.bump(versions.SEATS)


def _history(
    registration: Registration, *, actor: Any, before: str, action: str, note: str = ""
) -> tuple[RegistrationEvent, AuditEntry]:
    """The event and the audit entry of one state change (unsaved, for `_save_history`)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = RegistrationEvent(
        registration=registration, actor=user, from_status=before, to_status=registration.status, note=note[:300]
    )
    entry = audit.entry(
        actor=actor,
        action=action,
        target=registration,
        before={"status": before} if before else None,
        after=audit.snapshot(registration, AUDIT_FIELDS),
        note=note,
    )
    return event, entry


def _save_history(items: Iterable[tuple[RegistrationEvent, AuditEntry]]) -> None:
    pairs = list(items)
    RegistrationEvent.objects.bulk_create([e for e, _a in pairs])
    AuditEntry.objects.bulk_create([a for _e, a in pairs])


def _notify(registration_id: int, kind: str) -> None:
    # robust: a mail server that is down must not turn a committed registration into an error page.
    transaction.on_commit(lambda: tasks.notify_registration.delay(registration_id, kind), robust=True)


def _notify_for_status(registration: Registration) -> None:
    kinds: dict[str, str] = {
        S.CONFIRMED: NotificationKind.CONFIRMED,
        S.WAITLISTED: NotificationKind.WAITLISTED,
        S.PENDING_CONSENT: NotificationKind.CONSENT_REQUEST,
    }
    kind = kinds.get(registration.status)
    if kind is not None:
        _notify(registration.pk, kind)


def _promote(course_class: CourseClass, *, actor: Any, now: datetime) -> list[Registration]:
    """Fill free seats from the waitlist in order (registration time, then id). Caller holds the lock,
    so each waitlisted person is promoted exactly once however many cancellations race."""
    free = free_seats(capacity=course_class.capacity, confirmed=course_class.confirmed_count)
    if free == 0 or course_class.waitlist_count == 0:
        return []
    promoted = list(selectors.waitlist(course_class.pk)[:free])
    history = []
    for registration in promoted:
        registration.status = S.CONFIRMED
        registration.promoted_at = now
        history.append(
            _history(registration, actor=actor, before=S.WAITLISTED, action=Action.PROMOTE, note=_("候補遞補錄取"))
        )
    if promoted:
        Registration.objects.bulk_update(promoted, ["status", "promoted_at", "updated_at"])
        n = len(promoted)
        CourseClass.objects.filter(pk=course_class.pk).update(
            confirmed_count=F("confirmed_count") + n, waitlist_count=F("waitlist_count") - n
        )
        versions.bump(versions.SEATS)
        course_class.confirmed_count += n
        course_class.waitlist_count -= n
        _save_history(history)
        for registration in promoted:
            _notify(registration.pk, NotificationKind.PROMOTED)
    return promoted


def _fresh(registration: Registration | int) -> Registration:
    pk = registration if isinstance(registration, int) else registration.pk
    found = Registration.objects.select_related("person__agency", "course_class").filter(pk=pk).first()
    if found is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("找不到此報名。"))
    return found


# --- register ------------------------------------------------------------------------------------


def registration_create(
    *,
    person: Person,
    course_class: CourseClass | int,
    meal: str = Meal.NONE,
    deputy: Person | None = None,
    deputy_name: str = "",
    actor: Any,
    source: str = Source.SELF,
    now: datetime | None = None,
) -> Registered:
    """Register `person` for a class: a seat, the waitlist, or awaiting the supervisor's consent.

    Refused (nothing changes) outside the window, when not eligible, already registered, full,
    without a deputy where the pack requires one, or clashing where the pack refuses clashes.
    A nomination (`source=nominated`) is the agency's consent: it never waits for a supervisor and
    needs no deputy. Warnings (a clash the pack only warns about) come back with the registration.
    """
    class_id = course_class if isinstance(course_class, int) else course_class.pk
    # What is judged before the lock comes from the class's seats kept in this process (no
    # PostgreSQL while its stamps stay the same; see `selectors.class_seats`).
    seats = selectors.class_seats(class_id)
    if seats is None:
        raise NotFound(ErrorCode.CLASS_NOT_FOUND, _("找不到此班期。"))
    policy = selectors.registration_policy(seats.jurisdiction_id, seats.year)
    nominated = source == Source.NOMINATED
    deputy_name = nfc(deputy_name.strip())
    if deputy_name and (refused := name_refusal(deputy_name)) is not None:
        raise PeiliError(ErrorCode.DEPUTY_NAME_INVALID, refused.message(_("職務代理人姓名")))
    if not nominated:
        refusal = rules.deputy_refusal(policy, has_deputy=deputy is not None or bool(deputy_name))
        if refusal is not None:
            raise _refuse(refusal)
    if not seats.meals_provided:
        meal = Meal.NONE
    elif meal not in Meal.values:
        raise PeiliError(ErrorCode.MEAL_REQUIRED, _("請選擇用餐（葷食、素食或不用餐）。"))
    # A class already full is refused without taking its lock: under a burst most requests are
    # these, and they must not queue behind the ones still getting seats. The counters (confirmed,
    # waitlisted, awaiting consent) are one row read at one moment, so the refusal is exactly what
    # the locked path would have said at that moment. A kept view older than the row can only
    # say "not full" wrongly (every place freed moves the class's stamp): the lock then decides,
    # and a refusal there keeps "full" for the next requests.
    early = rules.placement(seats.facts, consent_needed=seats.facts.needs_consent and not nominated)
    if early.refusal is not None:
        raise _refuse(early.refusal)
    # Eligibility is class setup and the person's facts, not what the lock protects: judged before it.
    _require_eligible(person, class_id, policy)

    with transaction.atomic():
        # The person's lock: nobody else registers them (for this class or a clashing one) meanwhile.
        _lock_person(person.pk)
        holding = selectors.active_class_ids(person.pk)
        if class_id in holding:
            raise PeiliError(ErrorCode.DUPLICATE, _("您已報名本班期，無須重複報名。"))
        mine, held = selectors.clash_slots(class_id, holding)
        clash = rules.schedule_clashes(mine, held, policy)
        if clash.refusal is not None:
            raise _refuse(
                clash.refusal, details={"clashes": [{"code": r.code, "message": r.message} for r in clash.warnings]}
            )
        locked = _lock_class(class_id)
        # Taken inside the lock, so registration times follow the order seats are handed out.
        registered_at = now or timezone.now()
        refusal = rules.window_refusal(_facts(locked), registered_at)
        if refusal is not None:
            raise _refuse(refusal)
        consent_needed = locked.needs_supervisor_consent and not nominated
        outcome = rules.placement(_facts(locked), consent_needed=consent_needed)
        if outcome.refusal is not None:
            selectors.class_seats_keep_full(seats, locked.pk, _facts(locked))
            raise _refuse(outcome.refusal)
        assert outcome.status is not None
        registration = Registration.objects.create(
            course_class=locked,
            person=person,
            status=outcome.status,
            registered_at=registered_at,
            meal=meal,
            deputy=deputy,
            deputy_name="" if deputy is not None else deputy_name,
            source=source,
            nominated_by=actor if nominated and getattr(actor, "is_authenticated", False) else None,
            consent_by=actor if nominated and getattr(actor, "is_authenticated", False) else None,
            consent_at=registered_at if nominated else None,
        )
        _count(locked, registration.status, +1)
        note = _("薦送報名") if nominated else _("報名")
        if clash.warnings:
            note = f"{note}；{clash.warnings[0].message}"
        _save_history([_history(registration, actor=actor, before="", action=Action.REGISTER, note=note)])
        _notify_for_status(registration)
    return Registered(registration, clash.warnings)


def registrations_nominate(
    *, course_class: CourseClass | int, people: Iterable[Person], actor: Any, meal: str = Meal.NONE
) -> list[NominationResult]:
    """薦送／調訓: register each person on their own (one transaction each), returning per-person results
    — a refusal of one (not eligible, duplicate, full…) does not stop the others."""
    results: list[NominationResult] = []
    for person in people:
        try:
            done = registration_create(
                person=person, course_class=course_class, meal=meal, actor=actor, source=Source.NOMINATED
            )
        except PeiliError as error:
            results.append(NominationResult(person=person, error=error))
        else:
            results.append(NominationResult(person=person, registration=done.registration, warnings=done.warnings))
    return results


# --- consent -------------------------------------------------------------------------------------


def registration_consent(
    *, registration: Registration | int, actor: Any, note: str = "", now: datetime | None = None
) -> Registration:
    """The supervisor (or personnel officer) consents: the seat is confirmed when one is free and
    nobody is waiting; otherwise the person joins the waitlist by their original registration time
    (and the free seats, if any, go to whoever is first in that order)."""
    current = _fresh(registration)
    with transaction.atomic():
        locked = locking.lock_row(CourseClass, pk=current.course_class_id)
        reg = _fresh(current.pk)
        if reg.status != S.PENDING_CONSENT:
            raise Conflict(
                ErrorCode.NOT_PENDING, _("此報名已不在待同意狀態（目前：%(s)s）。") % {"s": reg.get_status_display()}
            )
        at = now or timezone.now()
        reg.consent_by = actor if getattr(actor, "is_authenticated", False) else None
        reg.consent_at = at
        reg.consent_note = note[:200]
        if locked.waitlist_count == 0:
            reg.status = rules.after_consent(capacity=locked.capacity, confirmed=locked.confirmed_count)
        else:
            reg.status = S.WAITLISTED
        reg.save(update_fields=["status", "consent_by", "consent_at", "consent_note", "updated_at"])
        _count(locked, reg.status, +1, then=S.PENDING_CONSENT)
        _save_history(
            [_history(reg, actor=actor, before=S.PENDING_CONSENT, action=Action.CONSENT, note=note or _("主管同意"))]
        )
        promoted = _promote(locked, actor=actor, now=at) if reg.status == S.WAITLISTED else []
        if reg.pk not in {p.pk for p in promoted}:
            _notify_for_status(reg)
        else:
            reg.status = S.CONFIRMED
    return reg


def registration_decline(
    *, registration: Registration | int, actor: Any, note: str = "", now: datetime | None = None
) -> Registration:
    """The supervisor does not consent; the registration never held a seat, only its place in the
    queue of those awaiting consent."""
    current = _fresh(registration)
    with transaction.atomic():
        locked = locking.lock_row(CourseClass, pk=current.course_class_id)
        reg = _fresh(current.pk)
        if reg.status != S.PENDING_CONSENT:
            raise Conflict(
                ErrorCode.NOT_PENDING, _("此報名已不在待同意狀態（目前：%(s)s）。") % {"s": reg.get_status_display()}
            )
        reg.status = S.DECLINED
        reg.consent_by = actor if getattr(actor, "is_authenticated", False) else None
        reg.consent_at = now or timezone.now()
        reg.consent_note = note[:200]
        reg.save(update_fields=["status", "consent_by", "consent_at", "consent_note", "updated_at"])
        _count(locked, S.PENDING_CONSENT, -1)
        _save_history(
            [_history(reg, actor=actor, before=S.PENDING_CONSENT, action=Action.DECLINE, note=note or _("主管不同意"))]
        )
        _notify(reg.pk, NotificationKind.DECLINED)
    return reg


# --- cancel --------------------------------------------------------------------------------------


def registration_cancel(
    *, registration: Registration | int, actor: Any, note: str = "", now: datetime | None = None
) -> Registration:
    """Cancel before the class's cancellation deadline; a freed seat goes to the first on the
    waitlist at once (promoted and told). Refused after the deadline or when not active."""
    current = _fresh(registration)
    with transaction.atomic():
        locked = locking.lock_row(CourseClass, pk=current.course_class_id)
        reg = _fresh(current.pk)
        if not reg.is_active:
            raise Conflict(
                ErrorCode.NOT_ACTIVE, _("此報名已非有效狀態（目前：%(s)s）。") % {"s": reg.get_status_display()}
            )
        at = now or timezone.now()
        refusal = rules.cancellation_refusal(locked.cancellation_deadline, at)
        if refusal is not None:
            raise _refuse(refusal)
        before = reg.status
        reg.status = S.CANCELLED
        reg.cancelled_at = at
        reg.save(update_fields=["status", "cancelled_at", "updated_at"])
        _count(locked, before, -1)
        _save_history([_history(reg, actor=actor, before=before, action=Action.CANCEL, note=note or _("取消報名"))])
        _notify(reg.pk, NotificationKind.CANCELLED)
        if before == S.CONFIRMED:
            _promote(locked, actor=actor, now=at)
    return reg


def waitlist_promote(*, course_class: CourseClass | int, actor: Any, now: datetime | None = None) -> list[Registration]:
    """Fill every free seat from the waitlist (e.g. after the organizer raised the capacity)."""
    pk = course_class if isinstance(course_class, int) else course_class.pk
    with transaction.atomic():
        locked = locking.lock_row(CourseClass, pk=pk)
        return _promote(locked, actor=actor, now=now or timezone.now())


# --- substitute ----------------------------------------------------------------------------------


def registration_substitute(
    *,
    registration: Registration | int,
    substitute: Person,
    actor: Any,
    meal: str | None = None,
    deputy: Person | None = None,
    deputy_name: str = "",
    now: datetime | None = None,
) -> Registration:
    """遞補: a confirmed person's seat goes to a colleague of the same agency. The substitute's
    eligibility, duplicates and clashes are checked as for a registration, and so is the deputy:
    where the pack requires one, the substitute names one (`registration.deputy_required`). The
    seat (and its place in time) is kept, so no counter moves; the original is marked substituted
    and the new registration says it is a substitution (`source=substitute`, `substitute_of`)."""
    current = _fresh(registration)
    loaded = _load_class(current.course_class_id)
    policy = selectors.policy_for_class(loaded)
    deputy_name = deputy_name.strip()
    refusal = rules.deputy_refusal(policy, has_deputy=deputy is not None or bool(deputy_name))
    if refusal is not None:
        raise _refuse(refusal)
    with transaction.atomic():
        # Lock order: the person, then the class (see the module's note).
        _lock_person(substitute.pk)
        locked = _lock_class(loaded.pk)
        original = _fresh(current.pk)
        if original.status != S.CONFIRMED:
            raise Conflict(ErrorCode.NOT_CONFIRMED, _("只有已錄取的報名可以由他人遞補。"))
        if locked.status != rules.PUBLISHED:
            raise PeiliError(ErrorCode.CLASS_NOT_OPEN, _("本班期目前未開放報名。"))
        refusal = rules.substitute_refusal(
            original_agency_id=original.person.agency_id, substitute_agency_id=substitute.agency_id
        )
        if refusal is not None:
            raise _refuse(refusal)
        _require_eligible(substitute, locked, policy)
        holding = selectors.active_class_ids(substitute.pk)
        if locked.pk in holding:
            raise PeiliError(ErrorCode.DUPLICATE, _("%(name)s 已報名本班期。") % {"name": substitute.name})
        mine, held = selectors.clash_slots(locked.pk, holding)
        clash = rules.schedule_clashes(mine, held, policy)
        if clash.refusal is not None:
            raise _refuse(clash.refusal)
        at = now or timezone.now()
        original.status = S.SUBSTITUTED
        original.save(update_fields=["status", "updated_at"])
        replacement = Registration.objects.create(
            course_class=locked,
            person=substitute,
            status=S.CONFIRMED,
            registered_at=original.registered_at,
            meal=meal
            if meal in Meal.values and locked.meals_provided
            else (original.meal if locked.meals_provided else Meal.NONE),
            deputy=deputy,
            deputy_name="" if deputy is not None else deputy_name,
            source=Source.SUBSTITUTE,
            nominated_by=original.nominated_by,
            consent_by=actor if getattr(actor, "is_authenticated", False) else None,
            consent_at=at,
            substitute_of=original,
        )
        _save_history(
            [
                _history(
                    original,
                    actor=actor,
                    before=S.CONFIRMED,
                    action=Action.SUBSTITUTE,
                    note=_("由 %(name)s 遞補") % {"name": substitute.name},
                ),
                _history(
                    replacement,
                    actor=actor,
                    before="",
                    action=Action.SUBSTITUTE,
                    note=_("遞補 %(name)s 的名額") % {"name": original.person.name},
                ),
            ]
        )
        _notify(original.pk, NotificationKind.SUBSTITUTED)
        _notify(replacement.pk, NotificationKind.CONFIRMED)
    return replacement
