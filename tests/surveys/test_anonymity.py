"""Anonymous answers stay anonymous in the database itself, not only on the pages.

An anonymous answer waits, sealed, in its survey's pool (written apart from the invitation's mark
and the audit entry), and reaches `Response`/`Answer` only in a batch of several, shuffled, in a
transaction of its own, with random keys and no time. These tests try to tie answers to people
through every column, the order rows were written in, their times and — on PostgreSQL — the
system columns `xmin` (the writing transaction) and `ctid` (the heap position), and fail to.

Run the PostgreSQL ones with PEILI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/peili_surveys.
"""

from __future__ import annotations

import io
import random
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.urls import reverse
from openpyxl import load_workbook

from peili.core import audit
from peili.core.errors import PeiliError
from peili.core.models import AuditEntry
from peili.surveys import results, rules, sealing, selectors, services, tasks
from peili.surveys.enums import ErrorCode
from peili.surveys.models import Answer, Invitation, PendingResponse, Question, Response, Survey, Tally
from peili.surveys.services import QuestionSpec
from tests.factories import PersonFactory, UserFactory
from tests.surveys.conftest import attend, full_answers

OTHER = "其他意見"  # the overall section's free-text question
OVERALL = "整體而言，我對本課程感到滿意"


@pytest.fixture
def crowd(survey, attendees, tree):
    """Eight people asked to answer the survey (the three attendees and five more)."""
    more = [
        PersonFactory(agency=tree["b"], name=f"學員{n}", user=UserFactory(username=f"crowd-{n}"), email=f"c{n}@x.tw")
        for n in range(5)
    ]
    for person in more:
        attend(survey.course_class, person)
    services.survey_invite(survey=survey)
    return [*attendees, *more]


def marker(n: int) -> str:
    return f"第{n}位學員的意見：希望多一些案例討論"


def answers_of(survey: Survey, n: int) -> dict[str, list[str]]:
    """Person n's answers: the overall scale at 1 + n % 5 and a comment naming n."""
    data = full_answers(survey, scale=str(1 + n % 5))
    key = Question.objects.get(section__version=survey.version, text=OTHER).key
    data[rules.field_name(key, None)] = [marker(n)]
    return data


def submit(survey: Survey, person, n: int):
    invitation = Invitation.objects.get(survey=survey, person=person)
    return services.response_submit(invitation=invitation, data=answers_of(survey, n), actor=person.user)


def who_wrote(answer_text: str) -> int:
    return int(answer_text.removeprefix("第").split("位")[0])


def heap_order(survey: Survey) -> list[int]:
    """Whose answers the survey's responses are, in the order the database keeps their rows (the
    SQLite rowid, the PostgreSQL heap position)."""
    position = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.text FROM surveys_response r JOIN surveys_answer a ON a.response_id = r.id "
            f"JOIN surveys_question q ON q.id = a.question_id "
            f"WHERE r.survey_id = %s AND q.text = %s ORDER BY r.{position}",
            [survey.pk, OTHER],
        )
        return [who_wrote(text) for (text,) in cursor.fetchall()]


def overall_tally(survey: Survey) -> dict[int, int]:
    question = Question.objects.get(section__version=survey.version, text=OVERALL)
    return dict(Tally.objects.filter(survey=survey, question=question).values_list("value", "count"))


