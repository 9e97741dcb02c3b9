"""The surveys API: templates for organizers, a class's survey, and answering — one answer per
person, late and duplicate submissions refused with stable codes, an invalid submission writing
nothing, and an anonymous submission returning nothing that ties the caller to their answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peili.catalog.models import Instructor
from peili.org.models import Person
from peili.surveys import selectors, services
from peili.surveys.models import (
    Answer,
    Invitation,
    PendingResponse,
    Question,
    Response,
    Survey,
    SurveyTemplate,
    Tally,
)
from peili.surveys.services import QuestionSpec
from tests.factories import PersonFactory, UserFactory, grant
from tests.surveys.conftest import STANDARD, full_answers

pytestmark = pytest.mark.django_db

API = "/api/v1/surveys"


def when(value) -> str:
    """A datetime as the API writes it."""
    return DjangoJSONEncoder().default(value)


def send(client, method: str, path: str, body: Any = None):
    return client.generic(
        method, f"{API}{path}", DjangoJSONEncoder().encode(body or {}), content_type="application/json"
    )


def counts() -> tuple[int, int, int, int, int, int]:
    return (
        SurveyTemplate.objects.count(),
        Survey.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
        Tally.objects.count(),
        PendingResponse.objects.count(),
    )


@pytest.fixture
def other_organizer(tree):
    """An organizer of another body (教育處), with no say over the training body's templates."""
    user = UserFactory(username="other-organizer")
    grant(user, "organizer", tree["b"])
    return user


def expected_sections(version) -> list[dict[str, Any]]:
    """The standard questionnaire as the API shows it, with the keys the version's rows have."""
    sections = list(version.sections.order_by("position"))
    out = []
    for section, spec in zip(sections, STANDARD, strict=True):
        questions = list(section.questions.order_by("position"))
        out.append(
            {
                "key": section.key,
                "kind": str(spec.kind),
                "title": spec.title,
                "questions": [
                    {
                        "key": question.key,
                        "kind": str(q.kind),
                        "text": q.text,
                        "required": q.required,
                        "options": list(q.options),
                        "in_index": q.kind == "scale",
                    }
                    for question, q in zip(questions, spec.questions, strict=True)
                ],
            }
        )
    return out


# --- templates -------------------------------------------------------------------------------------


def test_an_organizer_lists_their_bodys_templates(client, template, organizer_user, other_organizer, learner):
    client.force_login(organizer_user)
    assert client.get(f"{API}/templates").json() == {
        "items": [
            {
                "id": template.pk,
                "name": "標準課後問卷",
                "description": "",
                "organizer_code": "376570101A",
                "organizer_name": "新竹市人力發展所",
                "anonymous": True,
                "is_active": True,
                "version": 1,
            }
        ],
        "count": 1,
    }
    client.force_login(other_organizer)
    assert client.get(f"{API}/templates").json() == {"items": [], "count": 0}
    client.force_login(learner)
    refused = client.get(f"{API}/templates")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission.denied")


