"""The records API: one's own transcript and standing; an agency subtree's compliance list for its
personnel officer, refused outside their subtree."""

from __future__ import annotations

from decimal import Decimal

import pytest

from peili.records import services
from tests.factories import AgencyFactory, PersonFactory, UserFactory, grant
from tests.records.conftest import data

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def learner(person):
    person.user = UserFactory()
    person.save()
    services.record_create(person=person, data=data(external_key="x:1"), actor=None)
    services.record_create(
        person=person,
        data=data(title="性別主流化", split={"gender_mainstreaming": D(3)}, external_key="x:2"),
        actor=None,
    )
    return person


def test_a_learner_reads_their_transcript_and_what_is_missing(client, learner):
    client.force_login(learner.user)
    body = client.get("/api/v1/records/mine", {"year": 2026}).json()
    assert (body["total"], body["meets"], body["missing"]) == ("6.0", False, "14.0")
    assert [r["title"] for r in body["records"]] == ["性別主流化", "環境教育：淨零轉型"]
    assert body["records"][1]["split"] == [
        {"category": "environmental_education", "code": "", "name": "環境教育", "hours": "3.0"}
    ]
    assert "尚缺 環境教育 1 小時" in [s["message"] for s in body["shortfalls"]]
    assert "democratic_governance.gender_mainstreaming" not in [s["key"] for s in body["shortfalls"]]


def test_an_account_without_a_person_has_no_transcript(client):
    client.force_login(UserFactory())
    response = client.get("/api/v1/records/mine")
    assert response.status_code == 403


def test_an_officer_lists_their_subtree_and_nothing_outside_it(client, learner):
    services.standings_recompute(year=2026)
    officer = UserFactory()
    grant(officer, "personnel_officer", learner.agency)
    client.force_login(officer)
    body = client.get("/api/v1/records/compliance", {"agency": learner.agency.code, "year": 2026}).json()
    assert [(item["name"], item["total"], item["meets"]) for item in body["items"]] == [(learner.name, "6.0", False)]
    assert "*" in body["items"][0]["national_id_masked"]
    outside = AgencyFactory(jurisdiction=learner.agency.jurisdiction)
    PersonFactory(agency=outside)
    refused = client.get("/api/v1/records/compliance", {"agency": outside.code, "year": 2026})
    assert (refused.status_code, refused.json()["code"]) == (404, "agency.not_found")


def test_a_learner_cannot_read_the_compliance_list(client, learner):
    client.force_login(learner.user)
    response = client.get("/api/v1/records/compliance", {"agency": learner.agency.code})
    assert response.status_code == 403


# --- a person's transcript and an agency's summary, for officers and administrators ---------------


@pytest.fixture
def office(person):
    from tests.records.office import build

    return build(person)


def test_mine_names_the_categories_and_lists_every_requirement(client, office):
    client.force_login(office.learner.user)
    body = client.get("/api/v1/records/mine", {"year": 2026}).json()
    assert body["records"][0]["split"] == [
        {"category": "environmental_education", "code": "", "name": "環境教育", "hours": "3.0"}
    ]
    requirements = {r["key"]: (r["counted"], r["required"], r["met"], r["is_floor"]) for r in body["requirements"]}
    assert requirements["environmental_education"] == ("3.0", "4", False, False)
    assert requirements["democratic_governance.gender_mainstreaming"] == ("0", "1", False, True)
    assert requirements["yearly_minimum"] == ("3.0", "20", False, False)


def test_mine_costs_a_few_queries_however_many_records(client, office, django_assert_max_num_queries):
    client.force_login(office.learner.user)
    client.get("/api/v1/records/mine", {"year": 2026})  # warm the pack cache
    for index in range(20):
        services.record_create(
            person=office.learner, data=data(title=f"課程{index}", external_key=f"m:{index}"), actor=None
        )
    with django_assert_max_num_queries(7):
        body = client.get("/api/v1/records/mine", {"year": 2026}).json()
    assert len(body["records"]) == 21


