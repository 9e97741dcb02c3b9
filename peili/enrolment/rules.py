"""Pure rules of registration: the window, the cancellation deadline, where a new registration
goes (seat, waitlist, awaiting consent, or refused), waitlist order and schedule clashes.

No ORM, no request: facts in (frozen dataclasses), a decision with a stable reason code and a
Chinese message out. Every number that is policy (clash handling, deputy, newcomer window,
reminders) comes from the policy pack through `RegistrationPolicy`.

Seats and consent: a registration that still awaits the supervisor's consent does **not** hold a
seat — the seat counts as confirmed only when consent is given, and it is then given to whoever is
first in line at that moment. It does hold a *place in the queue*: a new registration is accepted
only while confirmed + waitlisted + awaiting consent < capacity + waitlist size, so a consent never
finds the class over-full (at worst the person joins the waitlist, placed by original registration
time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from peili.catalog.enums import RegistrationWindow
from peili.catalog.rules import Reason, SessionSlot, overlaps, registration_window, when
from peili.core import roc
from peili.enrolment.enums import ErrorCode, RegistrationStatus
from peili.policy.enums import ClashHandling

PUBLISHED = "published"


@dataclass(frozen=True)
class RegistrationPolicy:
    """The pack's `registration` section, as plain values (every one from the pack: no defaults here)."""

    clash: str
    reminder_days_before: int
    newcomer_months: int
    deputy_required: bool


@dataclass(frozen=True)
class ClassFacts:
    status: str
    capacity: int
    waitlist_size: int
    confirmed: int = 0
    waitlisted: int = 0
    pending: int = 0
    needs_consent: bool = False
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    cancellation_deadline: datetime | None = None


@dataclass(frozen=True)
class Placement:
    """Where a new registration goes: a status, or a refusal."""

    status: str | None
    refusal: Reason | None = None


@dataclass(frozen=True)
class QueueEntry:
    registration_id: int
    registered_at: datetime


def window_refusal(facts: ClassFacts, now: datetime) -> Reason | None:
    """Why the class cannot be registered for now (None: it can). Only published classes take
    registrations; the window opens at `opens_at` (inclusive) and closes at `closes_at` (exclusive)."""
    window = registration_window(facts.status, facts.opens_at, facts.closes_at, now)
    if window == RegistrationWindow.NOT_OFFERED:
        return Reason(ErrorCode.CLASS_NOT_OPEN, _("本班期目前未開放報名。"))
    if window == RegistrationWindow.NOT_OPEN and facts.opens_at is not None:
        return Reason(ErrorCode.WINDOW_NOT_OPEN, _("本班期自 %(at)s 起開放報名。") % {"at": when(facts.opens_at)})
    if window == RegistrationWindow.CLOSED and facts.closes_at is not None:
        return Reason(ErrorCode.WINDOW_CLOSED, _("本班期已於 %(at)s 截止報名。") % {"at": when(facts.closes_at)})
    return None


def cancellation_refusal(deadline: datetime | None, now: datetime) -> Reason | None:
    """Cancelling is allowed until the deadline (exclusive); no deadline means until the class is over."""
    if deadline is not None and now >= deadline:
        return Reason(
            ErrorCode.CANCELLATION_CLOSED,
            _("已逾取消報名期限（%(at)s），如不克參訓請洽人事承辦人協調遞補人選。") % {"at": when(deadline)},
        )
    return None


def full_reason() -> Reason:
    return Reason(ErrorCode.FULL, _("本班期名額及候補名額皆已額滿。"))


def placement(facts: ClassFacts, *, consent_needed: bool) -> Placement:
    """The status of a new registration.

    Consent needed: awaiting consent, while the queue has room (see the module docstring).
    Otherwise: a seat while one is free, else the waitlist while it has room, else refused.
    """
    queued = facts.confirmed + facts.waitlisted + facts.pending
    if consent_needed:
        if queued < facts.capacity + facts.waitlist_size:
            return Placement(RegistrationStatus.PENDING_CONSENT)
        return Placement(None, full_reason())
    if facts.confirmed < facts.capacity:
        return Placement(RegistrationStatus.CONFIRMED)
    if facts.waitlisted + facts.pending < facts.waitlist_size:
        return Placement(RegistrationStatus.WAITLISTED)
    return Placement(None, full_reason())


def after_consent(*, capacity: int, confirmed: int) -> str:
    """A consented registration takes a free seat, or joins the waitlist by its original time."""
    return RegistrationStatus.CONFIRMED if confirmed < capacity else RegistrationStatus.WAITLISTED


def waitlist_order(entries: Iterable[QueueEntry]) -> list[QueueEntry]:
    """First come, first served: registration time, ties broken by id (the insertion order)."""
    return sorted(entries, key=lambda e: (e.registered_at, e.registration_id))


@dataclass(frozen=True)
class ClashCheck:
    refusal: Reason | None
    warnings: tuple[Reason, ...]


def schedule_clashes(
    candidate: Iterable[SessionSlot], held: Iterable[SessionSlot], policy: RegistrationPolicy
) -> ClashCheck:
    """Sessions of the class that overlap sessions of classes the person already holds, refused or
    only warned about as the pack says (`registration.clash`)."""
    held_slots = list(held)
    reasons: list[Reason] = []
    seen: set[str] = set()
    for mine in candidate:
        for other in held_slots:
            if overlaps(mine, other) and other.class_label not in seen:
                seen.add(other.class_label)
                reasons.append(
                    Reason(
                        ErrorCode.CLASH,
                        _("與您已報名的「%(label)s」上課時間重疊（%(day)s %(start)s–%(end)s）。")
                        % {
                            "label": other.class_label,
                            "day": roc.format_short(other.day),
                            "start": f"{other.starts_at:%H:%M}",
                            "end": f"{other.ends_at:%H:%M}",
                        },
                    )
                )
    if not reasons:
        return ClashCheck(None, ())
    if policy.clash == ClashHandling.REFUSE:
        return ClashCheck(reasons[0], tuple(reasons))
    return ClashCheck(None, tuple(reasons))


def deputy_refusal(policy: RegistrationPolicy, *, has_deputy: bool) -> Reason | None:
    if policy.deputy_required and not has_deputy:
        return Reason(ErrorCode.DEPUTY_REQUIRED, _("報名本班期須事先遴妥職務代理人，請填寫職務代理人。"))
    return None


def substitute_refusal(*, original_agency_id: int, substitute_agency_id: int) -> Reason | None:
    if original_agency_id != substitute_agency_id:
        return Reason(ErrorCode.SUBSTITUTE_AGENCY, _("遞補人員須與原錄取人員為同一機關。"))
    return None