def test_the_template_list_costs_the_same_for_one_or_three(client, body, organizer_user):
    client.force_login(organizer_user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{API}/templates").status_code == 200
        return len(captured)

    services.template_create(organizer=body, name="甲", sections=STANDARD, actor=organizer_user)
    queries()  # this process's caches warm (the signed-in identity, the stamps), as the second's are
    one = queries()
    for name in ("乙", "丙"):
        services.template_create(organizer=body, name=name, sections=STANDARD, actor=organizer_user)
    assert [t["name"] for t in client.get(f"{API}/templates").json()["items"]] == ["丙", "乙", "甲"]
    assert queries() == one


def test_a_template_shows_its_newest_version(client, template, survey, attendees, organizer_user):
    # Answered, so the edit goes to a copy: version 2, same keys, one question more.
    services.response_submit(invitation=survey.invitations.first(), data=full_answers(survey), actor=None)
    first = template.versions.get().sections.get(position=1)
    services.question_add(
        template=template, section_key=first.key, spec=QuestionSpec("scale", "教材充實"), actor=organizer_user
    )
    client.force_login(organizer_user)
    body = client.get(f"{API}/templates/{template.pk}").json()
    newest = template.versions.get(number=2)
    added = Question.objects.get(text="教材充實")
    assert added.section.version == newest
    sections = expected_sections(template.versions.get(number=1))  # the copy keeps every key
    sections[0]["questions"].append(
        {"key": added.key, "kind": "scale", "text": "教材充實", "required": True, "options": [], "in_index": True}
    )
    assert body == {
        "id": template.pk,
        "name": "標準課後問卷",
        "description": "",
        "organizer_code": "376570101A",
        "organizer_name": "新竹市人力發展所",
        "anonymous": True,
        "is_active": True,
        "version": 2,
        "sections": sections,
    }
    client.force_login(organizer_user)
    assert client.get(f"{API}/templates").json()["items"][0]["version"] == 2


def test_another_bodys_organizer_cannot_read_a_template(client, template, other_organizer):
    client.force_login(other_organizer)
    refused = client.get(f"{API}/templates/{template.pk}")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission.denied")
    missing = client.get(f"{API}/templates/999999")
    assert (missing.status_code, missing.json()["code"]) == (404, "survey.template_not_found")


NEW_TEMPLATE = {
    "organizer_code": "376570101A",
    "name": "  研習滿意度  ",
    "description": "請依實際感受填答。",
    "anonymous": False,
    "sections": [
        {
            "kind": "course",
            "title": "課程",
            "questions": [
                {"kind": "scale", "text": "課程內容實用"},
                {"kind": "single", "text": "課程長度", "options": ["太短", "剛好", "太長"], "required": False},
                {"kind": "scale", "text": "願意推薦同仁參加", "in_index": False},
            ],
        },
        {"kind": "overall", "title": "整體", "questions": [{"kind": "text", "text": "其他建議", "required": False}]},
    ],
}


def test_an_organizer_creates_a_template_with_its_questions(client, body, organizer_user):
    client.force_login(organizer_user)
    response = send(client, "POST", "/templates", NEW_TEMPLATE)
    assert response.status_code == 201
    created = SurveyTemplate.objects.get()
    version = created.versions.get()
    course, overall = version.sections.order_by("position")
    q1, q2, q3 = course.questions.order_by("position")
    (q4,) = overall.questions.all()
    assert response.json() == {
        "id": created.pk,
        "name": "研習滿意度",
        "description": "請依實際感受填答。",
        "organizer_code": "376570101A",
        "organizer_name": "新竹市人力發展所",
        "anonymous": False,
        "is_active": True,
        "version": 1,
        "sections": [
            {
                "key": course.key,
                "kind": "course",
                "title": "課程",
                "questions": [
                    {
                        "key": q1.key,
                        "kind": "scale",
                        "text": "課程內容實用",
                        "required": True,
                        "options": [],
                        "in_index": True,
                    },
                    {
                        "key": q2.key,
                        "kind": "single",
                        "text": "課程長度",
                        "required": False,
                        "options": ["太短", "剛好", "太長"],
                        "in_index": False,
                    },
                    {
                        "key": q3.key,
                        "kind": "scale",
                        "text": "願意推薦同仁參加",
                        "required": True,
                        "options": [],
                        "in_index": False,
                    },
                ],
            },
            {
                "key": overall.key,
                "kind": "overall",
                "title": "整體",
                "questions": [
                    {
                        "key": q4.key,
                        "kind": "text",
                        "text": "其他建議",
                        "required": False,
                        "options": [],
                        "in_index": False,
                    }
                ],
            },
        ],
    }
    assert (created.organizer, created.created_by) == (body, organizer_user)


def test_a_template_only_for_a_body_one_organizes_for(client, tree, body, organizer_user, other_organizer):
    tree["b"].is_training_body = True
    tree["b"].save(update_fields=["is_training_body"])
    client.force_login(organizer_user)
    refused = send(client, "POST", "/templates", {**NEW_TEMPLATE, "organizer_code": tree["b"].code})
    assert (refused.status_code, refused.json()["code"]) == (404, "agency.not_found")
    client.force_login(other_organizer)
    refused = send(client, "POST", "/templates", NEW_TEMPLATE)
    assert (refused.status_code, refused.json()["code"]) == (404, "agency.not_found")
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_a_refused_template_writes_nothing(client, template, organizer_user):
    client.force_login(organizer_user)
    before = (counts(), Question.objects.count())
    duplicate = send(client, "POST", "/templates", {**NEW_TEMPLATE, "name": "標準課後問卷"})
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "survey.template_exists")
    one_option = {
        **NEW_TEMPLATE,
        "sections": [
            {"kind": "course", "title": "課程", "questions": [{"kind": "single", "text": "?", "options": ["是"]}]}
        ],
    }
    refused = send(client, "POST", "/templates", one_option)
    assert (refused.status_code, refused.json()["code"]) == (400, "survey.options_required")
    unknown_kind = {**NEW_TEMPLATE, "sections": [{"kind": "lunch", "title": "午餐"}]}
    invalid = send(client, "POST", "/templates", unknown_kind)
    assert (invalid.status_code, invalid.json()["code"]) == (422, "request.invalid")
    blank = send(client, "POST", "/templates", {**NEW_TEMPLATE, "name": "   "})
    assert (blank.status_code, blank.json()["code"]) == (422, "request.invalid")
    assert (counts(), Question.objects.count()) == before


