"""Signing in and out can't be gamed: a scan ticket belongs to the account (or browser) that scanned,
wrong typed codes are throttled and audited per person and per session, signing opens a set time
before the session, and a sign-out needs a sign-in."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from peili.attendance import rules, selectors, services
from peili.attendance.enums import Mark
from peili.attendance.models import Attendance
from peili.core.errors import PeiliError
from peili.core.models import AuditEntry
from tests.attendance.conftest import confirm
from tests.enrolment.conftest import make_class
from tests.factories import PersonFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()
    yield
    cache.clear()


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def code_at(session, kind, at):
    return rules.short_code(
        services.token_key(), session.pk, kind, rules.window_at(at.timestamp(), services.qr_period())
    )


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- sign-out needs a sign-in ----------------------------------------------------------------------


def test_a_sign_out_before_any_sign_in_is_refused_and_the_real_one_works_later(today_class, tree):
    person = PersonFactory(agency=tree["b"])
    registration = confirm(today_class, person)
    session = today_class.sessions.get()
    with pytest.raises(PeiliError) as error:
        services.sign(
            person=person, session=session, kind="out", at=local(session.date, 8, 45), method=Mark.QR, actor=None
        )
    assert error.value.code == "attendance.not_signed_in"
    assert error.value.message == "您這一節還沒有簽到，不能簽退。請先簽到；已到場卻無法簽到者，請洽現場承辦人。"
    assert not Attendance.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="attendance.sign").exists()

    services.sign(person=person, session=session, kind="in", at=local(session.date, 8, 55), method=Mark.QR, actor=None)
    signed = services.sign(
        person=person, session=session, kind="out", at=local(session.date, 11, 40), method=Mark.QR, actor=None
    )
    assert not signed.already
    row = Attendance.objects.get(registration=registration, session=session)
    assert (row.late_minutes, row.early_minutes) == (0, 20)
    assert row.signed_out_at == local(session.date, 11, 40)


def test_a_roster_tick_counts_as_a_sign_in_for_signing_out(today_class, tree, organizer_user):
    person = PersonFactory(agency=tree["b"])
    registration = confirm(today_class, person)
    session = today_class.sessions.get()
    services.roster_save(
        session=session,
        entries={registration.pk: services.RosterEntry(True, False, 0, 0, 0)},
        actor=organizer_user,
        now=local(session.date, 9, 0),
    )
    services.sign(person=person, session=session, kind="out", at=local(session.date, 12, 0), method=Mark.QR, actor=None)
    assert Attendance.objects.get(registration=registration).signed_out_at == local(session.date, 12, 0)


# --- signing opens a set time before the session ---------------------------------------------------


def test_signing_in_opens_thirty_minutes_before_the_session(today_class, tree):
    person = PersonFactory(agency=tree["b"])
    registration = confirm(today_class, person)
    session = today_class.sessions.get()
    for at in (local(session.date, 0, 1), local(session.date, 8, 29)):
        with pytest.raises(PeiliError) as error:
            services.sign(person=person, session=session, kind="in", at=at, method=Mark.QR, actor=None)
        assert error.value.code == "attendance.not_open_yet"
        assert error.value.message == "這一節 09:00 開始，08:30 起才能簽到或簽退，請屆時再掃描或輸入簽到碼。"
    assert not Attendance.objects.exists()
    services.sign(person=person, session=session, kind="in", at=local(session.date, 8, 30), method=Mark.QR, actor=None)
    assert Attendance.objects.get(registration=registration).late_minutes == 0


def test_the_opening_is_a_setting(today_class, tree, settings):
    settings.PEILI_ATTENDANCE_OPENS_MINUTES = 60
    person = PersonFactory(agency=tree["b"])
    confirm(today_class, person)
    session = today_class.sessions.get()
    with pytest.raises(PeiliError) as error:
        services.sign(
            person=person, session=session, kind="in", at=local(session.date, 7, 59), method=Mark.QR, actor=None
        )
    assert "08:00 起才能簽到" in error.value.message
    services.sign(person=person, session=session, kind="in", at=local(session.date, 8, 0), method=Mark.QR, actor=None)


def test_a_typed_code_from_midnight_is_refused_with_the_opening_time(today_class, tree):
    person = PersonFactory(agency=tree["b"])
    confirm(today_class, person)
    session = today_class.sessions.get()
    at = local(session.date, 0, 5)
    with pytest.raises(PeiliError) as error:
        services.sign_by_code(person=person, code=code_at(session, "in", at), kind="in", at=at, actor=None)
    assert error.value.code == "attendance.not_open_yet"
    assert not Attendance.objects.exists()


# --- a scan ticket belongs to whoever scanned --------------------------------------------------------


def _scan(client, session, kind="in"):
    at = timezone.now()
    token = rules.token(services.token_key(), session.pk, kind, rules.window_at(at.timestamp(), services.qr_period()))
    held = client.get(reverse("attendance:scan", args=[token]))
    assert held.status_code == 302
    return held["Location"]


def _learner(course_class, tree, username):
    user = UserFactory(username=username)
    registration = confirm(course_class, PersonFactory(agency=tree["b"], user=user))
    return user, registration


def test_a_ticket_scanned_by_one_account_is_refused_to_another(client, open_class, tree):
    session = open_class.sessions.get()
    scanner, own = _learner(open_class, tree, "scanner")
    friend, friends = _learner(open_class, tree, "friend")
    client.force_login(scanner)
    ticket_url = _scan(client, session)

    other = client.__class__()
    other.force_login(friend)
    page = other.get(ticket_url)
    assert page.status_code == 403
    html = page.content.decode()
    assert "這個簽到連結是另一個帳號或另一支手機掃描的" in html
    assert "確認簽到" not in html
    refused = other.post(ticket_url)
    assert refused.status_code == 403
    assert not Attendance.objects.filter(registration=friends).exists()

    done = client.post(ticket_url)
    assert "簽到完成" in done.content.decode()
    assert Attendance.objects.get(registration=own).signed_in_at is not None


def test_a_ticket_scanned_before_signing_in_stays_with_that_browser(client, open_class, tree):
    session = open_class.sessions.get()
    scanner, own = _learner(open_class, tree, "scanner")
    friend, friends = _learner(open_class, tree, "friend")
    ticket_url = _scan(client, session)  # not signed in yet: the ticket is held by this browser

    other = client.__class__()
    other.force_login(friend)
    assert other.post(ticket_url).status_code == 403
    assert not Attendance.objects.filter(registration=friends).exists()

    client.force_login(scanner)  # signing in keeps the browser's session data
    done = client.post(ticket_url)
    assert "簽到完成" in done.content.decode()
    assert Attendance.objects.get(registration=own).signed_in_by == Mark.QR


def test_a_ticket_is_read_by_the_service(open_class, tree):
    """The binding lives in the service (the API calls the same one): a ticket names the account, or
    the nonce the scanning browser holds."""
    session = open_class.sessions.get()
    scanner, own = _learner(open_class, tree, "scanner")
    friend, _friends = _learner(open_class, tree, "friend")
    now = timezone.now()
    token = rules.token(services.token_key(), session.pk, "in", rules.window_at(now.timestamp(), services.qr_period()))
    held = services.ticket_issue(token=token, user=scanner, at=now)
    assert services.ticket_read(ticket=held.text, user=scanner, held=(), at=now).session_id == session.pk
    with pytest.raises(PeiliError) as error:
        services.ticket_read(ticket=held.text, user=friend, held=(held.nonce,), at=now)
    assert (error.value.code, error.value.status) == ("attendance.ticket_not_yours", 403)
    anonymous = services.ticket_issue(token=token, user=None, at=now)
    with pytest.raises(PeiliError):
        services.ticket_read(ticket=anonymous.text, user=friend, held=(), at=now)
    ticket = services.ticket_read(ticket=anonymous.text, user=scanner, held=(anonymous.nonce,), at=now)
    services.sign_by_ticket(person=own.person, ticket=ticket, actor=scanner)
    assert Attendance.objects.get(registration=own).signed_in_at is not None
    with pytest.raises(PeiliError) as error:
        services.ticket_read(
            ticket=anonymous.text, user=scanner, held=(anonymous.nonce,), at=now + timedelta(minutes=6)
        )
    assert error.value.code == "attendance.ticket_expired"


# --- wrong typed codes: throttled and audited per person and per session -----------------------------


def test_wrong_codes_are_throttled_per_person_with_the_time_to_retry(today_class, tree, settings):
    settings.PEILI_ATTENDANCE_CODE_MAX_FAILURES = 5
    settings.PEILI_ATTENDANCE_CODE_LOCK_SECONDS = 600
    guesser = PersonFactory(agency=tree["b"], name="猜碼者")
    honest = PersonFactory(agency=tree["b"])
    confirm(today_class, guesser)
    honest_registration = confirm(today_class, honest)
    session = today_class.sessions.get()
    at = local(session.date, 9, 2)
    right = code_at(session, "in", at)
    for n in range(5):
        with pytest.raises(PeiliError) as error:
            services.sign_by_code(
                person=guesser, code=wrong(right), kind="in", at=at + timedelta(seconds=n), actor=None
            )
        assert error.value.code == ("attendance.code_invalid" if n < 4 else "attendance.code_throttled")
    assert error.value.status == 429
    assert error.value.message == "簽到碼輸入錯誤次數過多，請於 09:13 後再試；也可以掃描 QR code 或洽現場承辦人。"
    # Locked: even the right code is refused until then, without telling whether it was right.
    with pytest.raises(PeiliError) as error:
        services.sign_by_code(person=guesser, code=right, kind="in", at=at + timedelta(seconds=6), actor=None)
    assert error.value.code == "attendance.code_throttled"
    assert not Attendance.objects.exists()
    # Someone else in the session is not touched by it.
    services.sign_by_code(person=honest, code=right, kind="in", at=at, actor=None)
    assert Attendance.objects.get(registration=honest_registration).signed_in_by == Mark.CODE

    entries = AuditEntry.objects.filter(action="attendance.code_wrong")
    assert entries.count() == 5
    assert {(e.object_type, e.object_id) for e in entries} == {("catalog.classsession", str(session.pk))}
    assert {e.after["person"] for e in entries} == {guesser.pk}
    throttled = AuditEntry.objects.get(action="attendance.code_throttled")
    assert throttled.after == {"person": guesser.pk, "kind": "in", "scope": "person"}

    # The organizer sees who typed wrong codes in this session.
    (line,) = selectors.wrong_codes(session)
    assert (line.name, line.count, line.throttled) == ("猜碼者", 5, True)


def test_the_lock_ends_and_a_right_code_clears_the_count(today_class, tree, settings):
    settings.PEILI_ATTENDANCE_CODE_MAX_FAILURES = 3
    person = PersonFactory(agency=tree["b"])
    confirm(today_class, person)
    session = today_class.sessions.get()
    at = local(session.date, 9, 0)
    for _ in range(3):
        with pytest.raises(PeiliError):
            services.sign_by_code(person=person, code=wrong(code_at(session, "in", at)), kind="in", at=at, actor=None)
    later = at + timedelta(seconds=settings.PEILI_ATTENDANCE_CODE_LOCK_SECONDS + 1)
    signed = services.sign_by_code(person=person, code=code_at(session, "in", later), kind="in", at=later, actor=None)
    assert not signed.already
    assert services.code_failures(person) == 0


def test_wrong_codes_are_throttled_per_session(today_class, tree, settings):
    settings.PEILI_ATTENDANCE_CODE_MAX_FAILURES = 5
    settings.PEILI_ATTENDANCE_CODE_SESSION_MAX_FAILURES = 3
    session = today_class.sessions.get()
    at = local(session.date, 9, 1)
    right = code_at(session, "in", at)
    people = [PersonFactory(agency=tree["b"]) for _ in range(4)]
    registrations = [confirm(today_class, person) for person in people]
    for person in people[:3]:
        with pytest.raises(PeiliError):
            services.sign_by_code(person=person, code=wrong(right), kind="in", at=at, actor=None)
    with pytest.raises(PeiliError) as error:
        services.sign_by_code(person=people[3], code=right, kind="in", at=at, actor=None)
    assert error.value.code == "attendance.code_throttled"
    assert error.value.message == (
        "這一節的簽到碼輸入錯誤次數過多，暫停以簽到碼簽到，請於 09:11 後再試；也可以掃描 QR code 或洽現場承辦人。"
    )
    assert AuditEntry.objects.filter(action="attendance.code_throttled", after__scope="session").count() == 1
    # Scanning still works.
    token = rules.token(services.token_key(), session.pk, "in", rules.window_at(at.timestamp(), services.qr_period()))
    services.sign_by_token(person=people[3], token=token, at=at, actor=None)
    assert Attendance.objects.get(registration=registrations[3]).signed_in_by == Mark.QR


def test_the_code_page_shows_the_throttle_and_the_roster_shows_wrong_codes(
    client, open_class, tree, organizer_user, settings
):
    settings.PEILI_ATTENDANCE_CODE_MAX_FAILURES = 2
    session = open_class.sessions.get()
    learner, _registration = _learner(open_class, tree, "typist")
    client.force_login(learner)
    right = code_at(session, "in", timezone.now())
    for _ in range(2):
        page = client.post(reverse("attendance:code"), {"kind": "in", "code": wrong(right)})
    html = page.content.decode()
    assert "簽到碼輸入錯誤次數過多，請於 " in html
    assert not Attendance.objects.exists()

    client.force_login(organizer_user)
    roster = client.get(reverse("attendance:roster", args=[session.pk])).content.decode()
    assert "簽到碼輸入錯誤" in roster
    assert learner.person.name in roster


def test_the_screen_says_when_signing_opens_while_shown_early(client, packs, body, organizer_user):
    tomorrow = timezone.localdate() + timedelta(days=1)
    course_class = make_class(body, title="明日課程", start=tomorrow, sessions=((9, 12),))
    session = course_class.sessions.get()
    client.force_login(organizer_user)
    html = client.get(reverse("attendance:screen", args=[session.pk, "in"])).content.decode()
    assert "08:30 起開放簽到，在那之前掃描或輸入簽到碼都不受理。" in html
