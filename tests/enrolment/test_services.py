"""Every registration transition, every refusal (which changes nothing), history and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from peili.catalog.models import CourseClass
from peili.core.errors import PeiliError
from peili.core.models import AuditEntry
from peili.enrolment import services
from peili.enrolment.enums import RegistrationStatus as S
from peili.enrolment.models import Registration, RegistrationEvent
from peili.notifications.models import Notification
from peili.policy.services import pack_update
from tests.enrolment.conftest import make_class
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def reg(person, course_class, **kw):
    kw.setdefault("meal", "meat")
    kw.setdefault("deputy_name", "代理人")
    return services.registration_create(person=person, course_class=course_class, actor=person.user, **kw)


def state(course_class) -> dict:
    course_class.refresh_from_db()
    return {
        "counters": (course_class.confirmed_count, course_class.waitlist_count, course_class.pending_count),
        "registrations": list(Registration.objects.order_by("id").values_list("person_id", "status")),
        "events": RegistrationEvent.objects.count(),
        "audit": AuditEntry.objects.filter(action__startswith="enrolment.").count(),
    }


def test_seats_then_waitlist_then_full(course_class, staff):
    statuses = [reg(p, course_class).registration.status for p in staff]
    assert statuses == [S.CONFIRMED] * 5 + [S.WAITLISTED] * 3
    extra = PersonFactory(agency=staff[0].agency)
    before = state(course_class)
    with pytest.raises(PeiliError) as info:
        reg(extra, course_class)
    assert info.value.code == "registration.full"
    assert state(course_class) == before
    assert before["counters"] == (5, 3, 0)
    assert before["events"] == 8
    first = AuditEntry.objects.filter(action="enrolment.register").order_by("id").first()
    assert first.actor == staff[0].user
    assert first.after["status"] == "confirmed"


def test_a_full_class_is_refused_before_its_lock_is_taken(course_class, staff, django_assert_max_num_queries):
    for person in staff:
        reg(person, course_class)
    extra = PersonFactory(agency=staff[0].agency)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx, pytest.raises(PeiliError) as info:
        reg(extra, course_class)
    assert info.value.code == "registration.full"
    # The class and its eligibility lists are read; no lock, eligibility, duplicate or clash work.
    assert not [q for q in ctx.captured_queries if "enrolment_registration" in q["sql"] or "FOR UPDATE" in q["sql"]]
    assert len(ctx.captured_queries) <= 5


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status": "draft"}, "registration.class_not_open"),
        ({"registration_opens_at": timezone.now() + timedelta(hours=1)}, "registration.window_not_open"),
        ({"registration_closes_at": timezone.now() - timedelta(hours=1)}, "registration.window_closed"),
        ({"grade_min": 10}, "registration.not_eligible"),
    ],
)
def test_refusals_change_nothing(packs, body, staff, fields, code):
    course_class = make_class(body, **fields)
    before = state(course_class)
    with pytest.raises(PeiliError) as info:
        reg(staff[0], course_class)
    assert info.value.code == code
    assert state(course_class) == before


def test_not_eligible_explains_in_chinese_with_reasons(packs, body, staff):
    course_class = make_class(body, grade_min=10)
    with pytest.raises(PeiliError) as info:
        reg(staff[0], course_class)
    assert info.value.message == "您的官等職等不符本班期資格：限簡任第10職等以上。"
    assert info.value.details == {"reasons": [{"code": "eligibility.grade", "message": info.value.message}]}


def test_duplicate_is_refused(course_class, staff):
    reg(staff[0], course_class)
    with pytest.raises(PeiliError) as info:
        reg(staff[0], course_class)
    assert info.value.code == "registration.duplicate"
    assert Registration.objects.count() == 1


def test_hsinchu_requires_a_deputy(course_class, staff):
    with pytest.raises(PeiliError) as info:
        reg(staff[0], course_class, deputy_name="")
    assert info.value.code == "registration.deputy_required"
    done = reg(staff[0], course_class, deputy_name="", deputy=staff[1])
    assert done.registration.deputy_display == staff[1].name


def test_meal_is_none_when_no_meals(packs, body, staff):
    course_class = make_class(body, meals_provided=False)
    assert reg(staff[0], course_class, meal="vegetarian").registration.meal == "none"


def test_clash_warns_by_default_and_refuses_when_the_pack_says(course_class, body, staff, packs):
    other = make_class(body, title="環境教育", start=course_class.start_date, sessions=((10, 12),))
    reg(staff[0], course_class)
    done = reg(staff[0], other)
    assert [w.code for w in done.warnings] == ["registration.clash"]
    pack = next(p for p in packs if p.jurisdiction.code == "hsinchu-city")
    refusing = pack.source.replace("clash: warn", "clash: refuse", 1)
    assert refusing != pack.source
    pack_update(pack=pack, source=refusing, actor=None, note="時間衝突改為拒絕")
    third = make_class(body, title="行政中立", start=course_class.start_date, sessions=((11, 13),))
    with pytest.raises(PeiliError) as info:
        reg(staff[0], third)
    assert info.value.code == "registration.clash"
    assert not Registration.objects.filter(course_class=third).exists()


def test_consent_confirms_then_waitlists_by_original_time(packs, body, staff, boss):
    course_class = make_class(body, needs_supervisor_consent=True, capacity=1, waitlist_size=2)
    first, second, third = (reg(p, course_class).registration for p in staff[:3])
    assert {first.status, second.status, third.status} == {S.PENDING_CONSENT}
    with pytest.raises(PeiliError) as info:
        reg(staff[3], course_class)
    assert info.value.code == "registration.full"  # three places in the queue, all taken
    # Consent in reverse order: the seat goes to whoever is consented first (pending holds no seat) …
    assert services.registration_consent(registration=third, actor=boss.user).status == S.CONFIRMED
    assert services.registration_consent(registration=second, actor=boss.user).status == S.WAITLISTED
    assert services.registration_consent(registration=first, actor=boss.user).status == S.WAITLISTED
    # … and the waitlist follows registration time, not consent time.
    services.registration_cancel(registration=third, actor=staff[2].user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.CONFIRMED, S.WAITLISTED)
    assert first.promoted_at is not None
    course_class.refresh_from_db()
    assert (course_class.confirmed_count, course_class.waitlist_count) == (1, 1)
    assert AuditEntry.objects.filter(action="enrolment.consent").count() == 3


def counters_match_registrations(course_class: CourseClass) -> bool:
    course_class.refresh_from_db()
    statuses = list(Registration.objects.filter(course_class=course_class).values_list("status", flat=True))
    return (course_class.confirmed_count, course_class.waitlist_count, course_class.pending_count) == (
        statuses.count(S.CONFIRMED),
        statuses.count(S.WAITLISTED),
        statuses.count(S.PENDING_CONSENT),
    )


def test_the_pending_counter_follows_every_transition(packs, body, staff, boss):
    course_class = make_class(body, needs_supervisor_consent=True, capacity=1, waitlist_size=2)
    first, second, third = (reg(p, course_class).registration for p in staff[:3])
    assert counters_match_registrations(course_class)
    assert course_class.pending_count == 3
    services.registration_consent(registration=first, actor=boss.user)
    assert counters_match_registrations(course_class)
    services.registration_decline(registration=second, actor=boss.user)
    assert counters_match_registrations(course_class)
    services.registration_cancel(registration=third, actor=staff[2].user)
    assert counters_match_registrations(course_class)
    assert (course_class.confirmed_count, course_class.waitlist_count, course_class.pending_count) == (1, 0, 0)


def test_a_consent_class_whose_queue_is_full_is_refused_before_its_lock(packs, body, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course_class = make_class(body, needs_supervisor_consent=True, capacity=1, waitlist_size=2)
    for person in staff[:3]:
        reg(person, course_class)
    with CaptureQueriesContext(connection) as ctx, pytest.raises(PeiliError) as info:
        reg(staff[3], course_class)
    assert info.value.code == "registration.full"
    assert not [q for q in ctx.captured_queries if "enrolment_registration" in q["sql"] or "FOR UPDATE" in q["sql"]]


def test_decline_and_no_second_decision(packs, body, staff, boss):
    course_class = make_class(body, needs_supervisor_consent=True)
    registration = reg(staff[0], course_class).registration
    declined = services.registration_decline(registration=registration, actor=boss.user, note="業務繁忙")
    assert (declined.status, declined.consent_note, declined.consent_by) == (S.DECLINED, "業務繁忙", boss.user)
    before = state(course_class)
    with pytest.raises(PeiliError) as info:
        services.registration_consent(registration=registration, actor=boss.user)
    assert info.value.code == "registration.not_pending"
    assert state(course_class) == before
    # Declined is not active: the person may register again.
    assert reg(staff[0], course_class).registration.status == S.PENDING_CONSENT


def test_cancel_promotes_the_first_waiting_once(course_class, staff):
    regs = [reg(p, course_class).registration for p in staff]
    services.registration_cancel(registration=regs[0], actor=staff[0].user)
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses[regs[0].pk] == S.CANCELLED
    assert statuses[regs[5].pk] == S.CONFIRMED
    assert [statuses[r.pk] for r in regs[6:]] == [S.WAITLISTED, S.WAITLISTED]
    with pytest.raises(PeiliError) as info:
        services.registration_cancel(registration=regs[0], actor=staff[0].user)
    assert info.value.code == "registration.not_active"
    course_class.refresh_from_db()
    assert (course_class.confirmed_count, course_class.waitlist_count) == (5, 2)
    assert AuditEntry.objects.filter(action="enrolment.promote").count() == 1
    event = RegistrationEvent.objects.get(registration=regs[5], from_status=S.WAITLISTED)
    assert event.to_status == S.CONFIRMED


def test_cancelling_a_waitlisted_place_promotes_nobody(course_class, staff):
    regs = [reg(p, course_class).registration for p in staff]
    services.registration_cancel(registration=regs[6], actor=None)
    course_class.refresh_from_db()
    assert (course_class.confirmed_count, course_class.waitlist_count) == (5, 2)
    assert AuditEntry.objects.filter(action="enrolment.promote").count() == 0


def test_cancel_after_the_deadline_is_refused(course_class, staff):
    registration = reg(staff[0], course_class).registration
    CourseClass.objects.filter(pk=course_class.pk).update(cancellation_deadline=timezone.now() - timedelta(minutes=1))
    before = state(course_class)
    with pytest.raises(PeiliError) as info:
        services.registration_cancel(registration=registration, actor=None)
    assert info.value.code == "registration.cancellation_closed"
    assert state(course_class) == before


def test_nominate_reports_each_person(packs, body, staff, personnel):
    course_class = make_class(body, needs_supervisor_consent=True, grade_max=7)
    senior = PersonFactory(agency=staff[0].agency, grade=9)
    reg(staff[1], course_class)
    results = services.registrations_nominate(
        course_class=course_class, people=[staff[0], senior, staff[1]], actor=personnel
    )
    assert [(r.ok, r.error.code if r.error else r.registration.status) for r in results] == [
        (True, S.CONFIRMED),  # a nomination is the agency's consent
        (False, "registration.not_eligible"),
        (False, "registration.duplicate"),
    ]
    nominated = results[0].registration
    assert (nominated.source, nominated.nominated_by, nominated.consent_by) == ("nominated", personnel, personnel)


def test_substitute_keeps_the_seat(course_class, staff, tree, personnel):
    original = reg(staff[0], course_class).registration
    replacement = services.registration_substitute(
        registration=original, substitute=staff[7], deputy_name="代理人", actor=personnel
    )
    original.refresh_from_db()
    assert original.status == S.SUBSTITUTED
    assert (replacement.status, replacement.substitute_of, replacement.registered_at) == (
        S.CONFIRMED,
        original,
        original.registered_at,
    )
    course_class.refresh_from_db()
    assert (course_class.confirmed_count, course_class.waitlist_count) == (1, 0)
    outsider = PersonFactory(agency=tree["a"])
    before = state(course_class)
    with pytest.raises(PeiliError) as info:
        services.registration_substitute(
            registration=replacement, substitute=outsider, deputy_name="代理人", actor=personnel
        )
    assert info.value.code == "registration.substitute_agency"
    with pytest.raises(PeiliError) as info:
        services.registration_substitute(
            registration=original, substitute=staff[6], deputy_name="代理人", actor=personnel
        )
    assert info.value.code == "registration.not_confirmed"
    assert state(course_class) == before


def test_a_substitution_is_recorded_as_one_with_the_deputy_the_pack_requires(course_class, staff, personnel):
    """Hsinchu's pack requires a deputy (registration.deputy_required): the substitute names one, as
    a registration would, and the new registration says it is a substitution and whose seat it took."""
    original = reg(staff[0], course_class).registration
    before = state(course_class)
    with pytest.raises(PeiliError) as info:
        services.registration_substitute(registration=original, substitute=staff[7], actor=personnel)
    assert info.value.code == "registration.deputy_required"
    assert info.value.message == "報名本班期須事先遴妥職務代理人，請填寫職務代理人。"
    assert state(course_class) == before
    replacement = services.registration_substitute(
        registration=original, substitute=staff[7], deputy=staff[6], actor=personnel
    )
    replacement.refresh_from_db()
    assert (replacement.source, replacement.substitute_of_id, replacement.deputy_id) == (
        "substitute",
        original.pk,
        staff[6].pk,
    )
    assert (replacement.get_source_display(), replacement.deputy_display) == ("遞補", staff[6].name)
    entry = AuditEntry.objects.filter(action="enrolment.substitute", object_id=str(replacement.pk)).get()
    assert (entry.after["source"], entry.after["deputy"]) == ("substitute", staff[6].pk)


def test_a_substitution_needs_no_deputy_where_the_pack_does_not(packs, course_class, staff, personnel):
    pack = next(p for p in packs if p.jurisdiction.code == "hsinchu-city")
    relaxed = pack.source.replace("\n  deputy_required: true", "\n  deputy_required: false", 1)
    assert relaxed != pack.source
    pack_update(pack=pack, source=relaxed, actor=None, note="免填職務代理人")
    original = reg(staff[0], course_class).registration
    replacement = services.registration_substitute(registration=original, substitute=staff[7], actor=personnel)
    assert (replacement.source, replacement.deputy_display) == ("substitute", "")


def test_notices_mail_and_calendar_on_commit(course_class, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = reg(staff[0], course_class).registration
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["s0@example.tw"]
    assert message.subject.startswith("[培力] 報名已錄取")
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (f"class-{course_class.pk}.ics", "text/calendar")
    assert content.count("BEGIN:VEVENT") == 1
    assert Notification.objects.get(user=staff[0].user).kind == "confirmed"
    # Running the same notice again sends nothing twice.
    from peili.enrolment.tasks import notify_registration

    notify_registration(registration.pk, "confirmed")
    assert len(mail.outbox) == 1


def test_consent_request_goes_to_the_supervisor_with_a_link(
    packs, body, staff, boss, django_capture_on_commit_callbacks
):
    course_class = make_class(body, needs_supervisor_consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        reg(staff[0], course_class)
    assert [m.to for m in mail.outbox] == [["boss@example.tw"]]
    assert "/registrations/consent/" in mail.outbox[0].body
    assert Notification.objects.get(user=boss.user).kind == "consent_request"


def test_a_notice_is_written_in_the_site_language_whatever_the_request_used(
    packs, body, staff, boss, django_capture_on_commit_callbacks
):
    from django.utils import translation

    course_class = make_class(body, needs_supervisor_consent=True)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        reg(staff[0], course_class)  # the learner had switched the page to English
    notice = Notification.objects.get(user=boss.user)
    assert notice.title.endswith("待您同意")
    assert mail.outbox[0].subject.endswith("待您同意")


def test_promotion_is_told(course_class, staff, django_capture_on_commit_callbacks):
    regs = [reg(p, course_class).registration for p in staff[:6]]
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=regs[0], actor=None)
    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    assert kinds == ["cancelled", "promoted"]
    assert any(m.attachments for m in mail.outbox if m.to == ["s5@example.tw"])


def test_reminders_are_sent_once_n_days_before(packs, body, staff):
    from peili.enrolment.tasks import send_class_reminders

    course_class = make_class(body, start=timezone.localdate() + timedelta(days=3))
    reg(staff[0], course_class)
    make_class(body, title="晚一點的班", start=timezone.localdate() + timedelta(days=4))
    assert send_class_reminders() == 1
    assert send_class_reminders() == 0
    assert Notification.objects.filter(kind="reminder").count() == 1