# --- a class's survey ------------------------------------------------------------------------------


def test_an_organizer_reads_a_classs_survey(client, survey, template, ended_class, organizer_user):
    client.force_login(organizer_user)
    assert client.get(f"{API}/classes/{ended_class.pk}/survey").json() == {
        "class_id": ended_class.pk,
        "template_id": template.pk,
        "template_name": "標準課後問卷",
        "version": 1,
        "anonymous": True,
        "opens_at": when(survey.opens_at),
        "closes_at": when(survey.closes_at),
        "state": "open",
        "state_label": "開放填答中",
        "invited_count": 3,
        "response_count": 0,
        "waiting_count": 0,
    }


def test_a_class_without_a_survey_and_another_bodys_class(client, ended_class, organizer_user, other_organizer):
    client.force_login(organizer_user)
    missing = client.get(f"{API}/classes/{ended_class.pk}/survey")
    assert (missing.status_code, missing.json()["code"]) == (404, "survey.not_attached")
    client.force_login(other_organizer)
    refused = client.get(f"{API}/classes/{ended_class.pk}/survey")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission.denied")


def test_an_organizer_attaches_a_template_to_a_class(client, template, ended_class, organizer_user):
    client.force_login(organizer_user)
    response = send(
        client, "PUT", f"/classes/{ended_class.pk}/survey", {"template_id": template.pk, "anonymous": False}
    )
    assert response.status_code == 200
    survey = Survey.objects.get()
    assert (survey.course_class, survey.version, survey.anonymous, survey.attached_by) == (
        ended_class,
        template.versions.get(),
        False,
        organizer_user,
    )
    assert response.json() == {
        "class_id": ended_class.pk,
        "template_id": template.pk,
        "template_name": "標準課後問卷",
        "version": 1,
        "anonymous": False,
        "opens_at": when(survey.opens_at),
        "closes_at": when(survey.closes_at),
        "state": "open",
        "state_label": "開放填答中",
        "invited_count": 0,
        "response_count": 0,
        "waiting_count": 0,
    }
    # Until it opens, it can be changed; null anonymity takes the template's.
    again = send(client, "PUT", f"/classes/{ended_class.pk}/survey", {"template_id": template.pk})
    assert again.json()["anonymous"] is True


def test_attaching_is_refused_with_the_services_codes(client, body, survey, ended_class, organizer_user):
    client.force_login(organizer_user)
    empty = services.template_create(organizer=body, name="空白", actor=organizer_user)
    other = services.template_create(organizer=body, name="簡式", sections=STANDARD[:1], actor=organizer_user)
    opened = send(client, "PUT", f"/classes/{ended_class.pk}/survey", {"template_id": other.pk})
    assert (opened.status_code, opened.json()["code"]) == (409, "survey.already_opened")
    assert Survey.objects.get().version.template == survey.version.template
    survey.delete()
    refused = send(client, "PUT", f"/classes/{ended_class.pk}/survey", {"template_id": empty.pk})
    assert (refused.status_code, refused.json()["code"]) == (400, "survey.template_empty")
    assert not Survey.objects.exists()


