"""The pure registration rules, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from peili.catalog.rules import SessionSlot
from peili.enrolment import rules
from peili.enrolment.rules import ClassFacts, QueueEntry, RegistrationPolicy

NOW = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)  # 09:00 in Taipei


def facts(**kw) -> ClassFacts:
    base = {"status": "published", "capacity": 2, "waitlist_size": 1}
    base.update(kw)
    return ClassFacts(**base)


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({}, None),
        ({"status": "draft"}, "registration.class_not_open"),
        ({"status": "cancelled"}, "registration.class_not_open"),
        ({"opens_at": NOW + timedelta(seconds=1)}, "registration.window_not_open"),
        ({"opens_at": NOW}, None),
        ({"closes_at": NOW}, "registration.window_closed"),
        ({"closes_at": NOW + timedelta(seconds=1)}, None),
    ],
)
def test_window(kw, code):
    refusal = rules.window_refusal(facts(**kw), NOW)
    assert (refusal.code if refusal else None) == code


def test_window_message_is_chinese_in_roc_taipei_time():
    refusal = rules.window_refusal(facts(closes_at=NOW - timedelta(hours=1)), NOW)
    assert refusal is not None
    assert refusal.message == "本班期已於 115/03/01 08:00 截止報名。"


@pytest.mark.parametrize(
    ("deadline", "code"),
    [(None, None), (NOW + timedelta(minutes=1), None), (NOW, "registration.cancellation_closed")],
)
def test_cancellation_deadline(deadline, code):
    refusal = rules.cancellation_refusal(deadline, NOW)
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("confirmed", "waitlisted", "pending", "consent", "status"),
    [
        (0, 0, 0, False, "confirmed"),
        (1, 0, 0, False, "confirmed"),
        (2, 0, 0, False, "waitlisted"),
        (2, 1, 0, False, None),
        (2, 0, 1, False, None),  # the awaiting-consent place counts against the waitlist room
        (0, 0, 0, True, "pending_consent"),
        (2, 0, 0, True, "pending_consent"),
        (1, 0, 1, True, "pending_consent"),
        (2, 1, 0, True, None),
        (0, 0, 3, True, None),  # queue full of people awaiting consent
    ],
)
def test_placement(confirmed, waitlisted, pending, consent, status):
    outcome = rules.placement(
        facts(confirmed=confirmed, waitlisted=waitlisted, pending=pending), consent_needed=consent
    )
    assert outcome.status == status
    assert (outcome.refusal.code if outcome.refusal else None) == (None if status else "registration.full")


@pytest.mark.parametrize(("confirmed", "status"), [(0, "confirmed"), (1, "confirmed"), (2, "waitlisted")])
def test_after_consent(confirmed, status):
    assert rules.after_consent(capacity=2, confirmed=confirmed) == status


def test_waitlist_order_is_time_then_id():
    t = NOW
    entries = [
        QueueEntry(5, t + timedelta(seconds=1)),
        QueueEntry(9, t),
        QueueEntry(3, t),
        QueueEntry(1, t + timedelta(1)),
    ]
    assert [e.registration_id for e in rules.waitlist_order(entries)] == [3, 9, 5, 1]


def slot(label: str, start: int, end: int, day: date = date(2026, 3, 2)) -> SessionSlot:
    return SessionSlot(session_id=None, class_label=label, day=day, starts_at=time(start), ends_at=time(end))


@pytest.mark.parametrize(
    ("held", "policy", "refused", "warned"),
    [
        ([], "refuse", False, 0),
        ([slot("甲班", 12, 14)], "refuse", False, 0),  # back to back is no clash
        ([slot("甲班", 11, 14)], "refuse", True, 1),
        ([slot("甲班", 11, 14)], "warn", False, 1),
        ([slot("甲班", 11, 14, date(2026, 3, 3))], "refuse", False, 0),
        ([slot("甲班", 8, 10), slot("乙班", 11, 13)], "warn", False, 2),
    ],
)
def test_schedule_clashes(held, policy, refused, warned):
    check = rules.schedule_clashes([slot("本班", 9, 12)], held, policy_with(clash=policy))
    assert (check.refusal is not None) == refused
    assert len(check.warnings) == warned
    if refused:
        assert check.refusal.code == "registration.clash"
        assert check.refusal.message == "與您已報名的「甲班」上課時間重疊（115/03/02 11:00–14:00）。"


@pytest.mark.parametrize(
    ("required", "has", "code"),
    [(True, False, "registration.deputy_required"), (True, True, None), (False, False, None)],
)
def test_deputy(required, has, code):
    refusal = rules.deputy_refusal(policy_with(deputy_required=required), has_deputy=has)
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(("a", "b", "code"), [(1, 1, None), (1, 2, "registration.substitute_agency")])
def test_substitute_same_agency(a, b, code):
    refusal = rules.substitute_refusal(original_agency_id=a, substitute_agency_id=b)
    assert (refusal.code if refusal else None) == code


def policy_with(**changes) -> RegistrationPolicy:
    values = {"clash": "warn", "reminder_days_before": 3, "newcomer_months": 12, "deputy_required": False}
    return RegistrationPolicy(**{**values, **changes})
