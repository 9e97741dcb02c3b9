"""Results: exact index, means and distributions on a hand-built class; a course across two template
versions and two packs; an instructor; a body; tallies against a recount of the answers; the
anonymous export; pages, their permissions and query counts."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime, time, timedelta
from fractions import Fraction

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from peili.catalog.models import Instructor
from peili.policy.models import PolicyPack
from peili.policy.services import pack_copy, pack_update
from peili.surveys import results, rules, services
from peili.surveys.enums import QuestionKind
from peili.surveys.models import Answer, Invitation, Question, Survey, Tally
from peili.surveys.services import QuestionSpec
from tests.enrolment.conftest import make_class
from tests.factories import AgencyFactory, PersonFactory, UserFactory, grant
from tests.surveys.conftest import attend, full_answers

F = Fraction


def _key(survey: Survey, text: str) -> str:
    return Question.objects.get(section__version=survey.version, text=text).key


def _instructor(name: str) -> Instructor:
    return Instructor.objects.get(name=name)


def submit(survey: Survey, person, *, scale="5", choice="1", **answers: list[str]):
    """Submit `person`'s answers: every question answered as `full_answers` does, then the fields
    given by question text (instructor questions as 'text|instructor name')."""
    data = full_answers(survey, scale=scale, choice=choice)
    for label, values in answers.items():
        text, _, instructor = label.partition("|")
        key = _key(survey, text)
        data[rules.field_name(key, _instructor(instructor).pk if instructor else None)] = values
    invitation = Invitation.objects.get(survey=survey, person=person)
    response = services.response_submit(invitation=invitation, data=data, actor=person.user)
    # An anonymous answer waits for its batch: written into the results at once here, as the last
    # batch would be (the batches themselves are tested in test_anonymity.py).
    services.pool_flush(survey=survey, last=True)
    return response


def varied(survey: Survey, people) -> None:
    """The hand-built case: one respondent all 5s, one all 4s, one varied."""
    submit(survey, people[0], scale="5", choice="1")
    submit(survey, people[1], scale="4", choice="0")
    submit(
        survey,
        people[2],
        **{
            "課程內容符合我的工作需要": ["3"],
            "課程時間安排適當": ["2"],
            "講座表達清楚|陳講座": ["5"],
            "講座表達清楚|林講座": ["1"],
            "場地設備": ["4"],
            "餐點份量": ["2"],
            "整體而言，我對本課程感到滿意": ["3"],
            "您從哪裡得知本課程": ["0", "3"],
            "給講座的建議|陳講座": [""],
            "給講座的建議|林講座": [""],
            "其他意見": ["冷氣太冷"],
        },
    )


def by_text(found: results.Results) -> dict[str, results.QuestionResult]:
    return {q.text: q for q in found.questions}


# --- arithmetic -------------------------------------------------------------------------------------


def test_combined_index_weights_parts_by_answers():
    # 2 answers at 5 under [20..100] (index 100), 1 answer at 1 under [0, 25, 50, 75, 100] (index 0).
    parts = [((20, 40, 60, 80, 100), {5: 2}), ((0, 25, 50, 75, 100), {1: 1})]
    assert rules.combined_index(parts) == F(200, 3)
    assert rules.combined_index([]) is None
    assert rules.combined_index([((20, 40, 60, 80, 100), {})]) is None
    # Same points: exactly the pooled index.
    same = [((20, 40, 60, 80, 100), {5: 1, 3: 1}), ((20, 40, 60, 80, 100), {4: 2})]
    assert rules.combined_index(same) == rules.satisfaction_index({5: 1, 4: 2, 3: 1}, (20, 40, 60, 80, 100)) == 80


def test_as_decimal_rounds_half_up():
    assert str(results.as_decimal(F(220, 3), 2)) == "73.33"
    assert str(results.as_decimal(F(1, 8), 2)) == "0.13"
    assert str(results.percent(F(2, 3), 1)) == "66.7"
    assert results.as_decimal(None) is None


# --- one class --------------------------------------------------------------------------------------


def test_class_results_exact(survey, attendees):
    varied(survey, attendees)
    found = results.class_results(survey.course_class)
    assert found.summary.invited == 3
    assert found.summary.responded == 3
    assert found.summary.rate == 1
    # 18 answers in the index: 6×100 + 6×80 + (60+40+100+20+80+60) = 1440 → 80.
    assert found.summary.answers == 18
    assert found.summary.index == 80
    assert found.summary.anonymous is True
    assert [(f.points, f.years) for f in found.formulas] == [((20, 40, 60, 80, 100), (timezone.localdate().year,))]

    q = by_text(found)
    course = q["課程內容符合我的工作需要"]
    assert (course.count, course.mean, course.index) == (3, 4, 80)
    assert [(b.label, b.count, b.share) for b in course.buckets] == [
        ("非常不滿意", 0, 0),
        ("不滿意", 0, 0),
        ("普通", 1, F(1, 3)),
        ("滿意", 1, F(1, 3)),
        ("非常滿意", 1, F(1, 3)),
    ]
    timing = q["課程時間安排適當"]
    assert (timing.mean, timing.index) == (F(11, 3), F(220, 3))
    teacher = q["講座表達清楚"]
    assert (teacher.count, teacher.mean, teacher.index) == (6, 4, 80)
    assert [(line.name, line.count, line.mean, line.index) for line in teacher.instructors] == [
        ("林講座", 3, F(10, 3), F(200, 3)),
        ("陳講座", 3, F(14, 3), F(280, 3)),
    ]
    meals = q["餐點份量"]
    assert (meals.mean, meals.index) == (None, None)
    assert [(b.value, b.label, b.count) for b in meals.buckets] == [(0, "太少", 1), (1, "剛好", 1), (2, "太多", 1)]
    heard = q["您從哪裡得知本課程"]
    assert heard.count == 4
    assert [(b.label, b.count, b.share) for b in heard.buckets] == [
        ("公文", 2, F(1, 2)),
        ("網站", 1, F(1, 4)),
        ("同事", 0, 0),
        ("主管", 1, F(1, 4)),
    ]
    assert q["給講座的建議"].count == 4
    assert q["其他意見"].count == 3
    assert [x.text for x in found.questions][:3] == ["課程內容符合我的工作需要", "課程時間安排適當", "講座表達清楚"]
    assert [(r.name, r.answers, r.mean, r.index) for r in found.instructors] == [
        ("林講座", 3, F(10, 3), F(200, 3)),
        ("陳講座", 3, F(14, 3), F(280, 3)),
    ]


def test_results_without_answers(survey):
    found = results.class_results(survey.course_class)
    assert (found.summary.invited, found.summary.responded, found.summary.index) == (3, 0, None)
    assert found.summary.rate == 0
    assert all(q.count == 0 for q in found.questions)
    assert by_text(found)["課程內容符合我的工作需要"].mean is None


def test_text_page_lists_text_only_in_random_key_order(survey, attendees):
    varied(survey, attendees)
    found = results.class_results(survey.course_class)
    other = by_text(found)["其他意見"]
    page = results.text_page(found, other, 1)
    assert sorted(a.text for a in page) == ["冷氣太冷", "很好", "很好"]
    answers = Answer.objects.filter(question__key=other.key, response__survey=survey)
    ids = list(answers.order_by("id").values_list("text", flat=True))
    assert [a.text for a in page] == ids
    advice = by_text(found)["給講座的建議"]
    assert sorted(a.instructor for a in results.text_page(found, advice, 1)) == ["林講座", "林講座", "陳講座", "陳講座"]


# --- tallies are the answers ------------------------------------------------------------------------


def _tally_set(survey: Survey) -> set[tuple]:
    fields = ("question_id", "question_key", "instructor_id", "value", "count")
    return set(Tally.objects.filter(survey=survey).values_list(*fields))


def _recount(survey: Survey) -> Counter:
    return Counter(Answer.objects.filter(response__survey=survey).values_list("question_id", "instructor_id", "value"))


scale_value = st.sampled_from(["1", "2", "3", "4", "5"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    answers=st.lists(
        st.tuples(scale_value, scale_value, scale_value, st.sampled_from(["0", "1", "2"]), st.booleans()),
        min_size=3,
        max_size=3,
    )
)
def test_tallies_equal_a_recount_of_the_answers(survey, attendees, answers):
    with transaction.atomic():
        for person, (a, b, c, meal, writes) in zip(attendees, answers, strict=True):
            submit(
                survey,
                person,
                scale=a,
                **{
                    "課程時間安排適當": [b],
                    "講座表達清楚|林講座": [c],
                    "餐點份量": [meal],
                    "其他意見": ["意見"] if writes else [""],
                },
            )
        counted = _recount(survey)
        assert {(q, i, v): n for q, _k, i, v, n in _tally_set(survey)} == dict(counted)
        # The results agree with the answers themselves.
        found = results.class_results(survey.course_class)
        timing = by_text(found)["課程時間安排適當"]
        values = [int(b) for _a, b, _c, _m, _w in answers]
        assert timing.mean == F(sum(values), 3)
        assert by_text(found)["其他意見"].count == sum(1 for *_x, w in answers if w)
        # A rebuild from the answers gives the same tallies.
        before = _tally_set(survey)
        services.tallies_rebuild(survey=survey)
        assert _tally_set(survey) == before
        transaction.set_rollback(True)


# --- a course across versions and packs, an instructor, a body --------------------------------------


def _second_class(body, *, days_ago: int):
    """Another class of 公務倫理 (same course), ended today, with the same two instructors."""
    now = timezone.localtime()
    begin = max(0, now.hour - 3)
    end = max(1, now.hour - 1) if now.hour >= 2 else 1
    course_class = make_class(body, title="公務倫理", term=2, start=now.date(), sessions=((begin, end),))
    session = course_class.sessions.get()
    if now.hour < 2:
        day = now.date() - timedelta(days=1)
        course_class.start_date = course_class.end_date = day
        course_class.save(update_fields=["start_date", "end_date"])
        session.date, session.starts_at, session.ends_at = day, time(18), time(21)
        session.save()
    session.instructors.add(_instructor("陳講座"), _instructor("林講座"))
    return course_class


@pytest.fixture
def two_versions(survey, attendees, template, body, organizer_user, tree):
    """Class 1 answered on version 1; the template then edited (version 2: 課程內容 reworded);
    class 2 answered on version 2 by two new people."""
    varied(survey, attendees)
    key = _key(survey, "課程內容符合我的工作需要")
    services.question_update(
        template=template, key=key, spec=QuestionSpec(QuestionKind.SCALE, "課程內容切合工作所需"), actor=organizer_user
    )
    second = _second_class(body, days_ago=0)
    people = [
        PersonFactory(agency=tree["b"], name=f"新學員{n}", user=UserFactory(username=f"new-{n}")) for n in range(2)
    ]
    for person in people:
        attend(second, person)
    other = services.survey_attach(course_class=second, template=template, actor=organizer_user)
    services.survey_invite(survey=other)
    other.refresh_from_db()
    assert other.version.number == 2
    submit(other, people[0], scale="1", choice="2")
    submit(other, people[1], scale="2", choice="2")
    return survey, other


def test_course_results_group_questions_across_versions(two_versions):
    first, _second = two_versions
    found = results.course_results(first.course_class.course)
    q = by_text(found)
    assert "課程內容符合我的工作需要" not in q  # the newest text names the key
    content = q["課程內容切合工作所需"]
    assert len(content.question_ids) == 2
    # Class 1: 5, 4, 3; class 2: 1, 2.
    assert (content.count, content.mean, content.index) == (5, 3, 60)
    # Index: class 1 1440 over 18; class 2: 6 answers at 20 and 6 at 40 (two instructors each) = 360 over 12.
    assert found.summary.index == F(1440 + 360, 30) == 60
    assert (found.summary.invited, found.summary.responded, found.summary.classes) == (5, 5, 2)
    assert [(row.term, row.answers, row.index) for row in found.classes] == [(1, 18, 80), (2, 12, 30)]
    year = timezone.localdate().year
    assert [(p.year, p.answers, p.index, p.responded) for p in found.trend] == [(year, 30, 60, 5)]
    teachers = {r.name: r for r in found.instructors}
    # 陳講座: 5, 4, 5 then 1, 2 → (100+80+100+20+40)/5 = 68.
    assert (teachers["陳講座"].answers, teachers["陳講座"].index) == (5, 68)
    assert (teachers["林講座"].answers, teachers["林講座"].index) == (5, F(100 + 80 + 20 + 20 + 40, 5))


def test_course_results_across_packs(two_versions, organizer_user, jurisdiction):
    """Class 1 moved to last year (national points 20…100); this year gets its own pack with the
    points 0, 25, 50, 75, 100: each part is scored with its own and weighted by its answers."""
    first, _second = two_versions
    this_year = timezone.localdate().year
    pack = PolicyPack.objects.get(jurisdiction=jurisdiction)
    copy = pack_copy(pack=pack, jurisdiction=jurisdiction, year=this_year, actor=None, note="測試")
    survey_section = (
        "\nsurvey:\n  open_days: 7\n  reminder_days: [3]\n  index_points: [0, 25, 50, 75, 100]\n"
        "  reflection_gates_completion: false\n"
    )
    pack_update(pack=copy, source=copy.source + survey_section, actor=None, note="測試")
    course_class = first.course_class
    last_year = date(this_year - 1, 6, 1)
    course_class.start_date = course_class.end_date = last_year
    course_class.save(update_fields=["start_date", "end_date"])
    found = results.course_results(course_class.course)
    assert [(f.points, f.years) for f in found.formulas] == [
        ((20, 40, 60, 80, 100), (this_year - 1,)),
        ((0, 25, 50, 75, 100), (this_year,)),
    ]
    # Class 1: 80 over 18 answers; class 2 under the new points: 6×0 + 6×25 = 150 / 12 = 12.5.
    assert [row.index for row in found.classes] == [80, F(25, 2)]
    assert found.summary.index == (80 * 18 + F(25, 2) * 12) / 30 == 53
    assert [(p.year, p.index) for p in found.trend] == [(this_year - 1, 80), (this_year, F(25, 2))]


def test_instructor_results(two_versions, organizer_user):
    from peili.catalog.selectors import classes_for_manager

    chen = _instructor("陳講座")
    found = results.instructor_results(chen, classes_for_manager(organizer_user))
    assert [q.text for q in found.questions] == ["講座表達清楚", "給講座的建議"]
    clear = found.questions[0]
    assert (clear.count, clear.mean, clear.index) == (5, F(17, 5), 68)
    assert found.questions[1].count == 4  # written about 陳講座: two in each class
    assert [(row.term, row.answers, row.index) for row in found.classes] == [(1, 3, F(280, 3)), (2, 2, 30)]
    assert [p.index for p in found.trend] == [F(280, 3), 30]
    assert found.summary.index == 68
    assert (found.summary.invited, found.summary.responded) == (5, 5)
    page = results.text_page(found, found.questions[1], 1)
    assert [a.instructor for a in page] == ["陳講座"] * 4


def test_instructor_results_only_in_visible_classes(two_versions, tree):
    from peili.catalog.selectors import classes_for_manager

    stranger = UserFactory(username="stranger")
    grant(stranger, "organizer", tree["b"])
    found = results.instructor_results(_instructor("陳講座"), classes_for_manager(stranger))
    assert found.summary.classes == 0
    assert found.summary.index is None


def test_body_results(two_versions, tree):
    year = timezone.localdate().year
    found = results.body_results(tree["a"], year - 4, year)
    assert found.summary.index == 60
    assert [(c.title, c.classes, c.responded, c.index) for c in found.courses] == [("公務倫理", 2, 5, 60)]
    assert [(p.year, p.index) for p in found.trend] == [(year, 60)]
    assert results.body_results(tree["b"], year - 4, year).summary.classes == 0
    assert results.body_results(tree["a"], year - 9, year - 5).summary.classes == 0


def test_joined_reading_gives_the_same_results(two_versions, tree, organizer_user, monkeypatch):
    """Beyond IN_LIST_LIMIT surveys, tallies are read by joining the classes: the same figures."""
    from peili.catalog.selectors import classes_for_manager

    first, _second = two_versions
    year = timezone.localdate().year
    course = first.course_class.course

    def read():
        return (
            results.course_results(course),
            results.body_results(tree["a"], year - 1, year),
            results.instructor_results(_instructor("陳講座"), classes_for_manager(organizer_user)),
        )

    by_ids = read()
    monkeypatch.setattr(results, "IN_LIST_LIMIT", 0)
    joined = read()
    for a, b in zip(by_ids, joined, strict=True):
        assert (a.summary, a.questions, a.classes, a.courses, a.trend, a.formulas) == (
            b.summary,
            b.questions,
            b.classes,
            b.courses,
            b.trend,
            b.formulas,
        )
    assert joined[0].summary.index == 60


# --- export -----------------------------------------------------------------------------------------


def _cells(content: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(content))
    return [(sheet.title, row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_anonymous_export_names_nobody_and_keeps_no_order(client, survey, attendees, organizer_user, tree):
    more = [PersonFactory(agency=tree["b"], name=f"學員{n}", user=UserFactory(username=f"more-{n}")) for n in range(5)]
    for person in more:
        attend(survey.course_class, person)
    services.survey_invite(survey=survey)
    people = [*attendees, *more]
    for n, person in enumerate(people, start=1):
        submit(survey, person, 其他意見=[f"第{n}份意見"])
    client.force_login(organizer_user)
    reply = client.get(reverse("surveys:class_results", args=[survey.course_class.pk]) + "?format=xlsx")
    assert reply.status_code == 200
    assert reply["Content-Type"].startswith("application/vnd.openxmlformats")
    cells = _cells(reply.content)
    flat = [str(v) for _sheet, row in cells for v in row if v is not None]
    forbidden = [p.name for p in people] + [p.national_id for p in people] + [p.user.username for p in people]
    assert not [v for v in flat for word in forbidden if word in v]
    assert not [v for _s, row in cells for v in row if isinstance(v, (datetime, date, time))]
    assert not [v for v in flat if ":" in v and any(ch.isdigit() for ch in v.split(":")[0][-2:])]  # no clock times
    written = [row[4] for sheet, row in cells if sheet == "文字意見" and row[0] == "其他意見"]
    submitted = [f"第{n}份意見" for n in range(1, len(people) + 1)]
    assert sorted(written) == sorted(submitted)
    others = Answer.objects.filter(response__survey=survey, question__text="其他意見")
    expected = list(others.order_by("id").values_list("text", flat=True))
    # By the answers' random (version-4) keys, which carry nothing of when they came.
    assert written == expected
    assert {key.version for key in others.values_list("id", flat=True)} == {4}
    assert not Survey.objects.get(pk=survey.pk).responses.exclude(person=None).exists()


def test_export_sheets(client, two_versions, organizer_user):
    first, _second = two_versions
    client.force_login(organizer_user)
    reply = client.get(reverse("surveys:course_results", args=[first.course_class.course_id]) + "?format=xlsx")
    book = load_workbook(io.BytesIO(reply.content))
    assert book.sheetnames == ["摘要", "各題統計", "講座", "班期", "趨勢", "文字意見"]
    summary = {row[0]: row[1] for row in book["摘要"].iter_rows(min_row=2, values_only=True) if row and row[0]}
    assert summary["滿意度指數"] == 60
    assert summary["填答率（%）"] == 100
    rows = list(book["各題統計"].iter_rows(values_only=True))
    content = next(r for r in rows if r[1] == "課程內容切合工作所需")
    assert content[4:7] == (5, 3, 60)


# --- pages ------------------------------------------------------------------------------------------


def test_class_page(client, survey, attendees, organizer_user):
    varied(survey, attendees)
    client.force_login(organizer_user)
    reply = client.get(reverse("surveys:class_results", args=[survey.course_class.pk]))
    assert reply.status_code == 200
    html = reply.content.decode()
    assert "滿意度指數 = Σ(各選項人次 × 換算分數) ÷ 總人次" in html
    assert "非常滿意 100、滿意 80、普通 60、不滿意 40、非常不滿意 20" in html
    for part in ('role="img"', "<title", "<desc", 'class="visually-hidden"'):
        assert part in html
    assert "冷氣太冷" not in html  # the first text question is shown: 給講座的建議
    other = client.get(
        reverse("surveys:class_results", args=[survey.course_class.pk]), {"text": _key(survey, "其他意見")}
    )
    assert "冷氣太冷" in other.content.decode()
    for person in attendees:
        assert person.name not in html
    assert reply.context["index_value"] == results.as_decimal(F(80), 1)


def test_course_and_instructor_pages(client, two_versions, organizer_user):
    first, _second = two_versions
    client.force_login(organizer_user)
    course = client.get(reverse("surveys:course_results", args=[first.course_class.course_id]))
    assert course.status_code == 200
    assert "survey-trend-line" in course.content.decode()
    chen = _instructor("陳講座")
    page = client.get(reverse("surveys:instructor_results", args=[chen.pk]))
    assert page.status_code == 200
    assert page.context["results"].summary.index == 68


def test_body_page(client, two_versions, organizer_user, tree):
    client.force_login(organizer_user)
    year = timezone.localdate().year
    reply = client.get(reverse("surveys:body_results", args=[tree["a1"].code]), {"from": year - 1, "to": year})
    assert reply.status_code == 200
    assert reply.context["results"].summary.index == 60
    assert [c.title for c in reply.context["course_page"]] == ["公務倫理"]


def test_another_bodys_organizer_is_refused(client, two_versions, tree):
    first, _second = two_versions
    other = AgencyFactory(
        code="376570300A", name="新竹市政府社會處", parent=tree["root"], jurisdiction=tree["root"].jurisdiction
    )
    user = UserFactory(username="other-organizer")
    grant(user, "organizer", other)
    client.force_login(user)
    before = Tally.objects.count(), Answer.objects.count()
    for url in (
        reverse("surveys:class_results", args=[first.course_class.pk]),
        reverse("surveys:class_results", args=[first.course_class.pk]) + "?format=xlsx",
        reverse("surveys:course_results", args=[first.course_class.course_id]),
        reverse("surveys:body_results", args=[tree["a1"].code]),
    ):
        reply = client.get(url)
        assert reply.status_code == 403, url
        assert "冷氣太冷" not in reply.content.decode()
    assert client.get(reverse("surveys:instructor_results", args=[_instructor("陳講座").pk])).status_code == 404
    index = client.get(reverse("surveys:results"))
    assert index.status_code == 200
    assert index.context["rows"] == []
    assert (Tally.objects.count(), Answer.objects.count()) == before


def test_learner_is_refused(client, survey, attendees):
    client.force_login(attendees[0].user)
    assert client.get(reverse("surveys:class_results", args=[survey.course_class.pk])).status_code == 403
    assert client.get(reverse("surveys:results")).status_code == 403


def test_class_without_survey_is_404(client, ended_class, organizer_user):
    client.force_login(organizer_user)
    assert client.get(reverse("surveys:class_results", args=[ended_class.pk])).status_code == 404


def _index_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        reply = client.get(reverse("surveys:results"))
    assert reply.status_code == 200
    return len(captured)


def test_index_page_query_count(client, survey, attendees, template, body, organizer_user):
    varied(survey, attendees)
    client.force_login(organizer_user)
    client.get(reverse("surveys:results"))  # warm: the session, the pack's stamp
    one = _index_queries(client)
    assert len(client.get(reverse("surveys:results")).context["rows"]) == 1
    for term in (2, 3):
        extra = make_class(body, title="公務倫理", term=term, start=survey.course_class.start_date)
        extra.sessions.get().instructors.add(_instructor("陳講座"))
        services.survey_attach(course_class=extra, template=template, actor=organizer_user)
    rows = client.get(reverse("surveys:results")).context["rows"]
    assert [(r.label, r.index, r.rate, r.counts) for r in rows] == [
        ("公務倫理 第3期", "—", "—", "0/0"),
        ("公務倫理 第2期", "—", "—", "0/0"),
        ("公務倫理 第1期", "80.0", "100.0%", "3/3"),
    ]
    assert _index_queries(client) == one