def test_another_bodys_organizer_cannot_attach(client, template, ended_class, other_organizer, tree):
    own = services.template_create(organizer=tree["b"], name="教育處問卷", sections=STANDARD[:1], actor=other_organizer)
    client.force_login(other_organizer)
    for template_id in (template.pk, own.pk):
        refused = send(client, "PUT", f"/classes/{ended_class.pk}/survey", {"template_id": template_id})
        assert (refused.status_code, refused.json()["code"]) == (403, "permission.denied")
    assert not Survey.objects.exists()


def test_a_template_of_another_body_is_not_found_for_a_class(client, template, ended_class, organizer_user, tree):
    foreign = services.template_create(organizer=tree["b"], name="教育處問卷", sections=STANDARD[:1], actor=None)
    client.force_login(organizer_user)
    refused = send(client, "PUT", f"/classes/{ended_class.pk}/survey", {"template_id": foreign.pk})
    assert (refused.status_code, refused.json()["code"]) == (404, "survey.template_not_found")
    assert not Survey.objects.exists()


# --- answering -------------------------------------------------------------------------------------


def test_a_learner_lists_their_open_surveys(client, survey, ended_class, attendees):
    client.force_login(attendees[0].user)
    expected = {
        "survey_id": survey.pk,
        "class_id": ended_class.pk,
        "class_name": "公務倫理 第1期",
        "closes_at": when(survey.closes_at),
        "started": False,
    }
    assert client.get(f"{API}/mine").json() == [expected]
    send(client, "PUT", f"/{survey.pk}/draft", {"answers": {next(iter(full_answers(survey))): ["4"]}})
    assert client.get(f"{API}/mine").json() == [{**expected, "started": True}]
    client.force_login(attendees[1].user)
    send(client, "POST", f"/{survey.pk}/responses", {"answers": full_answers(survey)})
    assert client.get(f"{API}/mine").json() == []


def test_not_invited_and_personless_callers(client, survey, organizer_user):
    absent = Person.objects.get(name="缺席者")  # registered, but did not attend: not asked
    client.force_login(absent.user)
    assert client.get(f"{API}/mine").json() == []
    client.force_login(organizer_user)  # an account without a person
    refused = client.get(f"{API}/mine")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission.denied")


def form_question(survey, text: str, instructor=None) -> dict[str, Any]:
    question = Question.objects.get(section__version=survey.version, text=text)
    suffix = f"-{instructor.pk}" if instructor else ""
    options: list[dict[str, Any]] = []
    if question.kind == "scale":
        labels = ["非常不滿意", "不滿意", "普通", "滿意", "非常滿意"]
        options = [{"value": n, "label": label} for n, label in enumerate(labels, start=1)]
    elif question.kind in ("single", "multiple"):
        options = [{"value": n, "label": label} for n, label in enumerate(question.options)]
    return {
        "field": f"q-{question.key}{suffix}",
        "key": question.key,
        "kind": question.kind,
        "text": text,
        "required": question.required,
        "options": options,
    }