# --- the pool ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_answer_waits_sealed_and_the_person_is_marked_apart(survey, crowd, settings):
    settings.PEILI_SURVEY_ANONYMOUS_BATCH = 5
    for n, person in enumerate(crowd[:4], start=1):
        assert submit(survey, person, n) is None
    survey.refresh_from_db()
    assert (survey.response_count, survey.tallied_count, survey.waiting_count) == (4, 0, 4)
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    assert not Tally.objects.exists()
    pooled = list(PendingResponse.objects.filter(survey=survey))
    assert len(pooled) == 4
    # Nothing readable, and one length for all: a long comment is not told by its blob's length.
    for row in pooled:
        blob = bytes(row.sealed)
        assert not any(marker(n).encode() in blob for n in range(1, 9))
        assert row.id.version == 4
    items = selectors.form_items(selectors.survey_form(survey))
    assert {len(bytes(row.sealed)) for row in pooled} == {
        sealing.NONCE_BYTES + rules.sealed_size(items) + 16  # the GCM tag
    }
    # No column of the pool can hold a person, an invitation or a time.
    for field in PendingResponse._meta.concrete_fields:
        assert not isinstance(field, (models.DateTimeField, models.DateField, models.AutoField)), field
        if field.is_relation:
            assert field.related_model is Survey
    # Who answered is on the invitations, counted and audited, naming the survey only.
    assert Invitation.objects.filter(survey=survey, responded_at__isnull=False).count() == 4
    assert [e.after for e in AuditEntry.objects.filter(action="surveys.survey_answer")] == [{"anonymous": True}] * 4
    # The person's own pages say they answered.
    assert selectors.pending_for_person(crowd[0].pk) == []
    # A second answer is refused before anything is pooled.
    with pytest.raises(PeiliError) as refused:
        submit(survey, crowd[0], 1)
    assert refused.value.code == ErrorCode.ALREADY_ANSWERED
    assert PendingResponse.objects.count() == 4


@pytest.mark.django_db
def test_a_batch_is_written_once_enough_wait_shuffled_without_times(survey, crowd, settings):
    settings.PEILI_SURVEY_ANONYMOUS_BATCH = 3
    for n, person in enumerate(crowd[:2], start=1):
        submit(survey, person, n)
    # Two waiting: no batch yet (a batch of two would be told apart by who answered in between).
    assert services.pool_flush(survey=survey) == 0
    assert tasks.flush_pools() == 0
    assert PendingResponse.objects.count() == 2
    for n, person in enumerate(crowd[2:5], start=3):
        submit(survey, person, n)
    assert services.pool_flush(survey=survey, rng=random.Random(11)) == 5
    survey.refresh_from_db()
    assert (survey.response_count, survey.tallied_count, PendingResponse.objects.count()) == (5, 5, 0)
    order = heap_order(survey)
    assert sorted(order) == [1, 2, 3, 4, 5]
    assert order not in ([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])  # kept in the shuffled order, not the submitted one
    for response in Response.objects.filter(survey=survey):
        assert (response.person_id, response.submitted_at, response.id.version) == (None, None, 4)
    assert {a.id.version for a in Answer.objects.all()} == {4}
    # The results are exact: the overall scale at 1 + n % 5 for n = 1..5.
    assert overall_tally(survey) == {2: 1, 3: 1, 4: 1, 5: 1, 1: 1}
    found = results.class_results(survey.course_class)
    assert (found.summary.responded, found.summary.waiting) == (5, 0)
    flush = AuditEntry.objects.get(action="surveys.survey_pool_flush")
    assert flush.after == {"responses": 5, "rewritten": 0}


@pytest.mark.django_db
def test_the_last_batch_is_written_with_every_earlier_response(survey, crowd, settings):
    """A last batch of one would stand apart as one person's answer: it is written together with
    every earlier response, all under new keys, as one shuffled batch."""
    settings.PEILI_SURVEY_ANONYMOUS_BATCH = 3
    for n, person in enumerate(crowd[:3], start=1):
        submit(survey, person, n)
    services.pool_flush(survey=survey)
    earlier = set(Response.objects.values_list("id", flat=True))
    earlier_answers = set(Answer.objects.values_list("id", flat=True))
    assert len(earlier) == 3
    submit(survey, crowd[3], 4)
    # Still open: one waiting is no batch.
    assert services.pool_flush(survey=survey) == 0
    # Closed (and past the moment a late mark could still land): the last batch goes.
    closed = survey.closes_at + services.LAST_BATCH_AFTER + timedelta(minutes=1)
    assert services.pool_flush(survey=survey, now=closed) == 1
    now = set(Response.objects.values_list("id", flat=True))
    assert len(now) == 4
    assert not now & earlier
    assert not set(Answer.objects.values_list("id", flat=True)) & earlier_answers
    assert sorted(heap_order(survey)) == [1, 2, 3, 4]
    survey.refresh_from_db()
    assert (survey.response_count, survey.tallied_count) == (4, 4)
    assert overall_tally(survey) == {2: 1, 3: 1, 4: 1, 5: 1}  # counted once each, not again when rewritten
    assert AuditEntry.objects.filter(action="surveys.survey_pool_flush").first().after == {
        "responses": 1,
        "rewritten": 3,
    }


