"""Written reflections (心得寫作): writing, submitting and reviewing them (services and pages), the
writer's notice, and a reflection as a condition of completion when the pack says so."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from peili.attendance import rules as attendance_rules
from peili.attendance import selectors as attendance_selectors
from peili.attendance import services as attendance_services
from peili.attendance.enums import Reason
from peili.attendance.models import Completion
from peili.catalog.models import ClassCategoryHours
from peili.core.errors import PeiliError
from peili.core.models import AuditEntry
from peili.notifications.models import Notification
from peili.policy.models import PolicyPack
from peili.policy.services import pack_update
from peili.surveys import selectors, services, tasks
from peili.surveys.enums import ErrorCode, NotificationKind, ReflectionStatus
from peili.surveys.models import Reflection
from tests.factories import PersonFactory, UserFactory, grant

LONG = "我學到公務倫理的核心價值，將在工作中落實利益迴避與行政中立。"  # 30 characters, no spaces
SHORT = "很 好 的 課"  # 4 characters that count


@pytest.fixture
def assignment(ended_class, organizer_user):
    return services.reflection_require(
        course_class=ended_class,
        prompt="請寫下本課程對您工作的啟發。",
        min_chars=20,
        due_on=timezone.localdate() + timedelta(days=7),
        actor=organizer_user,
    )


@pytest.fixture
def writer(attendees):
    return attendees[0]


def submitted(assignment, person, text=LONG):
    return services.reflection_save(assignment=assignment, person=person, text=text, submit=True, actor=person.user)


# --- services ---------------------------------------------------------------------------------------


def test_length_counts_every_character_but_whitespace():
    from peili.surveys.rules import reflection_length

    assert reflection_length(SHORT) == 4
    assert reflection_length(LONG) == 30
    assert reflection_length(" a\tb\n\u3000c ") == 3  # the ideographic space is whitespace too


def test_a_draft_is_kept_and_a_too_short_submission_is_refused_with_nothing_submitted(assignment, writer):
    draft = services.reflection_save(
        assignment=assignment, person=writer, text="  初稿  ", submit=False, actor=writer.user
    )
    assert (draft.status, draft.text, draft.submitted_at) == (ReflectionStatus.DRAFT, "初稿", None)

    with pytest.raises(PeiliError) as refused:
        services.reflection_save(assignment=assignment, person=writer, text=SHORT, submit=True, actor=writer.user)
    assert refused.value.code == ErrorCode.REFLECTION_TOO_SHORT == "reflection.too_short"
    assert refused.value.message == "心得至少須 20 字，目前 4 字。"
    assert refused.value.details == {"min_chars": 20, "chars": 4}
    kept = Reflection.objects.get()
    assert (kept.status, kept.text, kept.submitted_at) == (ReflectionStatus.DRAFT, "初稿", None)
    assert not AuditEntry.objects.filter(action="surveys.reflection_submit").exists()


def test_exactly_the_minimum_is_enough(assignment, writer):
    reflection = submitted(assignment, writer, text="字" * 20)
    assert reflection.status == ReflectionStatus.SUBMITTED
    assert reflection.submitted_at is not None
    assert AuditEntry.objects.filter(action="surveys.reflection_submit").count() == 1


def test_after_the_deadline_nothing_is_taken(assignment, writer):
    with pytest.raises(PeiliError) as refused:
        services.reflection_save(
            assignment=assignment,
            person=writer,
            text=LONG,
            submit=True,
            actor=writer.user,
            today=assignment.due_on + timedelta(days=1),
        )
    assert refused.value.code == "reflection.closed"
    assert refused.value.status == 409
    assert not Reflection.objects.exists()
    # The deadline day itself still counts.
    on_the_day = services.reflection_save(
        assignment=assignment, person=writer, text=LONG, submit=True, actor=writer.user, today=assignment.due_on
    )
    assert on_the_day.status == ReflectionStatus.SUBMITTED


def test_only_confirmed_registrants_write(assignment, tree):
    stranger = PersonFactory(agency=tree["b"], name="路人甲")
    with pytest.raises(PeiliError) as refused:
        services.reflection_save(assignment=assignment, person=stranger, text=LONG, submit=False, actor=None)
    assert (refused.value.code, refused.value.status) == ("reflection.not_required", 403)
    assert not Reflection.objects.exists()


def test_review_returns_with_a_comment_then_accepts(assignment, writer, organizer_user):
    reflection = submitted(assignment, writer)
    with pytest.raises(PeiliError) as refused:
        services.reflection_save(assignment=assignment, person=writer, text=LONG + "再改", submit=False, actor=None)
    assert refused.value.code == "reflection.wrong_state"

    with pytest.raises(PeiliError) as no_comment:
        services.reflection_review(reflection=reflection, accept=False, comment="  ", actor=organizer_user)
    assert no_comment.value.code == "reflection.comment_required"
    reflection.refresh_from_db()
    assert (reflection.status, reflection.reviewed_at) == (ReflectionStatus.SUBMITTED, None)

    returned = services.reflection_review(
        reflection=reflection, accept=False, comment="請補充如何應用於工作。", actor=organizer_user
    )
    assert (returned.status, returned.comment, returned.reviewed_by) == (
        ReflectionStatus.RETURNED,
        "請補充如何應用於工作。",
        organizer_user,
    )
    with pytest.raises(PeiliError) as not_waiting:
        services.reflection_review(reflection=returned, accept=True, comment="", actor=organizer_user)
    assert not_waiting.value.code == "reflection.wrong_state"

    revised = submitted(assignment, writer, text=LONG + "例如在採購案中主動申報利益衝突。")
    assert revised.status == ReflectionStatus.SUBMITTED
    accepted = services.reflection_review(reflection=revised, accept=True, comment="", actor=organizer_user)
    assert accepted.status == ReflectionStatus.ACCEPTED
    assert list(
        AuditEntry.objects.filter(action__startswith="surveys.reflection_")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "surveys.reflection_require",
        "surveys.reflection_submit",
        "surveys.reflection_return",
        "surveys.reflection_submit",
        "surveys.reflection_accept",
    ]
    with pytest.raises(PeiliError) as done:
        services.reflection_save(assignment=assignment, person=writer, text=LONG, submit=True, actor=None)
    assert done.value.code == "reflection.wrong_state"


def test_the_writer_is_told_once_of_each_review(assignment, writer, organizer_user, django_capture_on_commit_callbacks):
    reflection = submitted(assignment, writer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.reflection_review(reflection=reflection, accept=False, comment="請補充實例。", actor=organizer_user)
    assert len(callbacks) == 1
    notice = Notification.objects.get()
    assert (notice.user, notice.kind) == (writer.user, NotificationKind.REFLECTION)
    assert notice.title == "心得退回修改：公務倫理 第1期"
    assert "請補充實例。" in notice.body
    assert notice.url == reverse("surveys:reflection", kwargs={"class_id": assignment.course_class_id})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [writer.email]
    assert mail.outbox[0].subject == "[培力] 心得退回修改：公務倫理 第1期"

    tasks.notify_reflection.delay(reflection.pk)  # run again: already delivered
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1

    revised = submitted(assignment, writer)
    with django_capture_on_commit_callbacks(execute=True):
        services.reflection_review(reflection=revised, accept=True, comment="", actor=organizer_user)
    assert Notification.objects.count() == 2
    assert Notification.objects.latest("pk").title == "心得已通過：公務倫理 第1期"
    assert len(mail.outbox) == 2


def test_a_refused_review_tells_nobody(assignment, writer, organizer_user, django_capture_on_commit_callbacks):
    reflection = submitted(assignment, writer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(PeiliError):
        services.reflection_review(reflection=reflection, accept=False, comment="", actor=organizer_user)
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_learners_list_of_reflections(assignment, attendees, ended_class, django_assert_num_queries):
    writer, other = attendees[0], attendees[1]
    submitted(assignment, writer)
    with django_assert_num_queries(2):
        mine = selectors.reflections_for_person(writer.pk)
    assert [(item.course_class, item.status, item.due_on) for item in mine] == [
        (ended_class, ReflectionStatus.SUBMITTED, assignment.due_on)
    ]
    assert mine[0].reflection.text == LONG
    assert (mine[0].status_label, mine[0].writable()) == ("待審閱", False)
    theirs = selectors.reflections_for_person(other.pk)
    assert [(item.reflection, item.status, item.status_label, item.writable()) for item in theirs] == [
        (None, "", "尚未撰寫", True)
    ]
    assert theirs[0].writable(assignment.due_on + timedelta(days=1)) is False
    assert selectors.reflections_for_person(PersonFactory().pk) == []


# --- the learner's page ----------------------------------------------------------------------------


def test_the_learner_writes_keeps_and_submits(client, assignment, writer):
    url = reverse("surveys:reflection", kwargs={"class_id": assignment.course_class_id})
    client.force_login(writer.user)
    page = client.get(url).content.decode()
    assert "請寫下本課程對您工作的啟發。" in page
    assert "20 字" in page
    assert timezone.localdate().year - 1911 >= 100
    from peili.core import roc

    assert roc.format_long(assignment.due_on) in page
    assert "尚未撰寫" in page
    assert 'data-reflection-min="20"' in page
    assert "peili/reflection.js" in page
    assert "<script>" not in page  # no inline script (CSP)

    too_short = client.post(url, {"text": SHORT, "action": "submit"})
    assert too_short.status_code == 200
    html = too_short.content.decode()
    assert "心得至少須 20 字，目前 4 字。" in html
    assert SHORT in html  # the text is kept as typed
    assert 'aria-invalid="true"' in html
    assert not Reflection.objects.exists()

    kept = client.post(url, {"text": SHORT, "action": "save"})
    assert kept.status_code == 302
    assert Reflection.objects.get().status == ReflectionStatus.DRAFT

    sent = client.post(url, {"text": LONG, "action": "submit"})
    assert sent.status_code == 302
    reflection = Reflection.objects.get()
    assert (reflection.status, reflection.text) == (ReflectionStatus.SUBMITTED, LONG)

    read_only = client.get(url).content.decode()
    assert "待承辦人審閱" in read_only
    assert "<textarea" not in read_only
    assert LONG in read_only

    again = client.post(url, {"text": "改寫" * 20, "action": "submit"})
    assert again.status_code == 200
    assert "心得已繳交，審閱中或已通過，不能再修改。" in again.content.decode()
    reflection.refresh_from_db()
    assert reflection.text == LONG


def test_a_returned_reflection_shows_the_comment_and_can_be_revised(client, assignment, writer, organizer_user):
    reflection = submitted(assignment, writer)
    services.reflection_review(reflection=reflection, accept=False, comment="請補充實例。", actor=organizer_user)
    url = reverse("surveys:reflection", kwargs={"class_id": assignment.course_class_id})
    client.force_login(writer.user)
    page = client.get(url).content.decode()
    assert "退回修改" in page
    assert "請補充實例。" in page
    assert "<textarea" in page
    assert client.post(url, {"text": LONG + "補充實例。", "action": "submit"}).status_code == 302
    assert Reflection.objects.get().status == ReflectionStatus.SUBMITTED


def test_past_the_deadline_the_page_is_read_only(client, assignment, writer):
    services.reflection_save(assignment=assignment, person=writer, text="草稿", submit=False, actor=None)
    assignment.due_on = timezone.localdate() - timedelta(days=1)
    assignment.save(update_fields=["due_on"])
    url = reverse("surveys:reflection", kwargs={"class_id": assignment.course_class_id})
    client.force_login(writer.user)
    page = client.get(url).content.decode()
    assert "心得繳交期限已過" in page
    assert "<textarea" not in page
    refused = client.post(url, {"text": LONG, "action": "submit"})
    assert refused.status_code == 200
    assert "已經截止" in refused.content.decode()
    assert Reflection.objects.get().status == ReflectionStatus.DRAFT


def test_a_learner_sees_and_writes_only_their_own(client, assignment, attendees, learner):
    writer, other = attendees[0], attendees[1]
    reflection = submitted(assignment, writer)
    url = reverse("surveys:reflection", kwargs={"class_id": assignment.course_class_id})

    client.force_login(other.user)
    page = client.get(url).content.decode()
    assert LONG not in page
    assert "尚未撰寫" in page
    assert client.post(url, {"text": "另一位學員的心得草稿", "action": "save"}).status_code == 302
    assert Reflection.objects.get(person=other).text == "另一位學員的心得草稿"
    # … and cannot open the organizer's pages for the writer's reflection.
    review_url = reverse("surveys:reflection_review", kwargs={"pk": reflection.pk})
    assert client.get(review_url).status_code == 403
    assert client.post(review_url, {"decision": "accept"}).status_code == 403
    assert (
        client.get(reverse("surveys:reflections", kwargs={"class_id": assignment.course_class_id})).status_code == 403
    )

    client.force_login(learner)  # not in the class at all
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": LONG, "action": "submit"}).status_code == 403
    assert Reflection.objects.count() == 2
    reflection.refresh_from_db()
    assert (reflection.status, reflection.text) == (ReflectionStatus.SUBMITTED, LONG)


def test_a_class_without_a_requirement_has_no_reflection_page(client, ended_class, writer):
    client.force_login(writer.user)
    assert client.get(reverse("surveys:reflection", kwargs={"class_id": ended_class.pk})).status_code == 404


# --- the organizer's pages -------------------------------------------------------------------------


def test_the_review_list_counts_each_status(client, assignment, attendees, organizer_user, django_assert_num_queries):
    submitted(assignment, attendees[0])
    services.reflection_save(assignment=assignment, person=attendees[1], text="草稿", submit=False, actor=None)
    url = reverse("surveys:reflections", kwargs={"class_id": assignment.course_class_id})
    client.force_login(organizer_user)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("王小明", "林美華", "陳志強", "缺席者"):
        assert name in html
    assert "1 篇待審閱" in html
    assert "全部（4）" in html
    assert "待審閱（1）" in html
    assert "撰寫中（1）" in html
    assert "尚未撰寫（2）" in html
    assert "已通過（0）" in html
    assert reverse("surveys:reflection_review", kwargs={"pk": Reflection.objects.get(person=attendees[0]).pk}) in html
    # A draft is the writer's own: no link to read it.
    assert (
        reverse("surveys:reflection_review", kwargs={"pk": Reflection.objects.get(person=attendees[1]).pk}) not in html
    )
    waiting = client.get(url, {"status": "submitted"}).content.decode()
    assert "王小明" in waiting
    assert "林美華" not in waiting


def test_the_organizer_returns_then_accepts(client, assignment, writer, organizer_user):
    reflection = submitted(assignment, writer)
    url = reverse("surveys:reflection_review", kwargs={"pk": reflection.pk})
    client.force_login(organizer_user)
    page = client.get(url).content.decode()
    assert LONG in page
    assert "30 字（至少 20 字）" in page

    no_comment = client.post(url, {"decision": "return", "comment": ""})
    assert no_comment.status_code == 200
    assert "退回心得須填寫審閱意見。" in no_comment.content.decode()
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.SUBMITTED

    returned = client.post(url, {"decision": "return", "comment": "請補充實例。"})
    assert returned.status_code == 302
    assert returned["Location"] == reverse("surveys:reflections", kwargs={"class_id": assignment.course_class_id})
    reflection.refresh_from_db()
    assert (reflection.status, reflection.comment) == (ReflectionStatus.RETURNED, "請補充實例。")
    # Not waiting any more: the page no longer offers a decision, and a stale form is refused.
    assert "<textarea" not in client.get(url).content.decode()
    stale = client.post(url, {"decision": "accept"})
    assert "只有待審閱的心得可以通過或退回。" in stale.content.decode()
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.RETURNED

    submitted(assignment, writer)
    assert client.post(url, {"decision": "accept"}).status_code == 302
    reflection.refresh_from_db()
    assert reflection.status == ReflectionStatus.ACCEPTED


def test_the_organizer_does_not_read_a_draft(client, assignment, writer, organizer_user):
    draft = services.reflection_save(assignment=assignment, person=writer, text="私人草稿", submit=False, actor=None)
    client.force_login(organizer_user)
    page = client.get(reverse("surveys:reflection_review", kwargs={"pk": draft.pk})).content.decode()
    assert "私人草稿" not in page
    assert "學員尚未送出心得" in page


def test_another_bodys_organizer_is_refused_and_nothing_changes(client, assignment, writer, tree):
    reflection = submitted(assignment, writer)
    stranger = UserFactory(username="other-organizer")
    grant(stranger, "organizer", tree["b"])
    client.force_login(stranger)
    review_url = reverse("surveys:reflection_review", kwargs={"pk": reflection.pk})
    assert (
        client.get(reverse("surveys:reflections", kwargs={"class_id": assignment.course_class_id})).status_code == 403
    )
    assert client.get(review_url).status_code == 403
    assert client.post(review_url, {"decision": "accept"}).status_code == 403
    assert client.post(review_url, {"decision": "return", "comment": "x"}).status_code == 403
    reflection.refresh_from_db()
    assert (reflection.status, reflection.comment, reflection.reviewed_at) == (ReflectionStatus.SUBMITTED, "", None)
    assert not Notification.objects.exists()


# --- completion ------------------------------------------------------------------------------------


def test_the_pure_rule_keeps_the_absence_reason_and_adds_the_reflection():
    tally = attendance_rules.Tally(Fraction(3), Fraction(3), Fraction(0), Fraction(0))
    completes = attendance_rules.Outcome(True, "", tally, Fraction(0))
    forfeits = attendance_rules.Outcome(False, "absence.unexcused", tally, Fraction(1))
    assert attendance_rules.with_reflection(completes, True) == completes
    assert attendance_rules.with_reflection(completes, False) == attendance_rules.Outcome(
        False, "reflection.not_accepted", tally, Fraction(0)
    )
    assert attendance_rules.with_reflection(forfeits, False) == forfeits
    assert attendance_rules.with_reflection(forfeits, True) == forfeits


SURVEY_SECTION = """
survey:
  open_days: 7
  reminder_days: [3]
  index_points: [20, 40, 60, 80, 100]
  reflection_gates_completion: {gates}
