"""The organizer's questionnaire pages through the Django test client: templates and the builder,
the body's defaults, a class's survey and reflection setup."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peili.catalog.models import Course
from peili.core import roc
from peili.surveys import selectors, services
from peili.surveys.enums import QuestionKind, SectionKind
from peili.surveys.models import (
    Answer,
    Invitation,
    Question,
    ReflectionAssignment,
    Response,
    Survey,
    SurveyTemplate,
    TemplateDefault,
    TemplateSection,
    TemplateVersion,
)
from peili.surveys.services import QuestionSpec, SectionSpec
from tests.factories import UserFactory, grant
from tests.surveys.conftest import full_answers


@pytest.fixture
def other_body(tree):
    agency = tree["b"]
    agency.is_training_body = True
    agency.save(update_fields=["is_training_body"])
    return agency


@pytest.fixture
def other_organizer(other_body):
    """An organizer of another training body (教育處), not of 人力發展所."""
    user = UserFactory(username="other-organizer")
    grant(user, "organizer", other_body)
    return user


@pytest.fixture
def organizer(client, organizer_user):
    client.force_login(organizer_user)
    return client


def _outline(template: SurveyTemplate) -> list[tuple]:
    """Every version, section and question of a template, as plain values."""
    return [
        (s.version.number, s.position, s.key, s.kind, s.title, q.position, q.key, q.kind, q.text, q.required, q.options)
        for s in TemplateSection.objects.filter(version__template=template).order_by("version__number", "position")
        for q in s.questions.order_by("position")
    ] + list(TemplateSection.objects.filter(version__template=template, questions__isnull=True).values_list("key"))


def _latest(template: SurveyTemplate) -> list[TemplateSection]:
    return selectors.version_sections(selectors.latest_version(template))


def _texts(response) -> list[str]:
    """The messages this request added (not those left over from earlier requests)."""
    return [str(m) for m in get_messages(response.wsgi_request)._queued_messages]


# --- the list and creating ---------------------------------------------------------------------------


def test_the_list_shows_each_template_with_its_version_and_classes(organizer, template, survey):
    page = organizer.get(reverse("surveys:templates"))
    assert page.status_code == 200
    row = page.context["templates"].get()
    assert (row.name, row.version_number, row.class_count) == ("標準課後問卷", 1, 1)
    html = page.content.decode()
    assert "標準課後問卷" in html
    assert "第 1 版" in html
    assert reverse("surveys:template_create") in html
    assert reverse("surveys:defaults") in html


def test_the_list_costs_the_same_queries_for_1_or_3_templates(organizer, body, organizer_user):
    services.template_create(organizer=body, name="範本一", actor=organizer_user)
    organizer.get(reverse("surveys:templates"))
    with CaptureQueriesContext(connection) as one:
        organizer.get(reverse("surveys:templates"))
    for name in ("範本二", "範本三"):
        services.template_create(organizer=body, name=name, actor=organizer_user)
    with CaptureQueriesContext(connection) as three:
        page = organizer.get(reverse("surveys:templates"))
    assert len(page.context["templates"]) == 3
    assert len(three) == len(one)


def test_creating_from_the_standard_questionnaire(organizer, body):
    page = organizer.get(reverse("surveys:template_create"))
    assert page.status_code == 200
    assert "以標準範本建立" in page.content.decode()
    response = organizer.post(
        reverse("surveys:template_create"),
        {"organizer": body.pk, "name": " 一般課程問卷 ", "description": "請依實際感受填答", "standard": "on"},
    )
    template = SurveyTemplate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:template", args=[template.pk])
    assert (template.name, template.description, template.anonymous, template.organizer_id) == (
        "一般課程問卷",
        "請依實際感受填答",
        False,  # the checkbox was left unticked
        body.pk,
    )
    sections = _latest(template)
    assert [s.kind for s in sections] == [
        SectionKind.COURSE,
        SectionKind.INSTRUCTOR,
        SectionKind.VENUE,
        SectionKind.OVERALL,
    ]
    assert [len(s.questions.all()) for s in sections] == [4, 4, 3, 5]
    kinds = {q.kind for s in sections for q in s.questions.all()}
    assert kinds == {QuestionKind.SCALE, QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TEXT}
    recommend = Question.objects.get(section__version__template=template, kind=QuestionKind.SINGLE)
    assert recommend.options == ["會", "不一定", "不會"]


def test_creating_an_empty_template_and_a_duplicate_name(organizer, body, template):
    response = organizer.post(
        reverse("surveys:template_create"), {"organizer": body.pk, "name": "空白問卷", "anonymous": "on"}
    )
    empty = SurveyTemplate.objects.get(name="空白問卷")
    assert response.status_code == 302
    assert empty.anonymous is True
    assert not TemplateSection.objects.filter(version__template=empty).exists()

    refused = organizer.post(reverse("surveys:template_create"), {"organizer": body.pk, "name": "標準課後問卷"})
    assert refused.status_code == 200
    assert "已有同名的問卷範本" in refused.content.decode()
    assert SurveyTemplate.objects.count() == 2


def test_an_organizer_cannot_create_for_another_body(client, other_organizer, body):
    client.force_login(other_organizer)
    response = client.post(reverse("surveys:template_create"), {"organizer": body.pk, "name": "越權問卷"})
    assert response.status_code == 200
    assert "organizer" in response.context["form"].errors
    assert not SurveyTemplate.objects.exists()


# --- the builder -------------------------------------------------------------------------------------


def test_the_builder_shows_sections_questions_and_a_preview(organizer, template):
    page = organizer.get(reverse("surveys:template", args=[template.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "題組與題目（第 1 版）" in html
    assert "4 個題組、9 題" in html
    assert "講座題組：班期有幾位講座，學員就對每位講座各填一次。" in html
    assert "預覽：學員看到的問卷" in html
    assert "講座：（講座姓名）" in html
    assert "太少" in html  # a single-choice question's options
    assert "非常滿意" in html  # the scale in the preview
    assert "已有人填答" not in html
    assert 'hx-post="' + reverse("surveys:section_add", args=[template.pk]) + '"' in html


def test_the_builder_costs_the_same_queries_for_more_questions(organizer, template, organizer_user):
    url = reverse("surveys:template", args=[template.pk])
    organizer.get(url)
    with CaptureQueriesContext(connection) as few:
        organizer.get(url)
    course = _latest(template)[0]
    for n in range(5):
        services.question_add(
            template=template,
            section_key=course.key,
            spec=QuestionSpec(QuestionKind.SINGLE, f"第{n}題", options=("是", "否")),
            actor=organizer_user,
        )
    with CaptureQueriesContext(connection) as more:
        page = organizer.get(url)
    assert page.context["question_count"] == 14
    assert len(more) == len(few)
    assert len(few) <= 12


def test_saving_the_template_settings(organizer, template):
    url = reverse("surveys:template", args=[template.pk])
    response = organizer.post(url, {"name": "課後問卷（新版）", "description": "說明", "is_active": "on"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.description, template.anonymous, template.is_active) == (
        "課後問卷（新版）",
        "說明",
        False,
        True,
    )
    refused = organizer.post(url, {"name": "", "is_active": "on"})
    assert refused.status_code == 200
    template.refresh_from_db()
    assert template.name == "課後問卷（新版）"


def test_adding_a_section_by_plain_post_and_by_htmx(organizer, template):
    url = reverse("surveys:section_add", args=[template.pk])
    response = organizer.post(url, {"kind": SectionKind.OVERALL, "title": " 學習成效 "})
    added = _latest(template)[-1]
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:template", args=[template.pk]) + f"#section-{added.key}"
    assert (added.position, added.kind, added.title) == (5, SectionKind.OVERALL, "學習成效")

    partial = organizer.post(url, {"kind": SectionKind.COURSE, "title": "課程設計"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    html = partial.content.decode()
    assert html.startswith('<div id="survey-builder-status" hx-swap-oob="innerHTML">')
    assert "已新增題組「課程設計」。" in html
    assert '<div id="survey-builder" class="survey-builder">' in html
    assert "<html" not in html
    assert [s.title for s in _latest(template)][-2:] == ["學習成效", "課程設計"]


def test_a_section_without_a_title_is_shown_again_with_its_error(organizer, template):
    before = _outline(template)
    page = organizer.post(reverse("surveys:section_add", args=[template.pk]), {"kind": SectionKind.COURSE})
    assert page.status_code == 200
    assert page.context["section_adding"] is True
    assert page.context["section_form"].errors["title"]
    assert _outline(template) == before


def test_editing_moving_and_deleting_a_section(organizer, template):
    course, instructor, venue, overall = _latest(template)
    url = reverse("surveys:section_edit", args=[template.pk, venue.key])
    assert (
        organizer.post(url, {"action": "update", "kind": SectionKind.VENUE, "title": "場地、餐飲與服務"}).status_code
        == 302
    )
    assert organizer.post(url, {"action": "up"}).status_code == 302
    assert [(s.key, s.title) for s in _latest(template)] == [
        (course.key, "課程"),
        (venue.key, "場地、餐飲與服務"),
        (instructor.key, "講座"),
        (overall.key, "整體"),
    ]
    organizer.post(reverse("surveys:section_edit", args=[template.pk, course.key]), {"action": "down"})
    assert [s.key for s in _latest(template)] == [venue.key, course.key, instructor.key, overall.key]
    response = organizer.post(url, {"action": "delete"})
    assert response.status_code == 302
    remaining = _latest(template)
    assert [(s.key, s.position) for s in remaining] == [(course.key, 1), (instructor.key, 2), (overall.key, 3)]
    assert not Question.objects.filter(section__key=venue.key).exists()
    assert TemplateVersion.objects.filter(template=template).count() == 1


def test_an_unknown_section_or_action(organizer, template):
    before = _outline(template)
    gone = organizer.post(reverse("surveys:section_edit", args=[template.pk, "nosuchkey"]), {"action": "delete"})
    assert gone.status_code == 302
    assert _texts(gone) == ["找不到這個題組，可能已被刪除。"]
    key = _latest(template)[0].key
    odd = organizer.post(reverse("surveys:section_edit", args=[template.pk, key]), {"action": "explode"})
    assert odd.status_code == 400
    assert _outline(template) == before


def test_adding_questions_of_every_kind(organizer, template):
    overall = _latest(template)[3]
    url = reverse("surveys:question_add", args=[template.pk])
    response = organizer.post(
        url,
        {
            "section": overall.key,
            "kind": QuestionKind.MULTIPLE,
            "text": "您希望的上課時段",
            "options": "上午\n\n 下午 \n晚上\n",
            "in_index": "on",
        },
    )
    question = Question.objects.filter(section=overall).order_by("position").last()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{question.key}")
    assert (
        question.position,
        question.kind,
        question.text,
        question.required,
        question.options,
        question.in_index,
    ) == (
        4,
        QuestionKind.MULTIPLE,
        "您希望的上課時段",
        False,
        ["上午", "下午", "晚上"],
        False,  # only scale questions count in the index
    )
    organizer.post(
        url,
        {"section": overall.key, "kind": QuestionKind.SCALE, "text": "課程有助於工作", "required": "on"},
    )
    scale = Question.objects.filter(section=overall).order_by("position").last()
    assert (scale.kind, scale.required, scale.options, scale.in_index) == (QuestionKind.SCALE, True, [], False)


def test_a_choice_question_needs_two_options(organizer, template):
    before = _outline(template)
    course = _latest(template)[0]
    page = organizer.post(
        reverse("surveys:question_add", args=[template.pk]),
        {"section": course.key, "kind": QuestionKind.SINGLE, "text": "是否推薦", "options": "是", "required": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "單選或複選題至少須有兩個選項。" in html
    row = next(r for r in page.context["rows"] if r.section.key == course.key)
    assert row.adding is True
    assert _outline(template) == before


def test_editing_moving_and_deleting_a_question(organizer, template):
    venue = _latest(template)[2]
    equipment, meals = venue.questions.all()
    url = reverse("surveys:question_edit", args=[template.pk, meals.key])
    response = organizer.post(
        url,
        {"action": "update", "kind": QuestionKind.SINGLE, "text": "餐點份量是否適當", "options": "偏少\n適中\n偏多"},
    )
    assert response.status_code == 302
    meals.refresh_from_db()
    assert (meals.text, meals.required, meals.options) == ("餐點份量是否適當", False, ["偏少", "適中", "偏多"])
    organizer.post(url, {"action": "up"})
    assert list(Question.objects.filter(section=venue).order_by("position").values_list("key", flat=True)) == [
        meals.key,
        equipment.key,
    ]
    organizer.post(url, {"action": "delete"})
    assert list(Question.objects.filter(section=venue).values_list("key", "position")) == [(equipment.key, 1)]


def test_an_invalid_question_edit_is_shown_again(organizer, template):
    before = _outline(template)
    key = _latest(template)[0].questions.all()[0].key
    page = organizer.post(
        reverse("surveys:question_edit", args=[template.pk, key]), {"action": "update", "kind": "essay", "text": ""}
    )
    assert page.status_code == 200
    row = next(q for r in page.context["rows"] for q in r.questions if q.question.key == key)
    assert row.open is True
    assert set(row.form.errors) == {"kind", "text"}
    assert _outline(template) == before


# --- versions ----------------------------------------------------------------------------------------


def test_editing_after_an_answer_makes_version_2_and_the_answer_keeps_version_1(organizer, survey, template):
    invitation = Invitation.objects.filter(survey=survey).first()
    # Anonymous: the answer waits in the survey's pool — it counts as an answer to version 1 all the same.
    assert services.response_submit(invitation=invitation, data=full_answers(survey), actor=None) is None
    v1 = selectors.latest_version(template)

    page = organizer.get(reverse("surveys:template", args=[template.pk])).content.decode()
    assert "第 1 版已有人填答。" in page
    assert "接下來的任何修改都會另存為第 2 版；已收到的填答仍屬於第 1 版" in page

    course = _latest(template)[0]
    question = course.questions.all()[0]
    edited = organizer.post(
        reverse("surveys:question_edit", args=[template.pk, question.key]),
        {
            "action": "update",
            "kind": QuestionKind.SCALE,
            "text": "課程內容切合業務",
            "required": "on",
            "in_index": "on",
        },
    )
    assert edited.status_code == 302
    assert _texts(edited) == [
        "已儲存題目。",
        "第 1 版已有人填答，這次修改另存為第 2 版；已收到的填答仍屬於第 1 版。",
    ]
    assert list(template.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    services.pool_flush(survey=survey, last=True)
    response = Response.objects.get()
    answers = set(Answer.objects.filter(response=response).values_list("question_id", flat=True))
    survey.refresh_from_db()
    assert response.version_id == v1.pk
    assert survey.version_id == v1.pk  # answered: stays on the version it asked
    question.refresh_from_db()
    assert question.text == "課程內容符合我的工作需要"  # version 1 unchanged
    v2 = selectors.latest_version(template)
    assert Question.objects.get(section__version=v2, key=question.key).text == "課程內容切合業務"
    assert set(Answer.objects.filter(response=response).values_list("question_id", flat=True)) == answers
    assert all(qid in set(Question.objects.filter(section__version=v1).values_list("pk", flat=True)) for qid in answers)

    # A second edit goes to version 2 (nobody has answered it): no version 3.
    organizer.post(reverse("surveys:section_edit", args=[template.pk, course.key]), {"action": "down"})
    assert template.versions.count() == 2
    assert "已有人填答。" not in organizer.get(reverse("surveys:template", args=[template.pk])).content.decode()


# --- permissions -------------------------------------------------------------------------------------


def test_an_organizer_of_another_body_gets_403_and_nothing_changes(client, other_organizer, template, ended_class):
    client.force_login(other_organizer)
    section = _latest(template)[0]
    question = section.questions.all()[0]
    before = (_outline(template), list(SurveyTemplate.objects.values_list()), list(Survey.objects.values_list()))
    posts = [
        (reverse("surveys:template", args=[template.pk]), {"name": "改名", "is_active": "on"}),
        (reverse("surveys:section_add", args=[template.pk]), {"kind": "course", "title": "越權"}),
        (reverse("surveys:section_edit", args=[template.pk, section.key]), {"action": "delete"}),
        (reverse("surveys:question_add", args=[template.pk]), {"section": section.key, "kind": "text", "text": "x"}),
        (reverse("surveys:question_edit", args=[template.pk, question.key]), {"action": "delete"}),
        (reverse("surveys:class_setup", args=[ended_class.pk]), {"action": "attach", "template": template.pk}),
        (
            reverse("surveys:class_setup", args=[ended_class.pk]),
            {"action": "reflection", "min_chars": "100", "due_on": "200/01/01"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("surveys:template", args=[template.pk])).status_code == 403
    assert client.get(reverse("surveys:class_setup", args=[ended_class.pk])).status_code == 403
    assert (
        _outline(template),
        list(SurveyTemplate.objects.values_list()),
        list(Survey.objects.values_list()),
    ) == before
    assert not ReflectionAssignment.objects.exists()
    # …and their own list does not show the other body's template.
    assert not client.get(reverse("surveys:templates")).context["templates"].exists()


def test_a_learner_cannot_open_the_builder(client, learner, template):
    client.force_login(learner)
    assert client.get(reverse("surveys:templates")).status_code == 403
    assert client.get(reverse("surveys:template", args=[template.pk])).status_code == 403


# --- defaults ----------------------------------------------------------------------------------------


def test_defaults_for_a_body_and_a_track_are_set_and_cleared(organizer, packs, body, template):
    Course.objects.create(organizer=body, title="自訂類別課程", track="自訂類別")
    page = organizer.get(reverse("surveys:defaults"))
    assert page.status_code == 200
    (listed,) = page.context["bodies"]
    assert listed.body == body
    tracks = [row.track for row in listed.rows]
    assert tracks[0] == ""
    assert "leadership" in tracks  # from the Hsinchu pack's categories
    assert tracks[-1] == "自訂類別"  # a course's track not in the pack
    names = {row.track: row.name for row in listed.rows}
    assert names["leadership"] == "領導管理培力"

    url = reverse("surveys:defaults")
    assert organizer.post(url, {"body": body.pk, "track": "", "template": template.pk}).status_code == 302
    organizer.post(url, {"body": body.pk, "track": "leadership", "template": template.pk})
    assert set(TemplateDefault.objects.values_list("organizer_id", "track", "template_id")) == {
        (body.pk, "", template.pk),
        (body.pk, "leadership", template.pk),
    }
    html = organizer.get(url).content.decode()
    assert "取消預設" in html

    cleared = organizer.post(url, {"body": body.pk, "track": "leadership", "template": template.pk, "action": "clear"})
    assert cleared.status_code == 302
    assert _texts(cleared) == ["已取消「新竹市人力發展所」領導管理培力的預設問卷。"]
    assert list(TemplateDefault.objects.values_list("track", flat=True)) == [""]
    organizer.post(url, {"body": body.pk, "track": "", "template": ""})
    assert not TemplateDefault.objects.exists()


def test_defaults_refuse_an_unknown_track_and_an_inactive_template(organizer, packs, body, template, organizer_user):
    url = reverse("surveys:defaults")
    refused = organizer.post(url, {"body": body.pk, "track": "不存在", "template": template.pk})
    assert _texts(refused) == ["這個類別不在本機關的訓練類別中。"]
    services.template_update(
        template=template, name=template.name, description="", anonymous=True, is_active=False, actor=organizer_user
    )
    refused = organizer.post(url, {"body": body.pk, "track": "", "template": template.pk})
    assert _texts(refused) == ["停用的問卷範本不能設為預設問卷。"]
    assert not TemplateDefault.objects.exists()


def test_defaults_of_another_body_are_refused(client, other_organizer, other_body, body, template):
    client.force_login(other_organizer)
    url = reverse("surveys:defaults")
    assert [b.body for b in client.get(url).context["bodies"]] == [other_body]
    assert client.post(url, {"body": body.pk, "track": "", "template": template.pk}).status_code == 403
    # Their own body, but the other body's template.
    assert client.post(url, {"body": other_body.pk, "track": "", "template": template.pk}).status_code == 403
    assert not TemplateDefault.objects.exists()


# --- a class's survey --------------------------------------------------------------------------------


def test_the_class_setup_page(organizer, ended_class, template, organizer_user):
    services.template_default_set(organizer=ended_class.course.organizer, track="", template=template, actor=None)
    page = organizer.get(reverse("surveys:class_setup", args=[ended_class.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "本班期尚未指定問卷。" in html
    assert "班期結束時，系統會自動套用預設問卷「標準課後問卷」。" in html
    assert "林講座、陳講座" in html
    assert page.context["window"].opens_at is not None
    assert "本班期目前不要求心得寫作" in html
    assert reverse("catalog:class_setup", args=[ended_class.pk]) in html


def test_the_class_setup_page_costs_few_queries(organizer, survey):
    url = reverse("surveys:class_setup", args=[survey.course_class_id])
    organizer.get(url)
    with CaptureQueriesContext(connection) as queries:
        organizer.get(url)
    assert len(queries) <= 20


def test_attaching_changing_and_detaching_a_survey(organizer, ended_class, template, body, organizer_user):
    other = services.template_create(
        organizer=body,
        name="簡式問卷",
        anonymous=True,
        sections=(SectionSpec(SectionKind.OVERALL, "整體", (QuestionSpec(QuestionKind.SCALE, "整體滿意度"),)),),
        actor=organizer_user,
    )
    url = reverse("surveys:class_setup", args=[ended_class.pk])
    response = organizer.post(url, {"action": "attach", "template": template.pk, "anonymous": "0"})
    assert response.status_code == 302
    survey = Survey.objects.get(course_class=ended_class)
    assert (survey.version.template_id, survey.version.number, survey.anonymous, survey.invited_at) == (
        template.pk,
        1,
        False,
        None,
    )
    organizer.post(url, {"action": "attach", "template": other.pk, "anonymous": ""})
    survey.refresh_from_db()
    assert (survey.version.template_id, survey.anonymous) == (other.pk, True)  # the template's setting

    page = organizer.get(url).content.decode()
    assert "簡式問卷" in page
    assert "取消本班期的問卷" in page
    response = organizer.post(url, {"action": "detach"})
    assert response.status_code == 302
    assert _texts(response) == ["已取消本班期的問卷。"]
    assert not Survey.objects.exists()


def test_an_empty_or_foreign_template_is_refused(organizer, ended_class, body, other_body, organizer_user):
    empty = services.template_create(organizer=body, name="空白", actor=organizer_user)
    foreign = services.template_create(
        organizer=other_body,
        name="別機關問卷",
        sections=(SectionSpec(SectionKind.OVERALL, "整體", (QuestionSpec(QuestionKind.SCALE, "整體滿意度"),)),),
        actor=None,
    )
    url = reverse("surveys:class_setup", args=[ended_class.pk])
    page = organizer.post(url, {"action": "attach", "template": empty.pk})
    assert page.status_code == 200
    assert "「空白」還沒有題目。" in page.content.decode()
    page = organizer.post(url, {"action": "attach", "template": foreign.pk})
    assert page.status_code == 200
    assert page.context["survey_form"].errors["template"]
    assert not Survey.objects.exists()


def test_once_opened_the_survey_cannot_be_changed_or_detached(organizer, survey, body, organizer_user):
    other = services.template_create(
        organizer=body,
        name="簡式問卷",
        sections=(SectionSpec(SectionKind.OVERALL, "整體", (QuestionSpec(QuestionKind.SCALE, "整體滿意度"),)),),
        actor=organizer_user,
    )
    url = reverse("surveys:class_setup", args=[survey.course_class_id])
    page = organizer.get(url)
    html = page.content.decode()
    assert "問卷已開放填答，不能更換範本、匿名設定或取消問卷。" in html
    assert "0 / 3" in html  # answered / asked
    before = list(Survey.objects.values_list())
    refused = organizer.post(url, {"action": "attach", "template": other.pk, "anonymous": "0"})
    assert refused.status_code == 200
    assert "問卷已開放填答，不能更換範本或匿名設定。" in refused.content.decode()
    detach = organizer.post(url, {"action": "detach"})
    assert _texts(detach) == ["問卷已開放填答，不能取消。"]
    assert list(Survey.objects.values_list()) == before
    assert reverse("surveys:class_results", args=[survey.course_class_id]) in html


def test_the_reflection_requirement_is_saved(organizer, ended_class):
    url = reverse("surveys:class_setup", args=[ended_class.pk])
    due = roc.format_short(date(ended_class.end_date.year, 12, 31))
    response = organizer.post(
        url, {"action": "reflection", "prompt": " 請寫下應用於工作的做法 ", "min_chars": "300", "due_on": due}
    )
    assert response.status_code == 302
    assignment = ReflectionAssignment.objects.get(course_class=ended_class)
    assert (assignment.prompt, assignment.min_chars, assignment.due_on) == (
        "請寫下應用於工作的做法",
        300,
        date(ended_class.end_date.year, 12, 31),
    )
    html = organizer.get(url).content.decode()
    assert "至少 300 字" in html
    assert reverse("surveys:reflections", args=[ended_class.pk]) in html

    refused = organizer.post(url, {"action": "reflection", "prompt": "", "min_chars": "0", "due_on": "115/02/30"})
    assert refused.status_code == 200
    assert set(refused.context["reflection_form"].errors) == {"min_chars", "due_on"}
    too_early = organizer.post(url, {"action": "reflection", "min_chars": "100", "due_on": "100/01/01"})
    assert "繳交期限不可早於班期結束日" in too_early.content.decode()
    assignment.refresh_from_db()
    assert (assignment.min_chars, assignment.prompt) == (300, "請寫下應用於工作的做法")


def test_the_catalog_class_page_links_to_the_survey_setup(organizer, ended_class):
    page = organizer.get(reverse("catalog:class_setup", args=[ended_class.pk])).content.decode()
    assert reverse("surveys:class_setup", args=[ended_class.pk]) in page
    assert "問卷與心得" in page