@pytest.mark.django_db
def test_the_periodic_task_writes_a_closed_surveys_last_batch(survey, crowd, settings, monkeypatch):
    from django.utils import timezone

    settings.PEILI_SURVEY_ANONYMOUS_BATCH = 5
    submit(survey, crowd[0], 1)
    submit(survey, crowd[1], 2)
    assert tasks.flush_pools() == 0
    later = survey.closes_at + timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert tasks.flush_pools() == 2
    assert sorted(heap_order(survey)) == [1, 2]
    assert not PendingResponse.objects.exists()


@pytest.mark.django_db
def test_a_mark_that_failed_leaves_an_answer_that_is_never_counted(survey, crowd, settings, monkeypatch):
    """The answer is pooled first and the person marked in a second transaction: should the mark
    fail, the person has not answered (they may try again) and the pooled answer is never written —
    a retry's answer is written once, and an answer whose mark never came is dropped at the end."""
    settings.PEILI_SURVEY_ANONYMOUS_BATCH = 2
    real_record = audit.record

    def failing(**kwargs):
        if kwargs.get("action") == "surveys.survey_answer":
            raise RuntimeError("the database went away")
        return real_record(**kwargs)

    monkeypatch.setattr(audit, "record", failing)
    for person, n in ((crowd[0], 1), (crowd[1], 2)):
        with pytest.raises(RuntimeError):
            submit(survey, person, n)
    monkeypatch.setattr(audit, "record", real_record)
    assert PendingResponse.objects.count() == 2
    assert not Invitation.objects.filter(responded_at__isnull=False).exists()
    assert services.pool_flush(survey=survey) == 0  # nobody marked: nothing to write
    submit(survey, crowd[0], 11)  # the first tries again
    submit(survey, crowd[2], 3)
    assert services.pool_flush(survey=survey, rng=random.Random(1)) == 2
    assert sorted(heap_order(survey)) == [3, 11]  # the retry, once; not the answer whose mark failed
    assert PendingResponse.objects.count() == 1  # the second person's, never marked
    closed = survey.closes_at + timedelta(hours=1)
    assert services.pool_flush(survey=survey, now=closed) == 0
    assert not PendingResponse.objects.exists()
    survey.refresh_from_db()
    assert (survey.response_count, survey.tallied_count) == (2, 2)


@pytest.mark.django_db
def test_a_pool_sealed_under_a_retired_key_opens_with_the_fallbacks(survey, crowd, settings):
    settings.PEILI_SURVEY_ANONYMOUS_BATCH = 2
    old = settings.SECRET_KEY
    submit(survey, crowd[0], 1)
    submit(survey, crowd[1], 2)
    settings.SECRET_KEY = "a-new-key-" + "x" * 40
    assert services.pool_flush(survey=survey) == 0  # cannot be opened: kept, never dropped
    assert PendingResponse.objects.count() == 2
    settings.SECRET_KEY_FALLBACKS = [old]
    assert services.pool_flush(survey=survey) == 2


# --- drafts ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_anonymous_draft_is_sealed_and_gone_once_submitted(client, survey, crowd):
    person = crowd[0]
    data = answers_of(survey, 1)
    invitation = Invitation.objects.get(survey=survey, person=person)
    services.draft_save(invitation=invitation, data=data, actor=person.user)
    invitation.refresh_from_db()
    assert set(invitation.draft) == {"sealed"}
    assert marker(1) not in str(invitation.draft)
    assert selectors.draft_values(invitation) == data
    # One length whatever is typed: a short draft is as long as a long one.
    other = Invitation.objects.get(survey=survey, person=crowd[1])
    services.draft_save(invitation=other, data={}, actor=None)
    other.refresh_from_db()
    assert len(other.draft["sealed"]) == len(invitation.draft["sealed"])
    # The form and the API show it to its writer.
    client.force_login(person.user)
    assert marker(1) in client.get(reverse("surveys:answer", args=[survey.pk])).content.decode()
    form = client.get(f"/api/v1/surveys/{survey.pk}/form").json()
    assert form["values"][rules.field_name(Question.objects.get(text=OTHER).key, None)] == [marker(1)]
    submit(survey, person, 1)
    invitation.refresh_from_db()
    assert (invitation.draft, invitation.draft_saved_at) == ({}, None)


