"""Pure rules of attendance: the rotating sign-in tokens and a person's completion of a class.

No ORM, no request, no clock: the key, the time and the pack's rule are arguments.
"""

from __future__ import annotations

import hashlib
import hmac
from base64 import b32encode
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from peili.attendance.enums import Reason
from peili.policy.rules import AbsenceFacts, absence_outcome, as_fraction
from peili.policy.schema import AbsenceRule

# --- rotating sign-in tokens ---------------------------------------------------------------------
#
# The projector shows a QR code for (session, kind, window), where the window is the current
# `period`-second slice of time. A scan is accepted in that window and the one before it, so a code
# lives between one and two periods: a photo of an old code fails. The same MAC gives a six-digit code
# to type in for those who cannot scan.


class TokenError(ValueError):
    """A token that is malformed, forged or too old; `code` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Scan:
    session_id: int
    kind: str  # "in" | "out"
    window: int


def window_at(now: float, period: int) -> int:
    """The time window `now` (seconds since the epoch) falls in."""
    return int(now // period)


def _mac(key: bytes, session_id: int, kind: str, window: int) -> bytes:
    return hmac.new(key, f"attendance:{session_id}:{kind}:{window}".encode(), hashlib.sha256).digest()


def token(key: bytes, session_id: int, kind: str, window: int) -> str:
    """The text a QR code carries for one session, kind and window (URL-safe, 30-odd characters)."""
    mac = b32encode(_mac(key, session_id, kind, window)[:10]).decode().lower()
    return f"{session_id}-{kind}-{window}-{mac}"


def short_code(key: bytes, session_id: int, kind: str, window: int) -> str:
    """Six digits to type in place of scanning, from the same MAC."""
    number = int.from_bytes(_mac(key, session_id, kind, window)[10:14], "big") % 1_000_000
    return f"{number:06d}"


def token_check(key: bytes, text: str, *, now: float, period: int, kinds: Iterable[str] = ("in", "out")) -> Scan:
    """The scan a token stands for, if it is genuine and of the current or previous window."""
    parts = text.split("-")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit() or parts[1] not in set(kinds):
        raise TokenError("attendance.token_invalid")
    session_id, kind, window = int(parts[0]), parts[1], int(parts[2])
    if not hmac.compare_digest(token(key, session_id, kind, window), text):
        raise TokenError("attendance.token_invalid")
    current = window_at(now, period)
    if window > current or window < current - 1:
        raise TokenError("attendance.token_expired")
    return Scan(session_id, kind, window)


def code_matches(key: bytes, code: str, session_id: int, kind: str, *, now: float, period: int) -> bool:
    """Whether a typed six-digit code is the session's code of the current or previous window."""
    current = window_at(now, period)
    return any(
        hmac.compare_digest(short_code(key, session_id, kind, window), code) for window in (current, current - 1)
    )


# --- when a learner's own signing is accepted ------------------------------------------------------


def sign_opens_at(starts: datetime, opens_minutes: int) -> datetime:
    """When signing in (and out) for a session starting at `starts` opens."""
    return starts - timedelta(minutes=opens_minutes)


def sign_refusal(*, kind: str, at: datetime, starts: datetime, opens_minutes: int, signed_in: bool) -> str:
    """Why a learner's own sign-in or sign-out at `at` is refused, "" when it is not: before the
    session's signing opens (`opens_minutes` before it starts) nothing is accepted — a code shown
    early or a photo of it must not sign anyone in at midnight; a sign-out needs a sign-in first
    (else it would record the whole session as early leave and shut out the real sign-out).
    `at` and `starts` are both aware or both naive."""
    if at < sign_opens_at(starts, opens_minutes):
        return "attendance.not_open_yet"
    if kind == "out" and not signed_in:
        return "attendance.not_signed_in"
    return ""


# --- completion ------------------------------------------------------------------------------------


