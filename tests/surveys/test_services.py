"""Surveys' writes: templates and their versions, attaching and opening a class's survey, who is
asked, answering (once, all or nothing), drafts, reminders, and the notices."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import models
from django.utils import timezone

from peili.attendance.models import Attendance
from peili.core.errors import PeiliError
from peili.core.models import AuditEntry
from peili.enrolment.models import Registration
from peili.notifications.models import Notification
from peili.surveys import selectors, services, tasks
from peili.surveys.enums import ErrorCode, NotificationKind, QuestionKind, SectionKind
from peili.surveys.models import Answer, Invitation, Response, Survey, Tally, TemplateVersion
from peili.surveys.services import QuestionSpec
from tests.enrolment.conftest import make_class
from tests.factories import AgencyFactory
from tests.surveys.conftest import full_answers

pytestmark = pytest.mark.django_db


def _invitation(survey, person):
    return Invitation.objects.get(survey=survey, person=person)


def _submit(survey, person, data=None, **kwargs):
    """Submit, and (an anonymous survey) write the answer into the results at once, as the last
    batch would: the pool and its batches are tested in test_anonymity.py."""
    response = services.response_submit(
        invitation=_invitation(survey, person), data=data or full_answers(survey, **kwargs), actor=person.user
    )
    services.pool_flush(survey=survey, last=True)
    return response


# --- templates and versions -----------------------------------------------------------------------


def test_a_new_template_has_version_one_with_its_questions(template):
    version = selectors.latest_version(template)
    assert version.number == 1
    sections = selectors.version_sections(version)
    assert [s.kind for s in sections] == ["course", "instructor", "venue", "overall"]
    assert [q.text for q in sections[2].questions.all()] == ["場地設備", "餐點份量"]
    assert sections[2].questions.all()[1].options == ["太少", "剛好", "太多"]
    assert AuditEntry.objects.filter(action="surveys.template_create", object_id=str(template.pk)).count() == 1


def test_a_choice_question_needs_two_distinct_options(template, organizer_user):
    key = selectors.version_sections(selectors.latest_version(template))[0].key
    for options in (("只有一個",), ("同", "同")):
        with pytest.raises(PeiliError) as refused:
            services.question_add(
                template=template,
                section_key=key,
                spec=QuestionSpec(QuestionKind.SINGLE, "選一個", options=options),
                actor=organizer_user,
            )
        assert refused.value.code in {"survey.options_required", "survey.options_duplicate"}
    assert selectors.version_sections(selectors.latest_version(template))[0].questions.count() == 2


def test_edits_before_any_answer_change_the_version_in_place(survey, template, organizer_user):
    section = selectors.version_sections(survey.version)[0]
    services.question_add(
        template=template, section_key=section.key, spec=QuestionSpec(QuestionKind.SCALE, "教材"), actor=organizer_user
    )
    assert TemplateVersion.objects.filter(template=template).count() == 1
    assert [q.text for q in section.questions.order_by("position")] == [
        "課程內容符合我的工作需要",
        "課程時間安排適當",
        "教材",
    ]


def test_an_edit_after_answers_makes_a_new_version_and_old_answers_keep_theirs(
    survey, template, attendees, organizer_user, ended_class, body
):
    _submit(survey, attendees[0])
    other_class = make_class(body, title="另一班", start=timezone.localdate() + timedelta(days=5))
    unanswered = services.survey_attach(course_class=other_class, template=template, actor=organizer_user)
    first = survey.version
    question = selectors.version_sections(first)[0].questions.first()

    services.question_update(
        template=template,
        key=question.key,
        spec=QuestionSpec(QuestionKind.SCALE, "課程內容切合業務需要"),
        actor=organizer_user,
    )

    second = selectors.latest_version(template)
    assert second.number == 2
    survey.refresh_from_db()
    unanswered.refresh_from_db()
    assert survey.version == first  # answered: stays
    assert unanswered.version == second  # nobody answered: follows the template
    assert Response.objects.get().version == first
    question.refresh_from_db()
    assert question.text == "課程內容符合我的工作需要"
    renamed = selectors.version_sections(second)[0].questions.first()
    assert (renamed.key, renamed.text) == (question.key, "課程內容切合業務需要")
    assert [s.key for s in selectors.version_sections(second)] == [s.key for s in selectors.version_sections(first)]
    # A second edit goes to version 2 (still unanswered), not to a third.
    services.question_delete(template=template, key=renamed.key, actor=organizer_user)
    assert TemplateVersion.objects.filter(template=template).count() == 2
    assert AuditEntry.objects.filter(action="surveys.template_new_version").count() == 1


def test_moving_sections_and_questions(template, organizer_user):
    sections = selectors.version_sections(selectors.latest_version(template))
    services.section_move(template=template, key=sections[3].key, offset=-1, actor=organizer_user)
    assert [s.kind for s in selectors.version_sections(selectors.latest_version(template))] == [
        "course",
        "instructor",
        "overall",
        "venue",
    ]
    overall = sections[3]
    keys = [q.key for q in overall.questions.all()]
    services.question_move(template=template, key=keys[0], offset=5, actor=organizer_user)
    assert [q.key for q in overall.questions.order_by("position")] == [keys[1], keys[2], keys[0]]
    services.section_delete(template=template, key=sections[0].key, actor=organizer_user)
    assert [s.position for s in selectors.version_sections(selectors.latest_version(template))] == [1, 2, 3]


# --- attaching, opening, asking ------------------------------------------------------------------


def test_the_window_opens_when_the_last_session_ends_and_closes_after_the_packs_days(survey, ended_class):
    session = ended_class.sessions.get()
    assert survey.opens_at == timezone.make_aware(datetime.combine(session.date, session.ends_at))
    closes_on = ended_class.end_date + timedelta(days=7)  # national default: open_days 7
    assert survey.closes_at == timezone.make_aware(datetime.combine(closes_on, time.max))
    assert survey.anonymous is True


def test_a_template_of_another_body_or_without_questions_cannot_be_attached(ended_class, organizer_user, tree):
    other = AgencyFactory(code="376570999A", parent=tree["root"], jurisdiction=tree["root"].jurisdiction)
    foreign = services.template_create(organizer=other, name="他機關", actor=None)
    with pytest.raises(PeiliError) as refused:
        services.survey_attach(course_class=ended_class, template=foreign, actor=organizer_user)
    assert refused.value.code == "survey.template_foreign"
    empty = services.template_create(organizer=ended_class.course.organizer, name="空白", actor=None)
    with pytest.raises(PeiliError) as refused:
        services.survey_attach(course_class=ended_class, template=empty, actor=organizer_user)
    assert refused.value.code == ErrorCode.TEMPLATE_EMPTY
    assert not Survey.objects.exists()


def test_once_open_the_template_cannot_change(survey, template, organizer_user, ended_class):
    with pytest.raises(PeiliError) as refused:
        services.survey_attach(course_class=ended_class, template=template, anonymous=False, actor=organizer_user)
    assert refused.value.code == ErrorCode.ALREADY_ATTACHED
    with pytest.raises(PeiliError):
        services.survey_detach(course_class=ended_class, actor=organizer_user)
    survey.refresh_from_db()
    assert survey.anonymous is True


def test_those_who_attended_are_asked_once_and_late_marks_are_added(survey, attendees, ended_class, tree):
    assert sorted(Invitation.objects.filter(survey=survey).values_list("person__name", flat=True)) == sorted(
        ["王小明", "林美華", "陳志強"]
    )
    assert survey.invited_count == 3
    assert services.survey_invite(survey=survey) == []
    absent = Registration.objects.get(course_class=ended_class, person__name="缺席者")
    Attendance.objects.create(
        registration=absent, session=ended_class.sessions.get(), signed_in_at=timezone.now(), signed_in_by="roster"
    )
    added = services.survey_invite(survey=survey)
    assert len(added) == 1
    survey.refresh_from_db()
    assert survey.invited_count == 4


def test_a_class_without_attendance_taken_asks_everyone_confirmed(ended_class, template, tree, organizer_user):
    from tests.factories import PersonFactory

    for name in ("甲", "乙"):
        Registration.objects.create(
            course_class=ended_class,
            person=PersonFactory(agency=tree["b"], name=name),
            status="confirmed",
            registered_at=timezone.now(),
        )
    Registration.objects.create(
        course_class=ended_class,
        person=PersonFactory(agency=tree["b"], name="丙"),
        status="cancelled",
        registered_at=timezone.now(),
    )
    assert len(selectors.attendees(ended_class)) == 2


def test_open_due_attaches_the_default_and_notifies_attendees(ended_class, template, attendees, body, organizer_user):
    services.template_default_set(organizer=body, track="", template=template, actor=organizer_user)
    mail.outbox.clear()

    sent = tasks.open_due()

    survey = Survey.objects.get(course_class=ended_class)
    assert survey.version.template == template
    assert survey.invited_count == 3
    assert survey.invited_at is not None
    assert sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["a0@example.tw", "a1@example.tw", "a2@example.tw"]
    assert "課後問卷" in mail.outbox[0].subject
    assert Notification.objects.filter(kind=NotificationKind.SURVEY).count() == 3
    # Running again sends nothing twice.
    assert tasks.open_due() == 0
    assert len(mail.outbox) == 3


def test_a_track_default_wins_over_the_body_default(ended_class, template, body, organizer_user):
    track_template = services.template_create(
        organizer=body,
        name="資安問卷",
        sections=[services.SectionSpec(SectionKind.OVERALL, "整體", (QuestionSpec("scale", "滿意"),))],
        actor=None,
    )
    course = ended_class.course
    course.track = "information_security"
    course.save(update_fields=["track"])
    services.template_default_set(organizer=body, track="", template=template, actor=organizer_user)
    services.template_default_set(organizer=body, track="information_security", template=track_template, actor=None)
    assert services.default_template(ended_class) == track_template
    services.template_default_set(organizer=body, track="information_security", template=None, actor=None)
    assert services.default_template(ended_class) == template


def test_a_survey_that_would_already_be_closed_is_not_attached(template, body, organizer_user, packs):
    services.template_default_set(organizer=body, track="", template=template, actor=organizer_user)
    long_ago = make_class(body, title="舊班", start=timezone.localdate() - timedelta(days=30))
    services.surveys_open_due()
    assert not Survey.objects.filter(course_class=long_ago).exists()


# --- answering -------------------------------------------------------------------------------------


def test_an_answer_is_stored_with_tallies_and_counts(survey, attendees):
    _submit(survey, attendees[0], scale="5")
    _submit(survey, attendees[1], scale="4")
    survey.refresh_from_db()
    assert survey.response_count == 2
    overall = selectors.version_sections(survey.version)[3].questions.first()
    assert dict(Tally.objects.filter(survey=survey, question=overall).values_list("value", "count")) == {5: 1, 4: 1}
    instructor_scale = selectors.version_sections(survey.version)[1].questions.first()
    per_instructor = Tally.objects.filter(survey=survey, question=instructor_scale).values_list(
        "instructor__name", "value", "count"
    )
    assert sorted(per_instructor) == [("林講座", 4, 1), ("林講座", 5, 1), ("陳講座", 4, 1), ("陳講座", 5, 1)]
    invitation = _invitation(survey, attendees[0])
    assert invitation.responded_at is not None
    assert invitation.draft == {}


def test_a_second_answer_is_refused_and_changes_nothing(survey, attendees):
    _submit(survey, attendees[0])
    before = (Response.objects.count(), Answer.objects.count(), list(Tally.objects.values_list("count", flat=True)))
    with pytest.raises(PeiliError) as refused:
        _submit(survey, attendees[0], scale="1")
    assert refused.value.code == ErrorCode.ALREADY_ANSWERED
    assert "每人限填一次" in refused.value.message
    after = (Response.objects.count(), Answer.objects.count(), list(Tally.objects.values_list("count", flat=True)))
    assert after == before


def test_an_invalid_answer_writes_nothing_and_names_each_problem(survey, attendees):
    data = full_answers(survey)
    first_scale = next(name for name in data if data[name] == ["5"])
    del data[first_scale]
    data[next(name for name in data if data[name] == ["1"])] = ["9"]
    with pytest.raises(PeiliError) as refused:
        _submit(survey, attendees[0], data=data)
    assert refused.value.code == ErrorCode.INVALID_ANSWERS
    assert set(refused.value.details["fields"].values()) == {"required", "invalid_choice"}
    assert len(refused.value.details["fields"]) == 2
    assert (Response.objects.count(), Answer.objects.count(), Tally.objects.count()) == (0, 0, 0)
    assert _invitation(survey, attendees[0]).responded_at is None
    survey.refresh_from_db()
    assert survey.response_count == 0


def test_late_and_early_answers_are_refused(survey, attendees):
    invitation = _invitation(survey, attendees[0])
    for when, code in (
        (survey.closes_at + timedelta(seconds=1), ErrorCode.CLOSED),
        (survey.opens_at - timedelta(minutes=1), ErrorCode.NOT_OPEN),
    ):
        with pytest.raises(PeiliError) as refused:
            services.response_submit(invitation=invitation, data=full_answers(survey), actor=None, now=when)
        assert refused.value.code == code
    assert not Response.objects.exists()


def test_a_named_survey_keeps_the_person_and_time(ended_class, template, attendees, organizer_user):
    survey = services.survey_attach(course_class=ended_class, template=template, anonymous=False, actor=organizer_user)
    services.survey_invite(survey=survey)
    _submit(survey, attendees[2])
    response = Response.objects.get()
    assert response.person == attendees[2]
    assert response.submitted_at is not None
    entry = AuditEntry.objects.get(action="surveys.survey_answer")
    assert entry.after == {"response": str(response.pk)}


def test_an_anonymous_answer_holds_no_link_to_the_respondent(survey, attendees):
    """Who answered is on the invitation; what was answered holds no person, no time, and keys
    that are random (version-4 UUIDs), so nothing lines the two up — not even their order."""
    for person in attendees:
        _submit(survey, person)
    for response in Response.objects.all():
        assert response.person_id is None
        assert response.submitted_at is None
        assert isinstance(response.pk, uuid.UUID)
        assert response.pk.version == 4
    for answer in Answer.objects.all():
        assert isinstance(answer.pk, uuid.UUID)
        assert answer.pk.version == 4
    # No column of a response or an answer can hold a person, an account, an invitation or a time.
    for model in (Response, Answer):
        for field in model._meta.concrete_fields:
            if field.name in ("person", "submitted_at"):  # named surveys only; None above
                continue
            assert not isinstance(field, (models.DateTimeField, models.DateField, models.AutoField)), field
            if field.is_relation:
                assert field.related_model._meta.label not in {"org.Person", "accounts.User", "surveys.Invitation"}
    # The audit trail says who answered which survey, never which response is theirs.
    entries = AuditEntry.objects.filter(action="surveys.survey_answer")
    assert entries.count() == 3
    assert all(entry.after == {"anonymous": True} for entry in entries)
    response_ids = {str(pk) for pk in Response.objects.values_list("pk", flat=True)}
    assert not any(rid in repr(list(AuditEntry.objects.values_list())) for rid in response_ids)


# --- drafts and reminders ----------------------------------------------------------------------------


def test_a_draft_keeps_only_the_forms_fields_and_survives_a_new_version(survey, attendees, template, organizer_user):
    data = full_answers(survey)
    kept = dict(list(data.items())[:3])
    services.draft_save(
        invitation=_invitation(survey, attendees[0]), data={**kept, "csrfmiddlewaretoken": ["x"]}, actor=None
    )
    assert selectors.draft_values(_invitation(survey, attendees[0])) == kept
    _submit(survey, attendees[1])  # answers exist: the next edit makes version 2
    section = selectors.version_sections(survey.version)[3]
    services.question_add(
        template=template, section_key=section.key, spec=QuestionSpec("text", "補充"), actor=organizer_user
    )
    # This survey has an answer, so it stays on version 1; the draft's fields are still its fields.
    fields = {item.field for item in selectors.form_items(selectors.survey_form(survey))}
    assert set(kept) <= fields


def test_reminders_go_on_the_packs_days_to_those_who_have_not_answered(survey, attendees):
    _submit(survey, attendees[0])
    _invitation(survey, attendees[1])
    mail.outbox.clear()
    day_three = survey.opens_at + timedelta(days=3)
    owed = services.reminders_due(now=day_three)
    assert sorted(Invitation.objects.get(pk=pk).person.name for pk, _n in owed) == ["林美華", "陳志強"]
    assert services.reminders_due(now=day_three) == []  # counted as sent
    day_six = survey.opens_at + timedelta(days=6)
    assert {n for _pk, n in services.reminders_due(now=day_six)} == {2}
    assert services.reminders_due(now=survey.closes_at + timedelta(days=1)) == []


def test_the_reminder_task_mails_each_non_respondent_once(survey, attendees, monkeypatch):
    _submit(survey, attendees[0])
    mail.outbox.clear()
    monkeypatch.setattr(timezone, "now", lambda: survey.opens_at + timedelta(days=3, hours=1))
    assert tasks.send_reminders() == 2
    assert tasks.send_reminders() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["a1@example.tw", "a2@example.tw"]
    assert all("尚未填寫" in m.subject for m in mail.outbox)


def test_pending_surveys_and_the_home_card(survey, attendees):
    pending = selectors.pending_for_person(attendees[0].pk)
    assert [p.survey for p in pending] == [survey]
    card = selectors.home_card(attendees[0].user)
    assert card is not None
    assert card["figure"] == 1
    _submit(survey, attendees[0])
    assert selectors.pending_for_person(attendees[0].pk) == []
    assert selectors.home_card(attendees[0].user) is None


def test_tallies_rebuild_recounts_from_the_answers(survey, attendees):
    _submit(survey, attendees[0], scale="5")
    _submit(survey, attendees[1], scale="3")
    before = sorted(Tally.objects.values_list("question_id", "instructor_id", "value", "count"))
    Tally.objects.update(count=99)
    services.tallies_rebuild(survey=survey)
    assert sorted(Tally.objects.values_list("question_id", "instructor_id", "value", "count")) == before


# --- concurrency (PostgreSQL) ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_the_same_answer_is_stored_once(on_postgres, survey, attendees):
    from tests.enrolment.test_concurrency import run_at_once

    # A named survey (an anonymous one's burst: test_anonymity.py).
    Survey.objects.filter(pk=survey.pk).update(anonymous=False)
    invitation = _invitation(survey, attendees[0])
    data = full_answers(survey)
    results = run_at_once(
        [lambda: services.response_submit(invitation=invitation, data=data, actor=None) for _ in range(8)]
    )
    assert sum(1 for r in results if isinstance(r, Response)) == 1
    assert {r.code for r in results if isinstance(r, PeiliError)} == {ErrorCode.ALREADY_ANSWERED}
    survey.refresh_from_db()
    assert survey.response_count == 1
    assert Response.objects.count() == 1