"""


def hsinchu_survey(gates: bool) -> None:
    """Give the Hsinchu pack its own survey section (gating as given)."""
    pack = PolicyPack.objects.get(jurisdiction__code="hsinchu-city")
    source = pack.source.rstrip("\n") + "\n" + SURVEY_SECTION.format(gates="true" if gates else "false")
    pack_update(pack=pack, source=source, actor=None, note="心得寫作列為完訓條件" if gates else "心得不影響完訓")


def closable(course_class) -> None:
    """Certified hours that match the class's sessions and category split, so it can be closed."""
    hours = sum((s.hours for s in course_class.sessions.all()), Decimal(0))
    course_class.certified_hours = course_class.classroom_hours = hours
    course_class.digital_hours = Decimal(0)
    course_class.save(update_fields=["certified_hours", "classroom_hours", "digital_hours"])
    ClassCategoryHours.objects.create(course_class=course_class, category="environmental_education", hours=hours)


def outcomes(course_class) -> dict[str, tuple[bool, str]]:
    preview = attendance_selectors.completion_preview(course_class)
    return {row.registration.person.name: (row.outcome.completes, row.outcome.reason) for row in preview.rows}


def test_with_gating_only_an_accepted_reflection_completes(assignment, attendees, organizer_user, ended_class):
    hsinchu_survey(gates=True)
    accepted = submitted(assignment, attendees[0])
    services.reflection_review(reflection=accepted, accept=True, comment="", actor=organizer_user)
    submitted(assignment, attendees[1])  # waiting for review
    assert outcomes(ended_class) == {
        "王小明": (True, ""),
        "林美華": (False, "reflection.not_accepted"),
        "陳志強": (False, "reflection.not_accepted"),  # never wrote one
        "缺席者": (False, "absence.unexcused"),  # the absence rule's reason stands
    }
    preview = attendance_selectors.completion_preview(ended_class)
    assert (preview.reflection_required, preview.reflection_gates, preview.completes) == (True, True, 1)
    assert {row.registration.person.name: row.reflection_status for row in preview.rows} == {
        "王小明": "accepted",
        "林美華": "submitted",
        "陳志強": "",
        "缺席者": "",
    }


