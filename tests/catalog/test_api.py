import pytest

from peili.catalog import services
from peili.policy.services import presets_load
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def junior(tree):
    user = UserFactory()
    PersonFactory(user=user, agency=tree["b"], category="junior", grade=5)
    return user


def test_class_list_eligible_first_with_reasons_and_filters(client, make_class, junior):
    make_class(title="薦任研習", grade_min=6)
    make_class(title="全員研習", days=60)
    client.force_login(junior)
    body = client.get("/api/v1/classes").json()
    assert body["count"] == 2
    first, second = body["items"]
    assert (first["course_title"], first["eligibility"]) == ("全員研習", {"eligible": True, "reasons": []})
    assert second["eligibility"]["reasons"] == [
        {"code": "eligibility.grade", "message": "您的官等職等不符本班期資格：限薦任第6職等以上。"}
    ]
    assert first["seats_left"] == 40
    assert [c["category"] for c in first["categories"]] == [
        "information_security_general",
        "information_security_specialist",
    ]
    assert client.get("/api/v1/classes", {"q": "薦任"}).json()["count"] == 1
    bad = client.get("/api/v1/classes", {"month": "soon"})
    assert (bad.status_code, bad.json()["code"]) == (400, "catalog.bad_month")


def test_class_detail_has_sessions_and_caller_eligibility(client, make_class, junior, teacher):
    course_class = make_class(supervisors_only=True)
    client.force_login(junior)
    body = client.get(f"/api/v1/classes/{course_class.pk}").json()
    assert body["sessions"][0]["venue"] == "第一教室"
    # RFC 3339 full-time: the wall-clock time in Taipei with its offset
    assert (body["sessions"][0]["starts_at"], body["sessions"][0]["ends_at"]) == ("09:00:00+08:00", "12:00:00+08:00")
    assert body["eligibility"]["reasons"][0]["code"] == "eligibility.supervisor"
    assert body["certified_hours"] == "3.0"


def test_drafts_are_not_found_for_learners(client, make_class, junior):
    draft = make_class(publish=False)
    client.force_login(junior)
    response = client.get(f"/api/v1/classes/{draft.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "class.not_found")


def test_plans_for_organizers_with_totals(client, body, organizer, junior):
    presets_load(actor=None)
    plan = services.plan_create(organizer=body, year=2026, title="計畫", actor=organizer)
    for title, budget in (("a", 100), ("b", 200)):
        services.plan_item_add(
            plan=plan,
            track="leadership",
            title=title,
            planned_classes=1,
            planned_trainees=10,
            budget=budget,
            actor=organizer,
        )
    client.force_login(organizer)
    assert client.get("/api/v1/classes/plans").json()["items"][0]["title"] == "計畫"
    detail = client.get(f"/api/v1/classes/plans/{plan.pk}").json()
    assert detail["totals"] == [
        {
            "track": "leadership",
            "name": "領導管理培力",
            "items": 2,
            "planned_classes": 2,
            "planned_trainees": 20,
            "budget": "300",
        }
    ]
    assert detail["total"]["budget"] == "300"
    client.force_login(junior)
    refused = client.get("/api/v1/classes/plans")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission.denied")


def test_openapi_lists_the_catalog(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/classes",
        "/api/v1/classes/{class_id}",
        "/api/v1/classes/plans",
        "/api/v1/classes/plans/{plan_id}",
    } <= set(paths)