def test_a_draft_keeps_what_a_question_can_take():
    items = [
        rules.Item(1, "a", "scale", True),
        rules.Item(2, "b", "multiple", False, option_count=3),
        rules.Item(3, "c", "text", False),
    ]
    data = {
        "q-a": ["5", "4"],
        "q-b": ["0", "1", "2", "3"],
        "q-c": ["字" * 5000, "more"],
        "q-x": ["elsewhere"],
        "csrfmiddlewaretoken": ["t"],
    }
    kept = rules.drafted(items, data)
    assert kept == {"q-a": ["5"], "q-b": ["0", "1", "2"], "q-c": ["字" * rules.TEXT_LIMIT]}
    sealed = sealing.seal(kept, purpose="draft", survey_id=1, size=rules.sealed_size(items))
    assert len(sealed) == sealing.NONCE_BYTES + rules.sealed_size(items) + 16
    assert sealing.unseal(sealed, purpose="draft", survey_id=1) == kept
    with pytest.raises(sealing.Unreadable):
        sealing.unseal(sealed, purpose="draft", survey_id=2)  # bound to its survey


@pytest.mark.parametrize(
    ("waiting", "batch", "last", "ready", "merge"),
    [
        (0, 5, False, False, False),
        (4, 5, False, False, False),
        (5, 5, False, True, False),
        (9, 5, False, True, False),
        (0, 5, True, False, False),
        (1, 5, True, True, True),
        (4, 5, True, True, True),
        (5, 5, True, True, False),
    ],
)
def test_when_a_batch_is_written(waiting, batch, last, ready, merge):
    assert rules.batch_ready(waiting, batch, last=last) is ready
    assert rules.merge_with_earlier(waiting, batch, last=last) is merge


# --- versions and results ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_version_answered_only_in_the_pool_is_not_changed(survey, crowd, template, organizer_user, settings):
    settings.PEILI_SURVEY_ANONYMOUS_BATCH = 2
    submit(survey, crowd[0], 1)
    first = survey.version
    assert services.version_answered(first)
    question = Question.objects.get(section__version=first, text=OVERALL)
    services.question_update(
        template=template, key=question.key, spec=QuestionSpec("scale", "整體滿意度"), actor=organizer_user
    )
    survey.refresh_from_db()
    assert survey.version == first  # stays on the version its pooled answer answered
    question.refresh_from_db()
    assert question.text == OVERALL
    submit(survey, crowd[1], 2)
    services.pool_flush(survey=survey)
    assert set(Response.objects.values_list("version_id", flat=True)) == {first.pk}
    assert overall_tally(survey) == {2: 1, 3: 1}


@pytest.mark.django_db
def test_the_results_say_how_many_answers_wait(client, survey, crowd, organizer_user, settings):
    settings.PEILI_SURVEY_ANONYMOUS_BATCH = 3
    for n, person in enumerate(crowd[:3], start=1):
        submit(survey, person, n)
    services.pool_flush(survey=survey)
    for n, person in enumerate(crowd[3:5], start=4):
        submit(survey, person, n)
    client.force_login(organizer_user)
    url = reverse("surveys:class_results", args=[survey.course_class.pk])
    page = client.get(url).content.decode()
    assert (
        "另有 2 份匿名填答尚未計入統計：為保護匿名，匿名填答每累積 3 份（或問卷截止後）才一併、以打散的順序計入。"
        in page
    )
    book = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    summary = {row[0]: row[1] for row in book["摘要"].iter_rows(min_row=2, values_only=True) if row and row[0]}
    assert (summary["已填答人數"], summary["尚未計入統計的匿名填答"]) == (5, 2)
    api = client.get(f"/api/v1/surveys/results/classes/{survey.course_class.pk}").json()
    assert (api["responded"], api["waiting"]) == (5, 2)
    attached = client.get(f"/api/v1/surveys/classes/{survey.course_class.pk}/survey").json()
    assert (attached["response_count"], attached["waiting_count"]) == (5, 2)