def test_a_learner_reads_the_form_with_their_draft(client, survey, ended_class, attendees):
    lin, chen = Instructor.objects.get(name="林講座"), Instructor.objects.get(name="陳講座")
    client.force_login(attendees[0].user)
    first = form_question(survey, "課程內容符合我的工作需要")["field"]
    saved = send(client, "PUT", f"/{survey.pk}/draft", {"answers": {first: [4], "q-unknown": ["x"]}}).json()
    invitation = Invitation.objects.get(survey=survey, person=attendees[0])
    assert saved == {
        "survey_id": survey.pk,
        "draft_saved_at": when(invitation.draft_saved_at),
        "values": {first: ["4"]},
    }

    def instructor_block(instructor) -> dict[str, Any]:
        return {
            "heading": f"講座：{instructor.name}",
            "section_kind": "instructor",
            "instructor": {"id": instructor.pk, "name": instructor.name},
            "questions": [
                form_question(survey, "講座表達清楚", instructor),
                form_question(survey, "給講座的建議", instructor),
            ],
        }

    assert client.get(f"{API}/{survey.pk}/form").json() == {
        "survey_id": survey.pk,
        "class_id": ended_class.pk,
        "class_name": "公務倫理 第1期",
        "description": "",
        "anonymous": True,
        "opens_at": when(survey.opens_at),
        "closes_at": when(survey.closes_at),
        "state": "open",
        "state_label": "開放填答中",
        "responded": False,
        "draft_saved_at": when(invitation.draft_saved_at),
        "values": {first: ["4"]},
        "blocks": [
            {
                "heading": "課程",
                "section_kind": "course",
                "instructor": None,
                "questions": [
                    form_question(survey, "課程內容符合我的工作需要"),
                    form_question(survey, "課程時間安排適當"),
                ],
            },
            instructor_block(lin),
            instructor_block(chen),
            {
                "heading": "場地與餐飲",
                "section_kind": "venue",
                "instructor": None,
                "questions": [form_question(survey, "場地設備"), form_question(survey, "餐點份量")],
            },
            {
                "heading": "整體",
                "section_kind": "overall",
                "instructor": None,
                "questions": [
                    form_question(survey, "整體而言，我對本課程感到滿意"),
                    form_question(survey, "您從哪裡得知本課程"),
                    form_question(survey, "其他意見"),
                ],
            },
        ],
    }
    assert form_question(survey, "餐點份量")["options"] == [
        {"value": 0, "label": "太少"},
        {"value": 1, "label": "剛好"},
        {"value": 2, "label": "太多"},
    ]


def test_a_learner_not_invited_gets_not_found_and_changes_nothing(client, survey, tree):
    stranger = PersonFactory(agency=tree["b"], name="路人", user=UserFactory(username="stranger"))
    client.force_login(stranger.user)
    before = (counts(), list(Invitation.objects.values_list("pk", "responded_at", "draft")))
    for method, path, payload in (
        ("GET", f"/{survey.pk}/form", None),
        ("PUT", f"/{survey.pk}/draft", {"answers": full_answers(survey)}),
        ("POST", f"/{survey.pk}/responses", {"answers": full_answers(survey)}),
        ("GET", "/999999/form", None),
    ):
        refused = send(client, method, path, payload)
        assert (refused.status_code, refused.json()["code"]) == (404, "survey.not_invited"), path
    assert (counts(), list(Invitation.objects.values_list("pk", "responded_at", "draft"))) == before
    assert Survey.objects.get().response_count == 0


def test_an_anonymous_submission_returns_no_id_and_stores_no_person(client, survey, attendees):
    client.force_login(attendees[0].user)
    answers: dict[str, list[Any]] = {
        field: [int(v[0])] if v[0].isdigit() else v for field, v in full_answers(survey).items()
    }
    send(client, "PUT", f"/{survey.pk}/draft", {"answers": answers})
    response = send(client, "POST", f"/{survey.pk}/responses", {"answers": answers})
    assert (response.status_code, response.json()) == (
        201,
        {"survey_id": survey.pk, "anonymous": True, "response_id": None, "in_results": False},
    )
    # The answer waits, sealed, for its batch; the draft is gone.
    assert (Response.objects.count(), PendingResponse.objects.count()) == (0, 1)
    invitation = Invitation.objects.get(survey=survey, person=attendees[0])
    assert (invitation.responded_at is not None, invitation.draft, invitation.draft_saved_at) == (True, {}, None)
    assert (Survey.objects.get().response_count, Survey.objects.get().tallied_count) == (1, 0)
    assert services.pool_flush(survey=survey, last=True) == 1
    stored = Response.objects.get()
    assert (stored.person, stored.submitted_at, stored.answers.count()) == (None, None, 11)
    assert (Survey.objects.get().tallied_count, PendingResponse.objects.count()) == (1, 0)
    client.force_login(attendees[0].user)
    assert client.get(f"{API}/{survey.pk}/form").json()["responded"] is True


def test_a_named_submission_returns_its_id(client, ended_class, template, attendees, organizer_user):
    named = services.survey_attach(course_class=ended_class, template=template, anonymous=False, actor=organizer_user)
    services.survey_invite(survey=named)
    client.force_login(attendees[1].user)
    response = send(client, "POST", f"/{named.pk}/responses", {"answers": full_answers(named, scale="4")})
    stored = Response.objects.get()
    assert (response.status_code, response.json()) == (
        201,
        {"survey_id": named.pk, "anonymous": False, "response_id": str(stored.pk), "in_results": True},
    )
    assert stored.person == attendees[1]


