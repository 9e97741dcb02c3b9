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
        person=person, data=data(title="性別主流化", split={"303": D(3)}, external_key="x:2"), actor=None
    )
    return person


def test_a_learner_reads_their_transcript_and_what_is_missing(client, learner):
    client.force_login(learner.user)
    body = client.get("/api/v1/records/mine", {"year": 2026}).json()
    assert (body["total"], body["meets"], body["missing"]) == ("6.0", False, "14.0")
    assert [r["title"] for r in body["records"]] == ["性別主流化", "環境教育：淨零轉型"]
    assert body["records"][1]["split"] == [{"code": "201", "hours": "3.0"}]
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