@pytest.mark.django_db
def test_the_demo_shows_results_out_of_the_box(db):
    call_command("demo")
    surveys = list(Survey.objects.select_related("course_class__course"))
    assert len(surveys) == 5
    for survey in surveys:
        assert survey.anonymous
        assert survey.response_count >= services.batch_size()
        assert (survey.tallied_count, survey.pending.count()) == (survey.response_count, 0), survey.course_class
        assert Response.objects.filter(survey=survey).count() == survey.response_count
        assert results.class_results(survey.course_class).summary.answers > 0


# --- PostgreSQL: xmin, ctid, ids and times ------------------------------------------------------------


def _rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_system_columns_do_not_link_answers_to_people(on_postgres, survey, crowd, settings):
    """The attack that named every respondent of the demo survey: join what was answered to who
    answered on the transaction that wrote them (`xmin`), line up the heap order (`ctid`) or the
    keys against the order people answered, and look for times. Each fails."""
    settings.PEILI_SURVEY_ANONYMOUS_BATCH = 4
    batches = [crowd[:4], crowd[4:]]
    number = {person.pk: n for n, person in enumerate(crowd, start=1)}
    for batch_no, people in enumerate(batches):
        for person in people:
            submit(survey, person, number[person.pk])

        # While they wait: the pool shares no transaction with the marks or the audit entries,
        # and reads as nothing — the same opaque length for everyone.
        for table in ("surveys_invitation", "core_auditentry"):
            assert _rows(f"SELECT 1 FROM surveys_pendingresponse p JOIN {table} t ON t.xmin = p.xmin") == []
        blobs = _rows("SELECT sealed, length(sealed) FROM surveys_pendingresponse")
        assert len({size for _blob, size in blobs}) == 1
        assert not [b for b, _size in blobs if any(marker(n).encode() in bytes(b) for n in number.values())]

        assert services.pool_flush(survey=survey, rng=random.Random(batch_no)) == 4

    # 1. xmin: no response or answer was written by a transaction that marked an invitation or wrote an
    #    audit entry; each batch was written by one transaction, so within a batch xmin tells nobody apart.
    #    (The batch's own audit entry, surveys.survey_pool_flush, shares its transaction: it names no one.)
    people_side = {
        "surveys_invitation": "TRUE",
        "core_auditentry": "b.action <> 'surveys.survey_pool_flush'",
    }
    for table in ("surveys_response", "surveys_answer"):
        for other, condition in people_side.items():
            joined = _rows(f"SELECT 1 FROM {table} a JOIN {other} b ON a.xmin = b.xmin WHERE {condition}")
            assert joined == [], (table, other)
    per_xmin = _rows("SELECT xmin::text::bigint, count(*) FROM surveys_response GROUP BY 1 ORDER BY 1")
    assert [count for _x, count in per_xmin] == [4, 4]
    marks = {
        person_id: int(x)
        for person_id, x in _rows(
            "SELECT person_id, xmin::text::bigint FROM surveys_invitation WHERE responded_at IS NOT NULL"
        )
    }
    # The nearest earlier mark to a batch's transaction is one person — the same for all four of
    # the batch's answers, so pairing by xmin identifies at most that one per batch, by chance.
    for batch_xmin, _count in per_xmin:
        nearest = max((x, pid) for pid, x in marks.items() if x < batch_xmin)[1]
        texts = [
            t
            for (t,) in _rows(
                "SELECT a.text FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
                "WHERE r.xmin::text::bigint = %s AND a.text LIKE %s",
                [batch_xmin, "第%位學員的意見%"],
            )
        ]
        assert len(texts) == 4
        assert sum(who_wrote(t) == number[nearest] for t in texts) == 1

    # 2. ctid: the heap order of each batch is its shuffled order; pairing it with the order people
    #    answered in (their marks' times) names at most one person per batch (a random permutation
    #    has one fixed point on average: no better than a blind guess).
    answered_order = [
        number[pid]
        for (pid,) in _rows(
            "SELECT person_id FROM surveys_invitation WHERE responded_at IS NOT NULL "
            "ORDER BY responded_at, xmin::text::bigint"
        )
    ]
    heap = heap_order(survey)
    assert sorted(heap) == sorted(answered_order)
    for start in (0, 4):
        got, truth = heap[start : start + 4], answered_order[start : start + 4]
        assert sum(g == t for g, t in zip(got, truth, strict=True)) <= 1, (got, truth)

    # 3. keys: random version-4 UUIDs, in no relation to the order of answering.
    ids = [uuid.UUID(str(i)) for (i,) in _rows("SELECT id FROM surveys_response")]
    assert {i.version for i in ids} == {4}
    assert {uuid.UUID(str(i)).version for (i,) in _rows("SELECT id FROM surveys_answer")} == {4}

    # 4. times: no time on a response, an answer or the pool; commit times (when the server keeps
    #    them) are the batches', not the answers'.
    time_columns = _rows(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN "
        "('surveys_response', 'surveys_answer', 'surveys_pendingresponse') AND data_type LIKE 'timestamp%%'"
    )
    assert time_columns == [("surveys_response", "submitted_at")]  # named surveys only
    assert _rows("SELECT count(*) FROM surveys_response WHERE submitted_at IS NOT NULL") == [(0,)]
    if _rows("SHOW track_commit_timestamp") == [("on",)]:
        assert len(_rows("SELECT DISTINCT pg_xact_commit_timestamp(xmin) FROM surveys_response")) == 2

    # And the results are right: every answer counted once, the comments all there.
    assert overall_tally(survey) == dict(Counter(1 + n % 5 for n in number.values()))
    comments = Answer.objects.filter(response__survey=survey, question__text=OTHER)
    assert sorted(comments.values_list("text", flat=True)) == sorted(marker(n) for n in number.values())
    assert not PendingResponse.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_a_burst_of_one_persons_answers_is_counted_once(on_postgres, survey, crowd, settings):
    from tests.enrolment.test_concurrency import run_at_once

    settings.PEILI_SURVEY_ANONYMOUS_BATCH = 2
    invitation = Invitation.objects.get(survey=survey, person=crowd[0])
    data = answers_of(survey, 1)
    outcomes = run_at_once(
        [lambda: services.response_submit(invitation=invitation, data=data, actor=None) for _ in range(6)]
    )
    assert sum(1 for o in outcomes if o is None) == 1
    assert {o.code for o in outcomes if isinstance(o, PeiliError)} == {ErrorCode.ALREADY_ANSWERED}
    submit(survey, crowd[1], 2)
    services.pool_flush(survey=survey)
    survey.refresh_from_db()
    assert (survey.response_count, survey.tallied_count, Response.objects.count()) == (2, 2, 2)
    assert not PendingResponse.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_the_last_small_batch_does_not_stand_apart(on_postgres, survey, crowd, settings):
    settings.PEILI_SURVEY_ANONYMOUS_BATCH = 3
    for n, person in enumerate(crowd[:4], start=1):
        submit(survey, person, n)
        services.pool_flush(survey=survey)
    assert [c for _x, c in _rows("SELECT xmin::text, count(*) FROM surveys_response GROUP BY 1")] == [3]
    services.pool_flush(survey=survey, now=survey.closes_at + timedelta(hours=1))
    # One transaction wrote all four: the late answer is one of four, not a batch of its own.
    assert [c for _x, c in _rows("SELECT xmin::text, count(*) FROM surveys_response GROUP BY 1")] == [4]
    assert _rows("SELECT count(DISTINCT xmin::text) FROM surveys_answer") == [(1,)]
    assert sorted(heap_order(survey)) == [1, 2, 3, 4]