def test_an_officer_reads_a_transcript_in_their_subtree(client, office):
    client.force_login(office.officer)
    body = client.get(f"/api/v1/records/people/{office.teacher.pk}/transcript", {"year": 2026}).json()
    assert (body["person_id"], body["total"], body["meets"], body["shortfalls"]) == (
        office.teacher.pk,
        "20.0",
        True,
        [],
    )
    refused = client.get(f"/api/v1/records/people/{office.stranger.pk}/transcript")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission.denied")
    missing = client.get("/api/v1/records/people/999999/transcript")
    assert (missing.status_code, missing.json()["code"]) == (404, "person.not_found")


def test_an_admin_reads_anyones_transcript_and_a_learner_nobodys(client, office):
    client.force_login(office.admin)
    assert client.get(f"/api/v1/records/people/{office.stranger.pk}/transcript").status_code == 200
    client.force_login(office.learner.user)
    assert client.get(f"/api/v1/records/people/{office.learner.pk}/transcript").status_code == 403


def test_an_agency_summary_has_the_dashboards_numbers(client, office):
    client.force_login(office.officer)
    body = client.get(f"/api/v1/records/agencies/{office.bureau.code}/summary", {"year": 2026}).json()
    assert (body["people"], body["meets"], body["short"], body["none"]) == (5, 1, 4, 2)
    assert (body["total_hours"], body["average_hours"]) == ("43.0", "8.6")
    assert (body["top_fraction"], body["top_share"]) == ("0.1", "0.2326")
    assert [(b["label"], b["people"]) for b in body["distribution"]] == [
        ("0", 2),
        ("0–5", 1),
        ("5–10", 0),
        ("10–15", 0),
        ("15–20", 0),
        ("20–40", 2),
        ("40 以上", 0),
    ]
    short_of = {item["key"]: item["people"] for item in body["short_of"]}
    assert short_of == {
        "yearly_minimum": 3,
        "major_policy": 4,
        "environmental_education": 4,
        "democratic_governance": 4,
        "democratic_governance.gender_mainstreaming": 4,
    }


def test_an_agency_summary_outside_the_subtree_is_not_found(client, office):
    client.force_login(office.officer)
    refused = client.get(f"/api/v1/records/agencies/{office.outside.code}/summary")
    assert (refused.status_code, refused.json()["code"]) == (404, "agency.not_found")
    client.force_login(office.learner.user)
    assert client.get(f"/api/v1/records/agencies/{office.bureau.code}/summary").status_code == 403


def test_an_officer_who_also_organizes_lists_only_their_own_subtree(client, office):
    grant(office.officer, "organizer", office.outside)  # organizers see every agency in the catalog
    client.force_login(office.officer)
    refused = client.get("/api/v1/records/compliance", {"agency": office.outside.code, "year": 2026})
    assert (refused.status_code, refused.json()["code"]) == (404, "agency.not_found")
    assert client.get(f"/api/v1/records/agencies/{office.outside.code}/summary").status_code == 404


def test_the_compliance_list_reads_only_the_page_it_returns(client, learner):
    """A page costs a count and that page's rows, however many people the subtree holds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = UserFactory()
    grant(officer, "personnel_officer", learner.agency)
    client.force_login(officer)

    def listing(page: int = 1) -> tuple[dict, int]:
        services.standings_recompute(year=2026)
        with CaptureQueriesContext(connection) as queries:
            body = client.get(
                "/api/v1/records/compliance", {"agency": learner.agency.code, "year": 2026, "page": page}
            ).json()
        return body, len(queries)

    listing()  # the first request of a session also loads who is asking (kept per process after)
    _body, few = listing()
    for n in range(205):
        person = PersonFactory(agency=learner.agency, name=f"同仁{n:03d}")
        services.record_create(person=person, data=data(external_key=f"p:{n}"), actor=None)
    first, many = listing()
    assert many == few
    assert (first["count"], len(first["items"])) == (206, 200)
    second, _n = listing(2)
    names = [item["name"] for item in first["items"]] + [item["name"] for item in second["items"]]
    assert len(set(names)) == len(names) == 206
