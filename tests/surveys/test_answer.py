"""The learner's pages: their open surveys, and answering — submit, keep unfinished, come back,
and an invalid submission shown again with what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peili.surveys import selectors
from peili.surveys.models import Invitation, PendingResponse, Response
from tests.surveys.conftest import full_answers

pytestmark = pytest.mark.django_db


def _client(client, person):
    client.force_login(person.user)
    return client


def test_the_learners_list_shows_open_surveys(client, survey, attendees):
    page = _client(client, attendees[0]).get(reverse("surveys:mine"))
    assert page.status_code == 200
    assert "公務倫理 第1期" in page.content.decode()
    assert reverse("surveys:answer", args=[survey.pk]) in page.content.decode()


def test_the_form_shows_every_block_with_instructors_repeated(client, survey, attendees):
    page = _client(client, attendees[0]).get(reverse("surveys:answer", args=[survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<legend>講座：") == 2
    assert "講座：林講座" in html
    assert "講座：陳講座" in html
    assert html.count('type="radio"') == 6 * 5 + 3  # six scale questions (two per instructor) and one single choice
    assert html.count('type="checkbox"') == 4
    assert "本問卷採匿名" in html


def test_submitting_stores_the_answer_and_thanks(client, survey, attendees):
    data = {**full_answers(survey), "action": "submit"}
    response = _client(client, attendees[0]).post(reverse("surveys:answer", args=[survey.pk]), data)
    assert response.status_code == 302
    assert response.url == reverse("surveys:mine")
    # Anonymous: the answer waits, sealed, for a batch of others; the person is marked at once.
    assert Response.objects.filter(survey=survey).count() == 0
    assert PendingResponse.objects.filter(survey=survey).count() == 1
    assert Invitation.objects.get(survey=survey, person=attendees[0]).responded_at is not None
    mine = client.get(reverse("surveys:mine")).content.decode()
    assert "為保護匿名，您的答案會與其他人的答案一起、以打散的順序計入統計。" in mine
    again = client.get(reverse("surveys:answer", args=[survey.pk]))
    assert "每人限填一次" in again.content.decode()


def test_an_invalid_submission_keeps_what_was_typed(client, survey, attendees):
    data = full_answers(survey)
    missing = next(name for name, value in data.items() if value == ["5"])
    del data[missing]
    text_field = next(name for name, value in data.items() if value == ["很好"])
    data[text_field] = ["講得很清楚，但冷氣太冷"]
    response = _client(client, attendees[0]).post(
        reverse("surveys:answer", args=[survey.pk]), {**data, "action": "submit"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "有 1 題未填或填答有誤" in html
    assert "此題必答。" in html
    assert f'id="{missing}-error"' in html
    assert "講得很清楚，但冷氣太冷" in html
    assert not Response.objects.exists()


def test_an_unfinished_answer_is_kept_and_shown_again(client, survey, attendees):
    data = dict(list(full_answers(survey).items())[:2])
    _client(client, attendees[0]).post(reverse("surveys:answer", args=[survey.pk]), {**data, "action": "save"})
    invitation = Invitation.objects.get(survey=survey, person=attendees[0])
    assert selectors.draft_values(invitation) == data
    assert set(invitation.draft) == {"sealed"}  # an anonymous survey's draft is sealed
    assert invitation.responded_at is None
    html = client.get(reverse("surveys:answer", args=[survey.pk])).content.decode()
    assert html.count("checked") == 2
    assert "已暫存" in html
    mine = client.get(reverse("surveys:mine")).content.decode()
    assert "已暫存，可繼續填寫" in mine


def test_htmx_autosave_answers_with_the_time(client, survey, attendees):
    data = dict(list(full_answers(survey).items())[:1])
    response = _client(client, attendees[0]).post(
        reverse("surveys:answer", args=[survey.pk]), {**data, "action": "save"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().startswith("已暫存（")


def test_someone_not_asked_gets_404_and_nothing_changes(client, survey, tree):
    from tests.factories import PersonFactory, UserFactory

    outsider = PersonFactory(agency=tree["b"], user=UserFactory(username="outsider"))
    page = _client(client, outsider).get(reverse("surveys:answer", args=[survey.pk]))
    assert page.status_code == 404
    post = client.post(reverse("surveys:answer", args=[survey.pk]), {**full_answers(survey), "action": "submit"})
    assert post.status_code == 404
    assert not Response.objects.exists()


def test_the_absent_learner_is_not_asked(client, survey):
    from peili.org.models import Person

    absent = Person.objects.get(name="缺席者")
    assert _client(client, absent).get(reverse("surveys:answer", args=[survey.pk])).status_code == 404


def test_the_home_page_prompts_the_learner(client, survey, attendees):
    html = _client(client, attendees[0]).get(reverse("reports:home")).content.decode()
    assert "待填課後問卷" in html