def test_a_second_submission_is_refused(client, survey, attendees):
    client.force_login(attendees[0].user)
    assert send(client, "POST", f"/{survey.pk}/responses", {"answers": full_answers(survey)}).status_code == 201
    before = counts()
    again = send(client, "POST", f"/{survey.pk}/responses", {"answers": full_answers(survey, scale="1")})
    assert (again.status_code, again.json()["code"]) == (409, "survey.already_answered")
    assert again.json()["message"] == "您已填答過本問卷，每人限填一次。"
    draft = send(client, "PUT", f"/{survey.pk}/draft", {"answers": full_answers(survey)})
    assert (draft.status_code, draft.json()["code"]) == (409, "survey.already_answered")
    assert counts() == before
    assert Survey.objects.get().response_count == 1


def test_an_invalid_submission_names_the_fields_and_writes_nothing(client, survey, attendees):
    client.force_login(attendees[0].user)
    first = form_question(survey, "課程內容符合我的工作需要")["field"]
    send(client, "PUT", f"/{survey.pk}/draft", {"answers": {first: ["3"]}})
    answers = full_answers(survey)
    meal = form_question(survey, "餐點份量")["field"]
    overall = form_question(survey, "整體而言，我對本課程感到滿意")["field"]
    answers[first] = ["6"]
    answers[meal] = [3]
    del answers[overall]
    before = counts()
    response = send(client, "POST", f"/{survey.pk}/responses", {"answers": answers})
    assert response.status_code == 400
    assert response.json() == {
        "code": "survey.invalid_answers",
        "message": "有 3 題未填或填答有誤，請檢查標示的題目。",
        "details": {"fields": {first: "invalid_choice", meal: "invalid_choice", overall: "required"}},
    }
    assert counts() == before
    invitation = Invitation.objects.get(survey=survey, person=attendees[0])
    assert (invitation.responded_at, selectors.draft_values(invitation)) == (None, {first: ["3"]})  # the draft is kept
    assert Survey.objects.get().response_count == 0


def test_values_must_be_strings_or_numbers(client, survey, attendees):
    client.force_login(attendees[0].user)
    first = form_question(survey, "課程內容符合我的工作需要")["field"]
    for bad in ([True], [4.5], "5", [["5"]]):
        refused = send(client, "PUT", f"/{survey.pk}/draft", {"answers": {first: bad}})
        assert (refused.status_code, refused.json()["code"]) == (422, "request.invalid"), bad
    assert Invitation.objects.get(survey=survey, person=attendees[0]).draft_saved_at is None


def test_a_closed_or_unopened_survey_refuses_answers(client, survey, attendees):
    client.force_login(attendees[0].user)
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    before = counts()
    late = send(client, "POST", f"/{survey.pk}/responses", {"answers": full_answers(survey)})
    assert (late.status_code, late.json()["code"]) == (409, "survey.closed")
    draft = send(client, "PUT", f"/{survey.pk}/draft", {"answers": full_answers(survey)})
    assert (draft.status_code, draft.json()["code"]) == (409, "survey.closed")
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=8)
    )
    early = send(client, "POST", f"/{survey.pk}/responses", {"answers": full_answers(survey)})
    assert (early.status_code, early.json()["code"]) == (409, "survey.not_open")
    assert counts() == before
    assert Invitation.objects.get(survey=survey, person=attendees[0]).responded_at is None


def test_the_operations_are_in_openapi(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/surveys/templates",
        "/api/v1/surveys/templates/{template_id}",
        "/api/v1/surveys/classes/{class_id}/survey",
        "/api/v1/surveys/mine",
        "/api/v1/surveys/{survey_id}/form",
        "/api/v1/surveys/{survey_id}/draft",
        "/api/v1/surveys/{survey_id}/responses",
    } <= set(paths)
    assert set(paths["/api/v1/surveys/classes/{class_id}/survey"]) == {"get", "put"}
    assert set(paths["/api/v1/surveys/templates"]) == {"get", "post"}
