"""Signing in, the roster, closing a class into the hours ledger, corrections and certification."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from peili.attendance import rules, selectors, services
from peili.attendance.enums import Mark
from peili.attendance.models import Attendance, ClassClosing, Completion
from peili.catalog.enums import ClassStatus
from peili.catalog.models import ClassSession
from peili.core.errors import PeiliError
from peili.core.models import AuditEntry
from peili.policy.selectors import effective_pack
from peili.records import portal
from peili.records.models import LearningRecord, YearStanding
from tests.attendance.conftest import confirm
from tests.factories import PersonFactory

D = Decimal


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def roster_entry(present=True, out=False, late=0, early=0, leave=0):
    """What the organizer sets for one person; `late`, `early` and `leave` in minutes."""
    return services.RosterEntry(present, out, late, early, leave)


# --- signing ------------------------------------------------------------------------------------------


def test_a_scanned_token_signs_the_learner_in_and_measures_lateness(today_class, tree):
    person = PersonFactory(agency=tree["b"])
    registration = confirm(today_class, person)
    session = today_class.sessions.get()
    at = local(session.date, 9, 7)
    token = rules.token(services.token_key(), session.pk, "in", rules.window_at(at.timestamp(), services.qr_period()))
    signed = services.sign_by_token(person=person, token=token, at=at, actor=None)
    assert not signed.already
    row = Attendance.objects.get(registration=registration, session=session)
    assert row.signed_in_at == at
    assert row.signed_in_by == Mark.QR
    assert row.late_minutes == 7
    again = services.sign_by_token(person=person, token=token, at=at + timedelta(seconds=3), actor=None)
    assert again.already
    assert AuditEntry.objects.filter(action="attendance.sign_in").count() == 1


def test_an_old_token_is_refused(today_class, tree):
    person = PersonFactory(agency=tree["b"])
    confirm(today_class, person)
    session = today_class.sessions.get()
    at = local(session.date, 9)
    old = rules.token(services.token_key(), session.pk, "in", rules.window_at(at.timestamp(), services.qr_period()) - 2)
    with pytest.raises(PeiliError) as error:
        services.sign_by_token(person=person, token=old, at=at, actor=None)
    assert error.value.code == "attendance.token_expired"
    assert not Attendance.objects.exists()


def test_only_confirmed_learners_sign_in(today_class, tree):
    session = today_class.sessions.get()
    at = local(session.date, 9)
    with pytest.raises(PeiliError) as error:
        services.sign(
            person=PersonFactory(agency=tree["b"]), session=session, kind="in", at=at, method=Mark.QR, actor=None
        )
    assert error.value.code == "attendance.not_enrolled"


def test_sign_in_on_another_day_is_refused(today_class, tree):
    person = PersonFactory(agency=tree["b"])
    confirm(today_class, person)
    session = today_class.sessions.get()
    with pytest.raises(PeiliError) as error:
        services.sign(
            person=person,
            session=session,
            kind="in",
            at=local(session.date + timedelta(days=1), 9),
            method=Mark.QR,
            actor=None,
        )
    assert error.value.code == "attendance.not_today"


def test_sign_out_early_counts_the_minutes(today_class, tree):
    person = PersonFactory(agency=tree["b"])
    registration = confirm(today_class, person)
    session = today_class.sessions.get()
    services.sign(person=person, session=session, kind="in", at=local(session.date, 9), method=Mark.QR, actor=None)
    services.sign(
        person=person, session=session, kind="out", at=local(session.date, 11, 40), method=Mark.QR, actor=None
    )
    assert Attendance.objects.get(registration=registration).early_minutes == 20


def test_the_typed_code_signs_in(today_class, tree):
    person = PersonFactory(agency=tree["b"])
    registration = confirm(today_class, person)
    session = today_class.sessions.get()
    now = local(session.date, 9, 5)
    code = rules.short_code(
        services.token_key(), session.pk, "in", rules.window_at(now.timestamp(), services.qr_period())
    )
    signed = services.sign_by_code(person=person, code=code, kind="in", at=now, actor=None)
    assert signed.attendance.registration_id == registration.pk
    assert signed.attendance.signed_in_by == Mark.CODE
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(PeiliError) as error:
        services.sign_by_code(person=person, code=wrong, kind="out", at=now, actor=None)
    assert error.value.code == "attendance.code_invalid"


# --- the roster ---------------------------------------------------------------------------------------


def test_the_roster_ticks_and_records_leave_with_an_audit_of_changes(ended, learners, organizer_user):
    first, _second = ended.sessions.order_by("starts_at")
    changed = services.roster_save(
        session=first,
        entries={learners[0].pk: roster_entry(), learners[1].pk: roster_entry(present=False, leave=120)},
        actor=organizer_user,
    )
    assert changed == 2
    marks = {a.registration_id: a for a in Attendance.objects.filter(session=first)}
    assert marks[learners[0].pk].signed_in_by == Mark.ROSTER
    assert marks[learners[1].pk].signed_in_at is None
    assert marks[learners[1].pk].leave_minutes == 120
    # Saving the same again changes nothing and audits nothing.
    audits = AuditEntry.objects.filter(action="attendance.roster").count()
    assert (
        services.roster_save(
            session=first,
            entries={learners[0].pk: roster_entry(), learners[1].pk: roster_entry(present=False, leave=120)},
            actor=organizer_user,
        )
        == 0
    )
    assert AuditEntry.objects.filter(action="attendance.roster").count() == audits


def test_the_roster_refuses_leave_longer_than_the_session(ended, learners, organizer_user):
    session = ended.sessions.first()
    with pytest.raises(PeiliError) as error:
        services.roster_save(session=session, entries={learners[0].pk: roster_entry(leave=181)}, actor=organizer_user)
    assert error.value.code == "attendance.leave_minutes"
    assert error.value.details == {"registration_id": learners[0].pk, "field": "leave_minutes", "max": 180}
    assert not Attendance.objects.exists()
    services.roster_save(session=session, entries={learners[0].pk: roster_entry(leave=180)}, actor=organizer_user)
    assert Attendance.objects.get().leave_minutes == 180


@pytest.mark.parametrize("field", ["late", "early"])
def test_the_roster_refuses_lateness_longer_than_the_session(ended, learners, organizer_user, field):
    session = ended.sessions.first()  # 09:00–12:00
    with pytest.raises(PeiliError) as error:
        services.roster_save(
            session=session, entries={learners[0].pk: roster_entry(**{field: 181})}, actor=organizer_user
        )
    assert error.value.code == "attendance.tardy_minutes"
    assert error.value.details == {"registration_id": learners[0].pk, "field": f"{field}_minutes", "max": 180}
    assert not Attendance.objects.exists()


def test_signing_in_after_the_session_ended_counts_the_whole_session_late(today_class, tree):
    """Late and early minutes never exceed the session's length (the roster refuses more), however
    late in the day someone signs in."""
    person = PersonFactory(agency=tree["b"])
    registration = confirm(today_class, person)
    session = today_class.sessions.get()  # 09:00–12:00
    services.sign(person=person, session=session, kind="in", at=local(session.date, 15), method=Mark.QR, actor=None)
    assert Attendance.objects.get(registration=registration).late_minutes == 180


# --- closing ------------------------------------------------------------------------------------------


def _attend(ended, learners, organizer_user):
    """王小明 attends all; 林美華 leaves the morning 2 hours early on leave (exactly 1/3: completes
    under Hsinchu's strict 「逾」); 陳志強 misses the afternoon without leave (forfeits)."""
    first, second = ended.sessions.order_by("starts_at")
    services.roster_save(
        session=first,
        entries={
            learners[0].pk: roster_entry(),
            learners[1].pk: roster_entry(early=120, leave=120),
            learners[2].pk: roster_entry(),
        },
        actor=organizer_user,
    )
    services.roster_save(
        session=second,
        entries={
            learners[0].pk: roster_entry(),
            learners[1].pk: roster_entry(),
            learners[2].pk: roster_entry(present=False),
        },
        actor=organizer_user,
    )


def test_closing_applies_the_absence_rule_and_writes_the_ledger(ended, learners, organizer_user):
    _attend(ended, learners, organizer_user)
    preview = selectors.completion_preview(ended)
    decided = {line.registration.pk: (line.outcome.completes, line.outcome.reason) for line in preview.rows}
    assert decided == {
        learners[0].pk: (True, ""),
        learners[1].pk: (True, ""),
        learners[2].pk: (False, "absence.unexcused"),
    }
    closing = services.class_close(course_class=ended, corrections={}, actor=organizer_user)
    ended.refresh_from_db()
    assert ended.status == ClassStatus.CLOSED
    completions = {c.registration_id: c for c in Completion.objects.filter(closing=closing)}
    assert completions[learners[1].pk].leave_minutes == 120
    assert completions[learners[1].pk].attended_minutes == 240
    assert completions[learners[1].pk].unexcused_minutes == 0
    assert completions[learners[2].pk].unexcused_minutes == 180
    assert not completions[learners[2].pk].completes
    assert completions[learners[2].pk].record is None
    records = LearningRecord.objects.filter(course_class=ended, superseded_by__isnull=True)
    assert sorted(r.person_id for r in records) == sorted([learners[0].person_id, learners[1].person_id])
    record = records.first()
    assert record.certified_hours == 6
    assert {h.category: h.hours for h in record.hours.all()} == {
        "environmental_education": 4,
        "gender_mainstreaming": 2,
    }
    standing = YearStanding.objects.get(person_id=learners[0].person_id, year=ended.end_date.year)
    assert standing.total == 6
    assert AuditEntry.objects.filter(action="attendance.class_close", object_id=str(ended.pk)).exists()


def test_closing_takes_corrections_with_a_reason(ended, learners, organizer_user):
    _attend(ended, learners, organizer_user)
    with pytest.raises(PeiliError) as error:
        services.class_close(
            course_class=ended, corrections={learners[2].pk: services.Correction(True, " ")}, actor=organizer_user
        )
    assert error.value.code == "attendance.reason_required"
    assert not ClassClosing.objects.exists()
    assert not LearningRecord.objects.exists()
    services.class_close(
        course_class=ended,
        corrections={learners[2].pk: services.Correction(True, "下午公假，補假單")},
        actor=organizer_user,
    )
    completion = Completion.objects.get(registration=learners[2])
    assert completion.completes
    assert not completion.rule_completes
    assert completion.corrected
    assert completion.record is not None
    entry = AuditEntry.objects.get(action="attendance.completion_correct")
    assert entry.note == "下午公假，補假單"
    assert entry.before["completes"] is False


def test_a_class_closes_once_and_only_after_it_ends(ended, learners, organizer_user, today_class):
    services.class_close(course_class=ended, corrections={}, actor=organizer_user)
    with pytest.raises(PeiliError) as error:
        services.class_close(course_class=ended, corrections={}, actor=organizer_user)
    assert error.value.code == "attendance.already_closed"
    today_class.end_date = timezone.localdate() + timedelta(days=1)
    today_class.save()
    with pytest.raises(PeiliError) as error:
        services.class_close(course_class=today_class, corrections={}, actor=organizer_user)
    assert error.value.code == "attendance.not_ended"


def test_closing_refuses_a_split_that_does_not_add_up(ended, learners, organizer_user):
    ended.category_hours.filter(category="gender_mainstreaming").update(hours=1)
    with pytest.raises(PeiliError) as error:
        services.class_close(course_class=ended, corrections={}, actor=organizer_user)
    assert error.value.code == "attendance.split_mismatch"
    ended.refresh_from_db()
    assert ended.status == ClassStatus.PUBLISHED


def test_the_roster_is_frozen_after_closing(ended, learners, organizer_user):
    services.class_close(course_class=ended, corrections={}, actor=organizer_user)
    with pytest.raises(PeiliError) as error:
        services.roster_save(
            session=ended.sessions.first(), entries={learners[0].pk: roster_entry()}, actor=organizer_user
        )
    assert error.value.code == "attendance.class_closed"


def test_a_correction_after_closing_supersedes_and_never_deletes(ended, learners, organizer_user):
    _attend(ended, learners, organizer_user)
    services.class_close(course_class=ended, corrections={}, actor=organizer_user)
    year = ended.end_date.year
    completion = Completion.objects.get(registration=learners[0])
    record_id = completion.record_id
    services.completion_correct(completion=completion, completes=False, reason="冒名簽到", actor=organizer_user)
    withdrawn = LearningRecord.objects.get(pk=record_id)
    assert withdrawn.superseded_by_id == withdrawn.pk
    assert withdrawn.reason == "冒名簽到"
    assert YearStanding.objects.get(person_id=learners[0].person_id, year=year).total == 0
    completion.refresh_from_db()
    assert not completion.completes
    assert completion.record is None
    # And back again: a new record, the withdrawn one kept.
    services.completion_correct(completion=completion, completes=True, reason="查明誤會", actor=organizer_user)
    assert LearningRecord.objects.filter(person_id=learners[0].person_id).count() == 2
    assert YearStanding.objects.get(person_id=learners[0].person_id, year=year).total == 6
    with pytest.raises(PeiliError) as error:
        services.completion_correct(completion=completion, completes=True, reason="x", actor=organizer_user)
    assert error.value.code == "attendance.nothing_to_correct"


# --- certification ------------------------------------------------------------------------------------


def test_certification_lines_and_marking_a_batch_uploaded(ended, learners, organizer_user):
    today = timezone.localdate()
    (line,) = selectors.certification_lines(organizer_user, today)
    assert line.status == "to_close"
    _attend(ended, learners, organizer_user)
    closing = services.class_close(course_class=ended, corrections={}, actor=organizer_user)
    (line,) = selectors.certification_lines(organizer_user, today)
    assert line.status == "due"
    assert line.certification is not None
    assert line.completes == 2
    assert line.certification.due > ended.end_date
    with pytest.raises(PeiliError):
        services.certification_mark_uploaded(closings=[closing], on=today + timedelta(days=1), actor=organizer_user)
    assert services.certification_mark_uploaded(closings=[closing], on=today, actor=organizer_user) == 1
    (line,) = selectors.certification_lines(organizer_user, today)
    assert line.status == "done"
    assert [line.status for line in selectors.certification_lines(organizer_user, today)] == ["done"]
    assert AuditEntry.objects.filter(action="attendance.certification_uploaded").count() == 1


def test_the_upload_rows_split_by_category_and_go_into_the_portal_file(ended, learners, organizer_user, portal_codes):
    _attend(ended, learners, organizer_user)
    closing = services.class_close(course_class=ended, corrections={}, actor=organizer_user)
    fmt = effective_pack(ended.course.organizer.jurisdiction, ended.end_date.year).portal
    rows = selectors.portal_rows([closing], fmt)
    assert len(rows) == 4  # two completers × two codes
    by_person = {}
    for row in rows:
        by_person.setdefault(row.name, {})[row.category_code] = row.hours
        assert row.classroom_hours == row.hours
        assert row.digital_hours == 0
        assert row.city_code == fmt.city_codes.get("新竹市", "")
    assert by_person["王小明"] == {"201": 4, "303": 2}
    # Both completers were present in both sessions: their attendance spans the class.
    assert all(row.attended_from == row.starts and row.attended_to == row.ends for row in rows)
    (content,) = portal.upload_files(rows, fmt)
    text = content.decode("cp950")
    assert text.count("\r\n") == 5
    assert "王小明" in text
    assert "性別主流化與環境教育" in text


def test_a_name_big5_cannot_write_is_reported_before_any_file(ended, learners, organizer_user, portal_codes):
    person = learners[0].person
    person.name = "王堃"
    person.save()
    _attend(ended, learners, organizer_user)
    closing = services.class_close(course_class=ended, corrections={}, actor=organizer_user)
    fmt = effective_pack(ended.course.organizer.jurisdiction, ended.end_date.year).portal
    with pytest.raises(PeiliError) as error:
        portal.upload_files(selectors.portal_rows([closing], fmt), fmt)
    assert error.value.code == "portal.problems"
    assert any("堃" in problem["message"] for problem in error.value.details)


def test_blended_hours_split_so_each_row_adds_up(ended, learners, organizer_user, portal_codes):
    ended.delivery_mode = "blended"
    ended.digital_hours, ended.classroom_hours = D(5), D(1)
    ended.save()
    _attend(ended, learners, organizer_user)
    closing = services.class_close(course_class=ended, corrections={}, actor=organizer_user)
    fmt = effective_pack(ended.course.organizer.jurisdiction, ended.end_date.year).portal
    rows = [r for r in selectors.portal_rows([closing], fmt) if r.name == "王小明"]
    assert [(r.category_code, r.digital_hours, r.classroom_hours) for r in rows] == [("201", 4, 0), ("303", 1, 1)]
    assert not portal.problems(rows, fmt)


def test_the_demo_has_a_class_today_one_to_close_and_one_closed(db):
    from peili.demo.attendance import attendance_demo_load
    from peili.demo.loader import demo_load

    demo_load(actor=None)  # includes the attendance demo
    assert attendance_demo_load(actor=None) == 0  # idempotent
    titles = dict(ClassClosing.objects.values_list("course_class__course__title", "course_class__status"))
    assert titles == {"性別主流化工作坊": ClassStatus.CLOSED, "環境教育：氣候變遷調適": ClassStatus.CLOSED}
    today = timezone.localdate()
    assert Attendance.objects.filter(session__course_class__course__title="淨零排放與環境教育").exists()
    assert (
        selectors.sessions_today_for(
            LearningRecord.objects.filter(course_class__course__title="性別主流化工作坊").first().person, today
        )
        .filter(course_class__course__title="公務倫理與廉政實務")
        .exists()
    )
    # Its session today is open for signing now, whatever the time the demo was loaded.
    session = ClassSession.objects.get(course_class__course__title="公務倫理與廉政實務")
    assert services.opens_at(session) <= timezone.now()


def test_the_demos_environmental_class_counts_as_environmental_education(db):
    """Out of the box (presets, no portal codes filled in): everyone the demo's closed environmental
    class certified has those 4 hours counted as 環境教育 — on the stored standing the dashboard reads,
    on the transcript, and not as a shortfall."""
    from peili.demo.loader import demo_load
    from peili.records import selectors as record_selectors
    from peili.records.models import YearStanding

    demo_load(actor=None)
    records = LearningRecord.objects.filter(course_class__course__title="環境教育：氣候變遷調適")
    assert records.count() >= 3
    year = records.first().year
    for record in records.select_related("person__agency__jurisdiction"):
        standing = YearStanding.objects.get(person=record.person, year=year)
        assert Decimal(standing.counted["environmental_education"]) >= 4
        assert "environmental_education" not in standing.shortfall_keys
        transcript = record_selectors.person_transcript(record.person, year=year, list_years=False)
        (this_year,) = transcript.years
        environment = next(p for p in this_year.requirements if p.key == "environmental_education")
        assert environment.met
        assert [s.name for line in this_year.lines for s in line.split if line.record == record] == ["環境教育"]
