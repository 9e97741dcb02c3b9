"""The registration pages through the Django test client."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from peili.enrolment import services
from peili.enrolment.enums import RegistrationStatus as S
from peili.enrolment.models import Registration
from peili.enrolment.notifications import consent_token
from tests.enrolment.conftest import make_class

pytestmark = pytest.mark.django_db


def test_register_in_two_clicks(client, course_class, staff):
    client.force_login(staff[0].user)
    url = reverse("enrolment:register", kwargs={"class_id": course_class.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "確認報名" in page.content.decode()
    response = client.post(url, {"meal": "vegetarian", "deputy": staff[1].pk})
    assert response.status_code == 302
    registration = Registration.objects.get(person=staff[0])
    assert (registration.status, registration.meal, registration.deputy) == (S.CONFIRMED, "vegetarian", staff[1])
    mine = client.get(reverse("enrolment:mine")).content.decode()
    assert "報名成功" in mine
    assert "已錄取" in mine


def test_register_refusal_is_shown_and_changes_nothing(client, course_class, staff):
    client.force_login(staff[0].user)
    url = reverse("enrolment:register", kwargs={"class_id": course_class.pk})
    response = client.post(url, {"meal": "meat"}, follow=True)
    assert "報名本班期須事先遴妥職務代理人" in response.content.decode()
    assert not Registration.objects.exists()


def test_ineligible_person_sees_why(client, packs, body, staff):
    course_class = make_class(body, grade_min=10)
    client.force_login(staff[0].user)
    body_text = client.get(reverse("enrolment:register", kwargs={"class_id": course_class.pk})).content.decode()
    assert "您的官等職等不符本班期資格：限簡任第10職等以上。" in body_text
    assert "確認報名" not in body_text


def test_cancel_from_my_registrations(client, course_class, staff):
    registration = services.registration_create(
        person=staff[0], course_class=course_class, meal="meat", deputy_name="代理", actor=None
    ).registration
    client.force_login(staff[0].user)
    response = client.post(reverse("enrolment:cancel", kwargs={"pk": registration.pk}), follow=True)
    assert "已取消" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED


def test_someone_elses_registration_cannot_be_cancelled(client, course_class, staff):
    registration = services.registration_create(
        person=staff[0], course_class=course_class, meal="meat", deputy_name="代理", actor=None
    ).registration
    client.force_login(staff[1].user)
    client.post(reverse("enrolment:cancel", kwargs={"pk": registration.pk}))
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_supervisor_consents_from_the_list(client, packs, body, staff, boss):
    course_class = make_class(body, needs_supervisor_consent=True)
    registration = services.registration_create(
        person=staff[0], course_class=course_class, meal="meat", deputy_name="代理", actor=None
    ).registration
    client.force_login(boss.user)
    assert staff[0].name in client.get(reverse("enrolment:consents")).content.decode()
    client.post(reverse("enrolment:decide", kwargs={"pk": registration.pk}), {"decision": "consent"})
    registration.refresh_from_db()
    assert (registration.status, registration.consent_by) == (S.CONFIRMED, boss.user)


def test_consent_link_needs_a_post(client, packs, body, staff, boss):
    course_class = make_class(body, needs_supervisor_consent=True)
    registration = services.registration_create(
        person=staff[0], course_class=course_class, meal="meat", deputy_name="代理", actor=None
    ).registration
    url = reverse("enrolment:consent_link", kwargs={"token": consent_token(registration.pk, boss.user.pk)})
    page = client.get(url)  # a link prefetcher
    assert page.status_code == 200
    registration.refresh_from_db()
    assert registration.status == S.PENDING_CONSENT
    client.post(url, {"decision": "decline"})
    registration.refresh_from_db()
    assert (registration.status, registration.consent_by) == (S.DECLINED, boss.user)
    forged = client.get(url[:-3] + "xx/")
    assert "此連結無效或已過期" in forged.content.decode()


def test_nominate_page_shows_hours_and_nominates(client, course_class, staff, personnel):
    from peili.enrolment.selectors import class_year
    from peili.records.models import YearStanding

    year = class_year(course_class)
    YearStanding.objects.create(person=staff[0], year=year, total=Decimal("7.5"), missing=0, meets=False, records=2)
    client.force_login(personnel)
    url = reverse("enrolment:nominate") + f"?course_class={course_class.pk}"
    page = client.get(url).content.decode()
    assert staff[0].name in page
    assert "本年度時數" in page
    # The hours come from the ledger: 7.5 certified this year, the others none (listed first).
    assert "7.5" in page
    assert page.index(staff[1].name) < page.index(staff[0].name)
    client.post(url, {"person": [staff[0].pk, staff[1].pk]})
    assert Registration.objects.filter(source="nominated").count() == 2


def test_roster_export_and_sign_in(client, course_class, staff, organizer_user):
    for p in staff[:2]:
        services.registration_create(
            person=p, course_class=course_class, meal="vegetarian", deputy_name="代", actor=None
        )
    client.force_login(organizer_user)
    page = client.get(reverse("enrolment:roster", kwargs={"class_id": course_class.pk})).content.decode()
    assert "素食：2" in page
    xlsx = client.get(reverse("enrolment:roster_xlsx", kwargs={"class_id": course_class.pk}))
    sheet = load_workbook(__import__("io").BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][1:3] == ["已錄取", staff[0].name]
    sign_in = client.get(reverse("enrolment:signin_sheet", kwargs={"class_id": course_class.pk})).content.decode()
    assert staff[1].name in sign_in
    assert "style=" not in sign_in


def test_a_substitute_names_a_deputy_and_shows_as_a_substitute(client, course_class, staff, personnel, organizer_user):
    original = services.registration_create(
        person=staff[0], course_class=course_class, meal="meat", deputy_name="代", actor=None
    ).registration
    client.force_login(personnel)
    url = reverse("enrolment:substitute", kwargs={"pk": original.pk})
    page = client.get(url).content.decode()
    assert "職務代理人（必填）" in page
    refused = client.post(url, {"substitute": staff[7].pk})
    assert "報名本班期須事先遴妥職務代理人，請填寫職務代理人。" in refused.content.decode()
    assert Registration.objects.get(pk=original.pk).status == S.CONFIRMED
    done = client.post(url, {"substitute": staff[7].pk, "deputy": staff[6].pk})
    assert done.status_code == 302
    replacement = Registration.objects.get(person=staff[7])
    assert (replacement.source, replacement.substitute_of_id, replacement.deputy_id) == (
        "substitute",
        original.pk,
        staff[6].pk,
    )
    client.force_login(organizer_user)
    roster = client.get(reverse("enrolment:roster", kwargs={"class_id": course_class.pk})).content.decode()
    assert f'{staff[7].name} <span class="badge">遞補 {staff[0].name}</span>' in roster
    xlsx = client.get(reverse("enrolment:roster_xlsx", kwargs={"class_id": course_class.pk}))
    assert xlsx.status_code == 200, xlsx.content[:300]
    sheet = load_workbook(__import__("io").BytesIO(xlsx.content)).active
    rows = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[staff[7].name][1] == "已錄取"
    assert rows[staff[7].name][7:9] == (staff[6].name, f"遞補（{staff[0].name}）")
    assert rows[staff[0].name][1] == "已由他人遞補"
    client.force_login(staff[7].user)
    mine = client.get(reverse("enrolment:mine")).content.decode()
    assert f'<span class="badge">遞補 {staff[0].name}</span>' in mine


@pytest.mark.parametrize("rows", [1, 3])
def test_roster_query_count_does_not_grow(client, course_class, staff, organizer_user, rows):
    for p in staff[:rows]:
        services.registration_create(person=p, course_class=course_class, meal="meat", deputy_name="代", actor=None)
    client.force_login(organizer_user)
    url = reverse("enrolment:roster", kwargs={"class_id": course_class.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) <= 14


# --- the catalog and the class page say where registration stands ----------------------------------


def _register(person, course_class):
    return services.registration_create(
        person=person, course_class=course_class, actor=person.user, meal="meat", deputy_name="代理人"
    )


def test_the_catalog_and_the_class_page_show_a_closed_window_not_a_register_button(client, packs, body, staff):
    from django.utils import timezone

    closed = make_class(
        body,
        title="已截止的班期",
        registration_opens_at=timezone.now() - timezone.timedelta(days=9),
        registration_closes_at=timezone.now() - timezone.timedelta(minutes=1),
    )
    later = make_class(
        body,
        title="尚未開放的班期",
        registration_opens_at=timezone.now() + timezone.timedelta(days=2),
        registration_closes_at=timezone.now() + timezone.timedelta(days=9),
    )
    client.force_login(staff[0].user)
    page = client.get(reverse("catalog:browse")).content.decode()
    rows = {title: page.split(title, 1)[1].split("</tr>", 1)[0] for title in ("已截止的班期", "尚未開放的班期")}
    assert "截止報名" in rows["已截止的班期"]
    assert "起開放報名" in rows["尚未開放的班期"]
    for row in rows.values():
        assert "符合資格" not in row
        assert "/register/" not in row
    detail = client.get(reverse("catalog:class_detail", args=[closed.pk])).content.decode()
    assert "截止報名" in detail
    assert reverse("enrolment:register", args=[closed.pk]) not in detail
    detail = client.get(reverse("catalog:class_detail", args=[later.pk])).content.decode()
    assert "起開放報名" in detail
    assert "您符合本班期的報名資格。" in detail  # eligible: it will open for them
    assert reverse("enrolment:register", args=[later.pk]) not in detail


def test_the_catalog_and_the_class_page_show_my_registration_and_my_place_in_line(client, packs, body, staff):
    course_class = make_class(body, title="熱門班期", capacity=1, waitlist_size=3)
    _register(staff[0], course_class)
    _register(staff[1], course_class)
    _register(staff[2], course_class)
    for person, label in ((staff[0], "已錄取"), (staff[2], "候補第 2 位")):
        client.force_login(person.user)
        page = client.get(reverse("catalog:browse")).content.decode()
        row = page.split("熱門班期", 1)[1].split("</tr>", 1)[0]
        assert label in row
        assert "符合資格" not in row
        detail = client.get(reverse("catalog:class_detail", args=[course_class.pk])).content.decode()
        assert label in detail
        assert reverse("enrolment:register", args=[course_class.pk]) not in detail
    client.force_login(staff[3].user)  # not registered: may register
    detail = client.get(reverse("catalog:class_detail", args=[course_class.pk])).content.decode()
    assert reverse("enrolment:register", args=[course_class.pk]) in detail


def test_awaiting_consent_is_shown_as_registered(client, packs, body, staff, boss):
    course_class = make_class(body, title="須主管同意", needs_supervisor_consent=True)
    _register(staff[4], course_class)
    client.force_login(staff[4].user)
    page = client.get(reverse("catalog:browse")).content.decode()
    assert "已報名（待主管同意）" in page.split("須主管同意", 1)[1].split("</tr>", 1)[0]


def test_the_api_says_where_registration_stands_for_the_caller(client, packs, body, staff):
    from django.utils import timezone

    course_class = make_class(body, title="API 班期", capacity=1, waitlist_size=3)
    closed = make_class(
        body,
        title="API 已截止",
        registration_opens_at=timezone.now() - timezone.timedelta(days=9),
        registration_closes_at=timezone.now() - timezone.timedelta(minutes=1),
    )
    _register(staff[0], course_class)
    _register(staff[1], course_class)
    client.force_login(staff[1].user)
    items = {item["course_title"]: item for item in client.get("/api/v1/classes").json()["items"]}
    mine = items["API 班期"]["registration"]
    assert (mine["window"], mine["can_register"], mine["status"], mine["waitlist_position"]) == (
        "open",
        False,
        "waitlisted",
        1,
    )
    assert mine["status_label"] == "候補第 1 位"
    shut = items["API 已截止"]["registration"]
    assert (shut["window"], shut["can_register"], shut["status"]) == ("closed", False, None)
    assert shut["message"].startswith("已於 ")
    detail = client.get(f"/api/v1/classes/{closed.pk}").json()["registration"]
    assert detail == shut
    client.force_login(staff[2].user)
    assert client.get(f"/api/v1/classes/{course_class.pk}").json()["registration"]["can_register"] is True


def test_the_register_form_refuses_a_deputy_name_with_a_right_to_left_override(client, course_class, staff):
    client.force_login(staff[0].user)
    url = reverse("enrolment:register", kwargs={"class_id": course_class.pk})
    response = client.post(url, {"meal": "meat", "deputy_name": "代理\u202e人"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "職務代理人姓名含有不可使用的字元 U+202E：看不見的格式字元（例如文字方向控制、零寬字元）。" in page
    assert not Registration.objects.exists()
