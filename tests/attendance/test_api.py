"""The attendance API (issue 11, item 19): signing with the code or a scanned token, a session's
roster in minutes, the closing preview and closing — the pages' permissions and services, stable
codes with the pages' statuses, strict bodies, and a refused caller changes nothing."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from peili.api import attendance as attendance_api
from peili.attendance import rules, services
from peili.attendance.models import Attendance, ClassClosing, Completion
from peili.catalog.enums import ClassStatus
from peili.core.models import AuditEntry
from peili.records.models import LearningRecord
from tests.attendance.conftest import confirm
from tests.enrolment.conftest import make_class
from tests.factories import PersonFactory, UserFactory, grant


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()
    yield
    cache.clear()


def call(client, method, path, body=None):
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, f"/api/v1/attendance{path}", data, content_type="application/json")


def code_now(session, kind):
    at = timezone.now()
    return rules.short_code(
        services.token_key(), session.pk, kind, rules.window_at(at.timestamp(), services.qr_period())
    )


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def state():
    """What a refused call must leave as it was."""
    return (
        list(Attendance.objects.order_by("pk").values_list()),
        list(ClassClosing.objects.values_list()),
        list(Completion.objects.values_list()),
        AuditEntry.objects.count(),
        LearningRecord.objects.count(),
    )


@pytest.fixture
def signer(open_class, tree):
    """A learner confirmed in a class whose one session today runs all day."""
    user = UserFactory(username="signer")
    registration = confirm(open_class, PersonFactory(agency=tree["b"], user=user, name="簽到者"))
    return SimpleNamespace(user=user, registration=registration, session=open_class.sessions.get())


# --- signing ------------------------------------------------------------------------------------------


def test_signing_in_and_out_with_the_code(client, signer):
    client.force_login(signer.user)
    session = signer.session
    refused = call(client, "POST", "/sign", {"kind": "out", "code": code_now(session, "out")})
    assert (refused.status_code, refused.json()["code"]) == (400, "attendance.not_signed_in")
    assert not Attendance.objects.exists()

    response = call(client, "POST", "/sign", {"kind": "in", "code": code_now(session, "in"), "session_id": session.pk})
    assert response.status_code == 200
    body = response.json()
    row = Attendance.objects.get(registration=signer.registration)
    assert body == {
        "session_id": session.pk,
        "class_id": session.course_class_id,
        "class_title": str(session.course_class),
        "kind": "in",
        "already": False,
        "signed_in_at": timezone.localtime(row.signed_in_at).isoformat(timespec="milliseconds"),
        "signed_out_at": None,
        "late_minutes": row.late_minutes,
        "early_minutes": 0,
    }
    assert datetime.fromisoformat(body["signed_in_at"]).utcoffset() == timedelta(hours=8)  # RFC 3339, with offset
    again = call(client, "POST", "/sign", {"kind": "in", "code": code_now(session, "in")})
    assert again.json()["already"] is True
    out = call(client, "POST", "/sign", {"kind": "out", "code": code_now(session, "out")})
    assert (out.status_code, out.json()["kind"], out.json()["signed_out_at"] is not None) == (200, "out", True)


def test_wrong_codes_are_refused_counted_and_then_throttled_with_429(client, signer, settings):
    settings.PEILI_ATTENDANCE_CODE_MAX_FAILURES = 3
    client.force_login(signer.user)
    right = code_now(signer.session, "in")
    answers = [call(client, "POST", "/sign", {"kind": "in", "code": wrong(right)}) for _n in range(3)]
    assert [(r.status_code, r.json()["code"]) for r in answers] == [
        (400, "attendance.code_invalid"),
        (400, "attendance.code_invalid"),
        (429, "attendance.code_throttled"),
    ]
    details = answers[-1].json()["details"]
    assert details["scope"] == "person"
    assert datetime.fromisoformat(details["retry_at"]) > timezone.now()
    locked = call(client, "POST", "/sign", {"kind": "in", "code": right})  # even the right code, until it ends
    assert (locked.status_code, locked.json()["code"]) == (429, "attendance.code_throttled")
    assert not Attendance.objects.exists()
    assert AuditEntry.objects.filter(action="attendance.code_wrong").count() == 3


def test_signing_before_it_opens_is_refused_as_the_page_does(client, today_class, tree, monkeypatch):
    user = UserFactory(username="early")
    confirm(today_class, PersonFactory(agency=tree["b"], user=user))
    session = today_class.sessions.get()  # 09:00–12:00
    midnight = timezone.make_aware(datetime.combine(session.date, time(0, 5)))
    monkeypatch.setattr(attendance_api, "timezone", SimpleNamespace(now=lambda: midnight))
    code = rules.short_code(
        services.token_key(), session.pk, "in", rules.window_at(midnight.timestamp(), services.qr_period())
    )
    client.force_login(user)
    response = call(client, "POST", "/sign", {"kind": "in", "code": code})
    assert (response.status_code, response.json()["code"]) == (400, "attendance.not_open_yet")
    assert response.json()["message"] == "這一節 09:00 開始，08:30 起才能簽到或簽退，請屆時再掃描或輸入簽到碼。"
    assert not Attendance.objects.exists()


def test_a_session_not_of_the_callers_classes_today_is_not_found(client, signer, ended):
    client.force_login(signer.user)
    other = ended.sessions.first()
    response = call(client, "POST", "/sign", {"kind": "in", "code": "123456", "session_id": other.pk})
    assert (response.status_code, response.json()["code"]) == (404, "attendance.session_not_found")
    assert not AuditEntry.objects.filter(action="attendance.code_wrong").exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "in", "code": "12345"},
        {"kind": "in", "code": "１２３４５６"},
        {"kind": "sideways", "code": "123456"},
        {"kind": "in", "code": "123456", "person_id": 1},
        {"kind": "in", "code": "123456", "session_id": 0},
        {"kind": "in", "code": "123456", "session_id": 2**64},
        {"kind": "in", "code": 123456},
    ],
)
def test_a_malformed_sign_body_is_refused_with_422(client, signer, payload):
    client.force_login(signer.user)
    before = state()
    response = call(client, "POST", "/sign", payload)
    assert (response.status_code, response.json()["code"]) == (422, "request.invalid")
    assert state() == before


def test_a_nul_character_anywhere_in_a_body_is_refused_before_anything(client, signer, ended, organizer_user):
    """The API refuses NUL in every body, before any operation sees it (PostgreSQL cannot store it)."""
    client.force_login(signer.user)
    before = state()
    response = call(client, "POST", "/sign", {"kind": "in", "code": "123456\u0000"})
    assert (response.status_code, response.json()["code"]) == (400, "request.nul_character")
    client.force_login(organizer_user)
    body = {"corrections": [{"registration_id": 1, "completes": True, "reason": "原因\u0000"}]}
    response = call(client, "POST", f"/classes/{ended.pk}/close", body)
    assert (response.status_code, response.json()["code"]) == (400, "request.nul_character")
    assert state() == before


def test_a_scanned_token_signs_in(client, signer):
    client.force_login(signer.user)
    session = signer.session
    now = timezone.now()
    token = rules.token(services.token_key(), session.pk, "in", rules.window_at(now.timestamp(), services.qr_period()))
    response = call(client, "POST", "/scan", {"token": token})
    assert (response.status_code, response.json()["kind"], response.json()["already"]) == (200, "in", False)
    stale = rules.token(services.token_key(), session.pk, "in", rules.window_at(now.timestamp(), 10) - 5)
    refused = call(client, "POST", "/scan", {"token": stale})
    assert (refused.status_code, refused.json()["code"]) == (400, "attendance.token_expired")


def test_only_those_who_may_sign_in_sign_in(client, signer, organizer_user):
    session = signer.session
    token = rules.token(
        services.token_key(), session.pk, "in", rules.window_at(timezone.now().timestamp(), services.qr_period())
    )
    calls = (("/sign", {"kind": "in", "code": code_now(session, "in")}), ("/scan", {"token": token}))
    before = state()
    client.force_login(organizer_user)  # an organizer with no person of their own
    for path, payload in calls:
        response = call(client, "POST", path, payload)
        assert (response.status_code, response.json()["code"]) == (403, "permission.denied")
    client.logout()
    for path, payload in calls:
        response = call(client, "POST", path, payload)
        assert (response.status_code, response.json()["code"]) == (401, "auth.required")
    assert state() == before


# --- the roster ---------------------------------------------------------------------------------------


def test_the_roster_of_a_session(client, ended, learners, organizer_user):
    first = ended.sessions.order_by("starts_at").first()
    services.roster_save(
        session=first,
        entries={learners[1].pk: services.RosterEntry(True, False, 5, 0, 140 - 40)},
        actor=organizer_user,
    )
    client.force_login(organizer_user)
    response = call(client, "GET", f"/classes/{ended.pk}/roster?session={first.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["session"] == {
        "id": first.pk,
        "starts_at": timezone.make_aware(datetime.combine(first.date, time(9))).isoformat(),
        "ends_at": timezone.make_aware(datetime.combine(first.date, time(12))).isoformat(),
        "hours": "3.0",
        "length_minutes": 180,
        "leave_limit_minutes": 180,
    }
    people = {p["registration_id"]: p for p in body["people"]}
    assert set(people) == {r.pk for r in learners}
    marked = people[learners[1].pk]
    assert (marked["present"], marked["signed_in_by"], marked["late_minutes"], marked["leave_minutes"]) == (
        True,
        "roster",
        5,
        100,
    )
    assert (people[learners[0].pk]["present"], people[learners[0].pk]["signed_in_at"]) == (False, None)


def test_the_roster_answers_not_found_for_others_classes_and_sessions(client, ended, learners, organizer_user, tree):
    other_body = tree["b"]
    other_body.is_training_body = True
    other_body.save(update_fields=["is_training_body"])
    elsewhere = make_class(other_body, title="別人的班期", start=ended.start_date)
    client.force_login(organizer_user)
    session = ended.sessions.first()
    response = call(client, "GET", f"/classes/{elsewhere.pk}/roster?session={elsewhere.sessions.get().pk}")
    assert (response.status_code, response.json()["code"]) == (404, "attendance.class_not_found")
    response = call(client, "GET", f"/classes/{ended.pk}/roster?session={elsewhere.sessions.get().pk}")
    assert (response.status_code, response.json()["code"]) == (404, "attendance.session_not_found")
    response = call(client, "GET", f"/classes/{ended.pk}/roster")
    assert (response.status_code, response.json()["code"]) == (422, "request.invalid")
    response = call(client, "GET", f"/classes/{ended.pk}/roster?session={2**64}")
    assert (response.status_code, response.json()["code"]) == (422, "request.invalid")
    assert call(client, "GET", f"/classes/{ended.pk}/roster?session={session.pk}").status_code == 200


def mark(registration, **changes):
    values = {
        "registration_id": registration.pk,
        "present": True,
        "signed_out": True,
        "late_minutes": 0,
        "early_minutes": 0,
        "leave_minutes": 0,
    }
    values.update(changes)
    return values


def test_marking_many_people_at_once_in_minutes(client, ended, learners, organizer_user):
    first = ended.sessions.order_by("starts_at").first()
    client.force_login(organizer_user)
    marks = [mark(learners[0]), mark(learners[1], present=False, signed_out=False, leave_minutes=180)]
    response = call(client, "PUT", f"/sessions/{first.pk}/roster", {"marks": marks})
    assert response.status_code == 200
    body = response.json()
    assert body["changed"] == 2
    assert {(p["registration_id"], p["present"], p["leave_minutes"]) for p in body["people"]} == {
        (learners[0].pk, True, 0),
        (learners[1].pk, False, 180),
    }
    assert Attendance.objects.get(registration=learners[1]).leave_minutes == 180
    assert AuditEntry.objects.filter(action="attendance.roster").count() == 2
    same = call(client, "PUT", f"/sessions/{first.pk}/roster", {"marks": marks})
    assert same.json()["changed"] == 0


@pytest.mark.parametrize(
    ("changes", "code", "details"),
    [
        ({"leave_minutes": 181}, "attendance.leave_minutes", {"field": "leave_minutes", "max": 180}),
        ({"late_minutes": 181}, "attendance.tardy_minutes", {"field": "late_minutes", "max": 180}),
        ({"early_minutes": 200}, "attendance.tardy_minutes", {"field": "early_minutes", "max": 180}),
    ],
)
def test_minutes_beyond_the_session_are_refused_and_nothing_is_written(
    client, ended, learners, organizer_user, changes, code, details
):
    first = ended.sessions.order_by("starts_at").first()
    client.force_login(organizer_user)
    before = state()
    marks = [mark(learners[0]), mark(learners[1], **changes)]
    response = call(client, "PUT", f"/sessions/{first.pk}/roster", {"marks": marks})
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert response.json()["details"] == {"registration_id": learners[1].pk, **details}
    assert state() == before


def test_a_roster_with_someone_not_in_the_class_is_refused(client, ended, learners, organizer_user, tree):
    first = ended.sessions.order_by("starts_at").first()
    stranger = confirm(make_class(tree["a1"], title="另一班"), PersonFactory(agency=tree["b"]))
    client.force_login(organizer_user)
    before = state()
    response = call(client, "PUT", f"/sessions/{first.pk}/roster", {"marks": [mark(learners[0]), mark(stranger)]})
    assert (response.status_code, response.json()["code"]) == (400, "attendance.not_enrolled")
    assert state() == before


@pytest.mark.parametrize(
    "payload",
    [
        {"marks": []},
        {"marks": "all"},
        {"marks": [{"registration_id": 1, "present": True}]},
        {"marks": [{"registration_id": 1, "present": "yes", "signed_out": False}]},
        {"marks": [], "extra": 1},
    ],
)
def test_a_malformed_roster_body_is_refused_with_422(client, ended, learners, organizer_user, payload):
    client.force_login(organizer_user)
    before = state()
    response = call(client, "PUT", f"/sessions/{ended.sessions.first().pk}/roster", payload)
    assert (response.status_code, response.json()["code"]) == (422, "request.invalid")
    assert state() == before


def test_a_roster_body_naming_someone_twice_or_with_minutes_out_of_a_day_is_refused(
    client, ended, learners, organizer_user
):
    client.force_login(organizer_user)
    path = f"/sessions/{ended.sessions.first().pk}/roster"
    for marks in (
        [mark(learners[0]), mark(learners[0], present=False)],
        [mark(learners[0], late_minutes=-1)],
        [mark(learners[0], leave_minutes=24 * 60 + 1)],
        [mark(learners[0], late_minutes="5")],
    ):
        response = call(client, "PUT", path, {"marks": marks})
        assert (response.status_code, response.json()["code"]) == (422, "request.invalid")
    assert not Attendance.objects.exists()


def test_the_roster_of_a_closed_class_is_frozen(client, ended, learners, organizer_user):
    services.class_close(course_class=ended, corrections={}, actor=organizer_user)
    client.force_login(organizer_user)
    before = state()
    response = call(client, "PUT", f"/sessions/{ended.sessions.first().pk}/roster", {"marks": [mark(learners[0])]})
    assert (response.status_code, response.json()["code"]) == (409, "attendance.class_closed")
    assert state() == before


def test_only_organizers_of_the_class_read_and_mark_the_roster(client, ended, learners, learner, tree):
    first = ended.sessions.first()
    before = state()
    client.force_login(learner)
    for method, path, body in (
        ("GET", f"/classes/{ended.pk}/roster?session={first.pk}", None),
        ("PUT", f"/sessions/{first.pk}/roster", {"marks": [mark(learners[0])]}),
    ):
        response = call(client, method, path, body)
        assert (response.status_code, response.json()["code"]) == (403, "permission.denied")
    other = UserFactory(username="other-organizer")
    grant(other, "organizer", tree["b"])
    client.force_login(other)
    response = call(client, "PUT", f"/sessions/{first.pk}/roster", {"marks": [mark(learners[0])]})
    assert (response.status_code, response.json()["code"]) == (404, "attendance.session_not_found")
    assert state() == before


# --- closing -------------------------------------------------------------------------------------------


def _attend(ended, learners, organizer_user):
    """王小明 all there; 林美華 120 minutes of leave in the morning (exactly 1/3 of 6 hours); 陳志強
    absent from the afternoon without leave."""
    first, second = ended.sessions.order_by("starts_at")
    entries = {
        learners[0].pk: services.RosterEntry(True, True, 0, 0, 0),
        learners[1].pk: services.RosterEntry(True, True, 0, 120, 120),
        learners[2].pk: services.RosterEntry(True, True, 0, 0, 0),
    }
    services.roster_save(session=first, entries=entries, actor=organizer_user)
    entries[learners[2].pk] = services.RosterEntry(False, False, 0, 0, 0)
    entries[learners[1].pk] = services.RosterEntry(True, True, 0, 0, 0)
    services.roster_save(session=second, entries=entries, actor=organizer_user)


def test_the_closing_preview_says_who_completes_and_why(client, ended, learners, organizer_user):
    _attend(ended, learners, organizer_user)
    client.force_login(organizer_user)
    response = call(client, "GET", f"/classes/{ended.pk}/closing")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("class_id", "sessions", "course_minutes", "confirmed", "completes")} == {
        "class_id": ended.pk,
        "sessions": 2,
        "course_minutes": 360,
        "confirmed": 3,
        "completes": 2,
    }
    assert body["rule"] == {
        "threshold": "1/3",
        "comparison": "strict",
        "unexcused_forfeits": True,
        "late_grace_minutes": 0,
    }
    people = {p["registration_id"]: p for p in body["people"]}
    on_leave = people[learners[1].pk]
    assert (on_leave["leave_minutes"], on_leave["attended_minutes"], on_leave["missed_fraction"]) == (120, 240, "1/3")
    assert (on_leave["completes"], on_leave["reason"]) == (True, "")
    absent = people[learners[2].pk]
    assert (absent["completes"], absent["reason"], absent["reason_label"], absent["unexcused_minutes"]) == (
        False,
        "absence.unexcused",
        "未請假缺課",
        180,
    )
    assert not ClassClosing.objects.exists()


def test_closing_with_a_correction(client, ended, learners, organizer_user):
    _attend(ended, learners, organizer_user)
    client.force_login(organizer_user)
    path = f"/classes/{ended.pk}/close"
    blank = call(
        client, "POST", path, {"corrections": [{"registration_id": learners[2].pk, "completes": True, "reason": " "}]}
    )
    assert (blank.status_code, blank.json()["code"]) == (400, "attendance.reason_required")
    assert not ClassClosing.objects.exists()
    correction = {"registration_id": learners[2].pk, "completes": True, "reason": "下午公假，補假單"}
    response = call(client, "POST", path, {"corrections": [correction]})
    assert response.status_code == 200
    body = response.json()
    assert (body["confirmed"], body["completes"], body["corrected"]) == (3, 3, 1)
    corrected = next(c for c in body["completions"] if c["registration_id"] == learners[2].pk)
    assert (corrected["rule_completes"], corrected["rule_reason"], corrected["completes"]) == (
        False,
        "absence.unexcused",
        True,
    )
    assert corrected["correction_reason"] == "下午公假，補假單"
    assert corrected["record_id"] == LearningRecord.objects.get(person=learners[2].person).pk
    ended.refresh_from_db()
    assert ended.status == ClassStatus.CLOSED
    again = call(client, "POST", path, {"corrections": []})
    assert (again.status_code, again.json()["code"]) == (409, "attendance.already_closed")
    preview = call(client, "GET", f"/classes/{ended.pk}/closing")
    assert (preview.status_code, preview.json()["code"]) == (409, "attendance.already_closed")


def test_closing_before_the_class_ends_is_refused(client, packs, body, organizer_user):
    course_class = make_class(body)  # a month ahead
    client.force_login(organizer_user)
    before = state()
    response = call(client, "POST", f"/classes/{course_class.pk}/close", {})
    assert (response.status_code, response.json()["code"]) == (400, "attendance.not_ended")
    assert state() == before


@pytest.mark.parametrize(
    "corrections",
    [
        [{"registration_id": 1, "completes": True, "reason": ""}],
        [{"registration_id": 1, "completes": True, "reason": "x" * 301}],
        [{"registration_id": 1, "completes": "yes", "reason": "x"}],
        [{"registration_id": 1, "completes": True}],
        [
            {"registration_id": 1, "completes": True, "reason": "x"},
            {"registration_id": 1, "completes": False, "reason": "y"},
        ],
    ],
)
def test_a_malformed_close_body_is_refused_with_422(client, ended, learners, organizer_user, corrections):
    client.force_login(organizer_user)
    before = state()
    response = call(client, "POST", f"/classes/{ended.pk}/close", {"corrections": corrections})
    assert (response.status_code, response.json()["code"]) == (422, "request.invalid")
    assert state() == before


def test_only_organizers_of_the_class_preview_and_close(client, ended, learners, learner, tree):
    before = state()
    client.force_login(learner)
    for method, path in (("GET", f"/classes/{ended.pk}/closing"), ("POST", f"/classes/{ended.pk}/close")):
        response = call(client, method, path, {} if method == "POST" else None)
        assert (response.status_code, response.json()["code"]) == (403, "permission.denied")
    other = UserFactory(username="other-organizer")
    grant(other, "organizer", tree["b"])
    client.force_login(other)
    response = call(client, "POST", f"/classes/{ended.pk}/close", {})
    assert (response.status_code, response.json()["code"]) == (404, "attendance.class_not_found")
    assert state() == before
    ended.refresh_from_db()
    assert ended.status == ClassStatus.PUBLISHED


def test_the_operations_are_in_the_openapi_document_with_their_codes(client, admin_user):
    client.force_login(admin_user)
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    operations = {
        ("post", "/api/v1/attendance/sign"): "attendance.code_throttled",
        ("post", "/api/v1/attendance/scan"): "attendance.token_expired",
        ("get", "/api/v1/attendance/classes/{class_id}/roster"): "attendance.session_not_found",
        ("put", "/api/v1/attendance/sessions/{session_id}/roster"): "attendance.leave_minutes",
        ("get", "/api/v1/attendance/classes/{class_id}/closing"): "attendance.class_not_found",
        ("post", "/api/v1/attendance/classes/{class_id}/close"): "attendance.reason_required",
    }
    for (method, path), code in operations.items():
        assert code in paths[path][method]["description"], (method, path)
    schemas = doc["components"]["schemas"]
    assert schemas["AttendanceRosterIn"]["additionalProperties"] is False
    assert schemas["AttendanceRosterIn"]["properties"]["marks"]["minItems"] == 1
    # The registration roster keeps its own schema (no two schemas share a name).
    assert "registrations" in schemas["RosterOut"]["properties"]
