from tests.factories import PersonFactory


def test_people_api_masks_national_ids_and_keeps_chinese(client, tree, officer):
    person = PersonFactory(agency=tree["a"], name="陳小華", national_id="A123456789")
    client.force_login(officer)
    response = client.get("/api/v1/people")
    assert response.status_code == 200
    assert "陳小華".encode() in response.content  # not \\u escaped
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["national_id"] == "A12****789"
    detail = client.get(f"/api/v1/people/{person.pk}").json()
    assert detail["national_id"] == "A123456789"  # the officer in scope may see the full number


def test_person_outside_scope_is_refused_with_a_stable_code(client, tree, officer):
    outside = PersonFactory(agency=tree["b"])
    client.force_login(officer)
    response = client.get(f"/api/v1/people/{outside.pk}")
    assert response.status_code == 403
    assert response.json() == {"code": "permission.denied", "message": "您沒有權限執行此操作。"}


def test_missing_person_is_404_with_code(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/api/v1/people/999999")
    assert response.status_code == 404
    assert response.json()["code"] == "person.not_found"


def test_anonymous_gets_401(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "auth.required"


def test_bad_query_parameter_is_422_with_code(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/api/v1/people?active=maybe")
    assert response.status_code == 422
    assert response.json()["code"] == "request.invalid"


def test_openapi_document_is_published(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/people" in paths
    assert "/api/v1/me" in paths


def test_people_api_pages_in_sql_and_filters_a_subtree(client, tree, admin_user, django_assert_max_num_queries):
    for _ in range(3):
        PersonFactory(agency=tree["a1"])
    PersonFactory(agency=tree["b"])
    client.force_login(admin_user)
    with django_assert_max_num_queries(7):  # session, user, roles, person, agency, count, page
        body = client.get("/api/v1/people?agency=376570100A").json()
    assert body["count"] == 3  # a1 is inside a's subtree; b is not
    assert client.get("/api/v1/people?agency=NOSUCHCODE").json()["count"] == 0
    assert client.get("/api/v1/people?q=" + body["items"][0]["name"]).json()["count"] == 1