def length_minutes(starts_at: time, ends_at: time) -> int:
    """A session's length on the timetable in whole minutes: the most late arrival, early leave
    (and so the roster) can count in it."""
    day = date(2000, 1, 3)  # any day: a session starts and ends on one day
    return max(int((datetime.combine(day, ends_at) - datetime.combine(day, starts_at)).total_seconds() // 60), 0)


def hours_minutes(hours: Decimal) -> int:
    """A session's certified hours in minutes: the most leave it can take (its hours are tenths of
    an hour, so this is exact: a tenth is 6 minutes)."""
    return minutes(as_fraction(hours))


@dataclass(frozen=True)
class SessionFacts:
    """One person in one session: the session's hours and what the roster says, in minutes."""

    hours: Decimal
    present: bool
    leave_minutes: int = 0
    late_minutes: int = 0
    early_minutes: int = 0


@dataclass(frozen=True)
class Tally:
    """A person's hours in a class (exact fractions of an hour)."""

    course_hours: Fraction
    attended: Fraction
    leave: Fraction
    unexcused: Fraction

    @property
    def attended_minutes(self) -> int:
        return minutes(self.attended)

    @property
    def leave_minutes(self) -> int:
        return minutes(self.leave)

    @property
    def unexcused_minutes(self) -> int:
        return minutes(self.unexcused)


@dataclass(frozen=True)
class Outcome:
    completes: bool
    reason: str  # "" | "absence.unexcused" | "absence.over_threshold" | "reflection.not_accepted"
    tally: Tally
    missed_fraction: Fraction


def _session_tally(facts: SessionFacts, grace_minutes: int) -> tuple[Fraction, Fraction]:
    """(leave, unexcused) hours of one session. Leave is capped at the session's hours. Someone not
    present is absent without leave for whatever leave does not cover; someone present is, for the
    late and early minutes beyond the grace that leave does not cover."""
    hours = as_fraction(facts.hours)
    leave = min(Fraction(facts.leave_minutes, 60), hours)
    if not facts.present:
        return leave, hours - leave
    late = max(facts.late_minutes - grace_minutes, 0) + max(facts.early_minutes - grace_minutes, 0)
    tardy = Fraction(late, 60)
    return leave, max(min(tardy, hours) - leave, Fraction(0))


def tally(sessions: Iterable[SessionFacts], grace_minutes: int) -> Tally:
    course = leave = unexcused = Fraction(0)
    for facts in sessions:
        course += as_fraction(facts.hours)
        on_leave, absent = _session_tally(facts, grace_minutes)
        leave += on_leave
        unexcused += absent
    return Tally(course, course - leave - unexcused, leave, unexcused)


def completion(sessions: Iterable[SessionFacts], rule: AbsenceRule | None) -> Outcome:
    """Whether a person completes a class under the pack's absence rule, and why not.

    A class with no timed sessions (e-learning, say) has nothing to miss: everyone confirmed
    completes. Without a rule (the pack has no attendance section) nobody forfeits by rule; the
    tally is still shown and the organizer decides.
    """
    counted = tally(sessions, rule.late_grace_minutes if rule else 0)
    if counted.course_hours <= 0 or rule is None:
        missed = (counted.leave + counted.unexcused) / counted.course_hours if counted.course_hours > 0 else Fraction(0)
        return Outcome(True, "", counted, missed)
    outcome = absence_outcome(AbsenceFacts(counted.course_hours, counted.leave, counted.unexcused), rule)
    return Outcome(not outcome.forfeits, outcome.reason or "", counted, outcome.missed_fraction)


def with_condition(outcome: Outcome, allows: bool, reason: str) -> Outcome:
    """The outcome once another completion condition is counted (`allows`: it lets the person
    complete; `reason`: the `Reason` code when it does not). Someone the absence rule lets complete
    does not while the condition stops them; someone it refuses keeps the absence rule's reason."""
    if outcome.completes and not allows:
        return replace(outcome, completes=False, reason=reason)
    return outcome


def with_reflection(outcome: Outcome, reflection_allows: bool) -> Outcome:
    """`with_condition` for the class's required reflection (see
    `surveys.rules.reflection_allows_completion`)."""
    return with_condition(outcome, reflection_allows, Reason.REFLECTION.value)


def minutes(value: Fraction) -> int:
    """Hours (a tally's, a session's) in whole minutes, as a completion stores them. Sessions' hours
    are tenths and the roster's leave, late and early are whole minutes, so a tally is a whole
    number of minutes; anything finer is rounded half up."""
    scaled = value * 60
    return int(scaled) if scaled.denominator == 1 else int((scaled + Fraction(1, 2)) // 1)
