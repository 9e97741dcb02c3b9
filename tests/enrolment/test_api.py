"""The registration API: stable codes, in the OpenAPI document."""

from __future__ import annotations

import json

import pytest

from peili.enrolment.enums import RegistrationStatus as S
from peili.enrolment.models import Registration
from tests.enrolment.conftest import make_class

pytestmark = pytest.mark.django_db


def post(client, path, body=None):
    return client.post(f"/api/v1/registrations{path}", body or {}, content_type="application/json")


def test_register_cancel_and_mine(client, course_class, staff):
    client.force_login(staff[0].user)
    response = post(client, "", {"class_id": course_class.pk, "meal": "meat", "deputy_name": "代理人"})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["status_label"], body["warnings"]) == ("confirmed", "已錄取", [])
    assert [r["id"] for r in client.get("/api/v1/registrations/mine").json()] == [body["id"]]
    again = post(client, "", {"class_id": course_class.pk, "meal": "meat", "deputy_name": "代理人"})
    assert (again.status_code, again.json()["code"]) == (400, "registration.duplicate")
    cancelled = post(client, f"/{body['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"


def test_not_eligible_carries_the_reasons(client, packs, body, staff):
    course_class = make_class(body, grade_min=10)
    client.force_login(staff[0].user)
    response = post(client, "", {"class_id": course_class.pk, "deputy_name": "代理人"})
    assert response.status_code == 400
    assert response.json()["code"] == "registration.not_eligible"
    assert response.json()["details"]["reasons"][0]["code"] == "eligibility.grade"


def test_consent_nominate_substitute_roster(client, packs, body, staff, boss, personnel, organizer_user):
    course_class = make_class(body, needs_supervisor_consent=True)
    client.force_login(staff[0].user)
    rid = post(client, "", {"class_id": course_class.pk, "deputy_name": "代理人"}).json()["id"]
    client.force_login(boss.user)
    assert post(client, f"/{rid}/consent", {"note": "同意"}).json()["status"] == "confirmed"
    client.force_login(personnel)
    results = post(client, "/nominate", {"class_id": course_class.pk, "person_ids": [staff[1].pk, staff[0].pk, 999999]})
    assert [(r["ok"], r["code"]) for r in results.json()] == [
        (True, None),
        (False, "registration.duplicate"),
        (False, "registration.person_not_found"),
    ]
    refused = post(client, f"/{rid}/substitute", {"person_id": staff[2].pk})
    assert (refused.status_code, refused.json()["code"]) == (400, "registration.deputy_required")
    swapped = post(client, f"/{rid}/substitute", {"person_id": staff[2].pk, "deputy_person_id": staff[3].pk}).json()
    assert (swapped["person_id"], swapped["status"], swapped["substitute_of"]) == (staff[2].pk, "confirmed", rid)
    assert (swapped["source"], swapped["source_label"], swapped["deputy"]) == (
        "substitute",
        f"遞補（{staff[0].name}）",
        staff[3].name,
    )
    client.force_login(organizer_user)
    roster = client.get(f"/api/v1/registrations/classes/{course_class.pk}/roster").json()
    assert (roster["confirmed_count"], roster["meals"]["none"]) == (2, 2)
    assert sorted(r["status"] for r in roster["registrations"]) == ["confirmed", "confirmed", "substituted"]
    assert sorted(r["source"] for r in roster["registrations"]) == ["nominated", "self", "substitute"]


def test_a_substitutes_deputy_must_be_a_colleague(client, course_class, staff, personnel, tree):
    from tests.factories import PersonFactory

    client.force_login(staff[0].user)
    rid = post(client, "", {"class_id": course_class.pk, "deputy_name": "代理人"}).json()["id"]
    client.force_login(personnel)
    outsider = PersonFactory(agency=tree["a"])
    response = post(client, f"/{rid}/substitute", {"person_id": staff[2].pk, "deputy_person_id": outsider.pk})
    assert (response.status_code, response.json()["code"]) == (404, "registration.deputy_not_found")
    assert Registration.objects.get(pk=rid).status == S.CONFIRMED
    named = post(client, f"/{rid}/substitute", {"person_id": staff[2].pk, "deputy_name": "  林代理  "}).json()
    assert (named["source"], named["deputy"]) == ("substitute", "林代理")


def test_a_bare_string_is_not_a_decline_and_changes_nothing(client, packs, body, staff, boss):
    course_class = make_class(body, needs_supervisor_consent=True)
    client.force_login(staff[0].user)
    created = client.post(
        "/api/v1/registrations",
        json.dumps({"class_id": course_class.pk, "deputy_name": "代理人"}),
        content_type="application/json",
    )
    registration_id = created.json()["id"]
    client.force_login(boss.user)
    # A bare JSON string, a list and an unknown field were all taken as "no note" and declined.
    for raw in ['"不同意"', "[]", '{"note": "不同意", "reason": "x"}']:
        response = client.post(f"/api/v1/registrations/{registration_id}/decline", raw, content_type="application/json")
        assert (response.status_code, response.json()["code"]) == (422, "request.invalid"), raw
    assert Registration.objects.get(pk=registration_id).status == S.PENDING_CONSENT
    declined = client.post(
        f"/api/v1/registrations/{registration_id}/decline", {"note": "不同意"}, content_type="application/json"
    )
    assert declined.json()["status"] == "declined"


def test_others_registrations_are_not_found(client, course_class, staff):
    client.force_login(staff[0].user)
    rid = post(client, "", {"class_id": course_class.pk, "deputy_name": "代理人"}).json()["id"]
    client.force_login(staff[1].user)
    response = post(client, f"/{rid}/cancel")
    assert (response.status_code, response.json()["code"]) == (404, "registration.not_found")
    assert Registration.objects.get(pk=rid).status == S.CONFIRMED


def test_operations_are_in_openapi(client, admin_user):
    client.force_login(admin_user)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/registrations",
        "/api/v1/registrations/mine",
        "/api/v1/registrations/{registration_id}/cancel",
        "/api/v1/registrations/{registration_id}/consent",
        "/api/v1/registrations/{registration_id}/decline",
        "/api/v1/registrations/nominate",
        "/api/v1/registrations/{registration_id}/substitute",
        "/api/v1/registrations/classes/{class_id}/roster",
    ]:
        assert path in paths


@pytest.mark.parametrize(
    ("deputy", "message"),
    [
        ("=cmd|' /C calc'!A0", "職務代理人姓名不能以「=」開頭：試算表會把它當成公式。"),
        ("代理\n人", "職務代理人姓名含有不可使用的字元 U+000A：控制字元（例如換行、定位字元）。"),
        ("代理人🙂", "職務代理人姓名含有不可使用的字元 「🙂」（U+1F642）：表情符號或其他符號。"),
    ],
)
def test_a_deputy_name_no_name_has_is_refused_with_a_code(client, course_class, staff, deputy, message):
    client.force_login(staff[0].user)
    response = post(client, "", {"class_id": course_class.pk, "meal": "meat", "deputy_name": deputy})
    assert response.status_code == 400
    assert response.json() == {"code": "registration.deputy_name_invalid", "message": message}
    assert not Registration.objects.exists()
