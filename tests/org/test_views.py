import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peili.core.models import AuditEntry
from peili.org.models import Agency
from tests.factories import PersonFactory


def test_people_list_shows_masked_ids(client, tree, officer):
    PersonFactory(agency=tree["a"], name="陳小華", national_id="A123456789")
    client.force_login(officer)
    response = client.get("/org/people/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "陳小華" in content
    assert "A12****789" in content
    assert "A123456789" not in content


def test_supervisor_sees_masked_id_on_detail_but_officer_sees_full(client, tree, officer):
    from tests.factories import UnitFactory, UserFactory, grant

    unit = UnitFactory(agency=tree["a"])
    boss = UserFactory()
    grant(boss, "supervisor", tree["a"])
    PersonFactory(user=boss, agency=tree["a"], unit=unit, is_supervisor=True)
    staff = PersonFactory(agency=tree["a"], unit=unit, national_id="A123456789")
    client.force_login(boss)
    assert "A12****789" in client.get(f"/org/people/{staff.pk}/").content.decode()
    client.force_login(officer)
    assert "A123456789" in client.get(f"/org/people/{staff.pk}/").content.decode()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/org/people/", "/org/agencies/", "/accounts/users/", "/core/audit/"])
def test_list_views_query_count_does_not_grow_with_rows(client, tree, admin_user, url):
    url = url.replace("/core/audit/", "/audit/")
    client.force_login(admin_user)
    PersonFactory(agency=tree["a"])
    AuditEntry.objects.create(action="x")
    one = _count_queries(client, url)
    for _ in range(2):
        PersonFactory(agency=tree["a"])
        AuditEntry.objects.create(action="x")
    from tests.factories import UserFactory, grant

    grant(UserFactory(), "reviewer")
    grant(UserFactory(), "personnel_officer", tree["b"])
    three = _count_queries(client, url)
    assert one == three


def test_admin_creates_an_agency_through_the_form(client, tree, admin_user, jurisdiction):
    client.force_login(admin_user)
    response = client.post(
        "/org/agencies/new/",
        {
            "code": "376570500A",
            "name": "新竹市政府社會處",
            "parent": tree["root"].pk,
            "jurisdiction": jurisdiction.pk,
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(code="376570500A")
    assert agency.path == "376570000A/376570500A/"


def test_agency_form_reports_bad_code_in_chinese(client, tree, admin_user, jurisdiction):
    client.force_login(admin_user)
    response = client.post("/org/agencies/new/", {"code": "abc", "name": "x", "jurisdiction": jurisdiction.pk})
    assert response.status_code == 200
    assert "機關代碼須為 10 碼英數字" in response.content.decode()
    assert not Agency.objects.filter(name="x").exists()


def test_headcount_is_entered_in_roc_year(client, tree, admin_user):
    client.force_login(admin_user)
    client.post(f"/org/agencies/{tree['a'].code}/", {"year": "115", "budgeted_headcount": "30"})
    assert tree["a"].headcounts.get().year == 2026


def test_people_list_keeps_the_in_service_filter_on_every_page(client, tree, admin_user):
    for _ in range(51):
        PersonFactory(agency=tree["a"])
    for _ in range(3):
        PersonFactory(agency=tree["a"], is_active=False)
    client.force_login(admin_user)
    assert "共 51 人" in client.get("/org/people/").content.decode()
    assert "共 51 人" in client.get("/org/people/?page=2").content.decode()
    assert "共 54 人" in client.get("/org/people/?active=").content.decode()


def test_officer_cannot_open_a_person_or_agency_outside_the_subtree(client, tree, officer):
    outside = PersonFactory(agency=tree["b"])
    client.force_login(officer)
    assert client.get(f"/org/people/{outside.pk}/").status_code == 403
    assert client.get(f"/org/agencies/{tree['b'].code}/").status_code == 404
    assert client.get(f"/org/agencies/{tree['a1'].code}/").status_code == 200