@pytest.mark.parametrize("own_section", [False, True], ids=["national-default", "hsinchu-says-no"])
def test_without_gating_the_reflection_does_not_matter(assignment, attendees, ended_class, own_section):
    if own_section:
        hsinchu_survey(gates=False)
    submitted(assignment, attendees[1])
    assert outcomes(ended_class) == {
        "王小明": (True, ""),
        "林美華": (True, ""),
        "陳志強": (True, ""),
        "缺席者": (False, "absence.unexcused"),
    }
    preview = attendance_selectors.completion_preview(ended_class)
    assert (preview.reflection_required, preview.reflection_gates) == (True, False)


def test_with_gating_but_no_requirement_everyone_who_attended_completes(attendees, ended_class):
    hsinchu_survey(gates=True)
    assert outcomes(ended_class)["王小明"] == (True, "")
    assert attendance_selectors.completion_preview(ended_class).reflection_required is False


def test_closing_records_the_reason_and_the_review_page_points_to_the_correction(
    client, assignment, attendees, organizer_user, ended_class
):
    hsinchu_survey(gates=True)
    closable(ended_class)
    reflection = submitted(assignment, attendees[0])
    client.force_login(organizer_user)
    close_page = client.get(reverse("attendance:close", args=[ended_class.pk])).content.decode()
    assert "未完訓：心得未通過" in close_page
    assert "心得須經審閱通過始完訓" in close_page
    assert reverse("surveys:reflections", kwargs={"class_id": ended_class.pk}) in close_page

    attendance_services.class_close(course_class=ended_class, corrections={}, actor=organizer_user)
    completion = Completion.objects.get(registration__person=attendees[0])
    assert (completion.completes, completion.rule_reason) == (False, Reason.REFLECTION)
    class_page = client.get(reverse("attendance:class", args=[ended_class.pk])).content.decode()
    assert "（心得未通過）" in class_page

    url = reverse("surveys:reflection_review", kwargs={"pk": reflection.pk})
    page = client.get(url).content.decode()
    assert "當時因心得未通過而列為未完訓" in page
    assert reverse("attendance:class", args=[ended_class.pk]) in page
    done = client.post(url, {"decision": "accept"}, follow=True)
    assert "請至「出勤與結訓」頁更正其完訓結果" in done.content.decode()
    # Accepting afterwards does not change the closed class by itself: the organizer corrects it.
    completion.refresh_from_db()
    assert completion.completes is False


def test_the_review_list_takes_as_many_queries_for_one_row_as_for_three(client, assignment, tree, organizer_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.surveys.conftest import attend

    url = reverse("surveys:reflections", kwargs={"class_id": assignment.course_class_id})
    client.force_login(organizer_user)
    people = [PersonFactory(agency=tree["b"], name=f"學員{n}") for n in range(3)]
    attend(assignment.course_class, people[0])
    submitted(assignment, people[0])
    client.get(url)  # warm the per-process caches (policy pack)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for person in people[1:]:
        attend(assignment.course_class, person)
        submitted(assignment, person)
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(one) == len(three)
