"""How the API refuses: every malformed request is a 4xx with a code, a database outage is a JSON
503, anything unexpected a JSON 500 that shows nothing of the internals; never Django's HTML pages."""

from __future__ import annotations

import json
import logging
from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.test import Client

from peili.policy.models import PolicyPack

pytestmark = pytest.mark.django_db

NUL = "\x00"


def refusal(response) -> tuple[int, str]:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.status_code, response.json()["code"]


# --- NUL characters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params"),
    [("/api/v1/people", {"q": f"王{NUL}"}), ("/api/v1/classes", {"agency": NUL}), ("/api/v1/people", {NUL: "1"})],
)
def test_a_nul_in_the_query_is_refused_with_a_code(client, admin_user, path, params):
    """PostgreSQL cannot hold NUL in text: it answered 500 there (SQLite quietly searched for it)."""
    client.force_login(admin_user)
    response = client.get(path, params)
    assert refusal(response) == (400, "request.nul_character")
    assert response.json()["details"] == {"where": "query"}
    assert response.json()["message"] == "請求內容含有空字元（NUL），無法處理。"


@pytest.mark.parametrize(
    "body",
    [
        {"source": "format: 1\n", "jurisdiction": f"hsinchu{NUL}"},
        {"source": "format: 1\n", f"jurisdiction{NUL}": "x"},
        {"source": ["format: 1", {"a": NUL}]},
    ],
)
def test_a_nul_anywhere_in_a_json_body_is_refused_with_a_code(client, admin_user, body):
    client.force_login(admin_user)
    response = client.post("/api/v1/policy/validate", json.dumps(body), content_type="application/json")
    assert refusal(response) == (400, "request.nul_character")
    assert response.json()["details"] == {"where": "body"}


def test_a_nul_in_a_path_parameter_is_refused_with_a_code(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/api/v1/records/agencies/376570000A%00/summary")
    assert refusal(response) == (400, "request.nul_character")
    assert response.json()["details"] == {"where": "path"}


# --- integers out of range -------------------------------------------------------------------------


def test_a_huge_page_number_is_refused_not_sent_to_the_database(client, admin_user):
    """An OFFSET beyond a 64-bit integer failed in the database (bigint out of range: 500)."""
    client.force_login(admin_user)
    response = client.get("/api/v1/agencies", {"page": 10**20})
    assert refusal(response) == (422, "request.invalid")
    assert [e["loc"] for e in response.json()["details"]] == [["query", "page"]]
    assert response.json()["message"] == "請求內容格式不正確：page。"


def test_a_year_out_of_range_is_refused(client, admin_user, tree):
    client.force_login(admin_user)
    response = client.get(f"/api/v1/surveys/results/bodies/{tree['root'].code}", {"year_to": 10**6})
    assert refusal(response) == (422, "request.invalid")
    assert [e["loc"] for e in response.json()["details"]] == [["query", "year_to"]]


def test_a_huge_id_in_a_body_is_refused(client, admin_user):
    client.force_login(admin_user)
    body = {"class_id": 1, "person_ids": [2**64]}
    response = client.post("/api/v1/registrations/nominate", json.dumps(body), content_type="application/json")
    assert refusal(response) == (422, "request.invalid")
    assert [e["loc"] for e in response.json()["details"]] == [["body", "payload", "person_ids", 0]]


# --- bodies that are not what the operation takes ----------------------------------------------------


@pytest.mark.parametrize("raw", ["{", "\xff\xfe", "[" * 100_000])
def test_a_body_that_is_not_json_is_refused_in_chinese(client, admin_user, raw):
    client.force_login(admin_user)
    response = client.post("/api/v1/policy/validate", raw.encode("latin-1"), content_type="application/json")
    assert refusal(response) == (400, "request.malformed")
    assert response.json()["message"] == "請求內容無法解析（須為 JSON）。"


def test_a_body_over_the_upload_limit_is_refused_as_too_large(client, admin_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(admin_user)
    body = json.dumps({"source": "#" * 2000})
    response = client.post("/api/v1/policy/validate", body, content_type="application/json")
    assert refusal(response) == (413, "request.too_large")


def test_a_form_body_without_its_boundary_is_refused(admin_user):
    """The CSRF check reads a form body of an unsafe method; an unreadable one was a 500."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    client.cookies[settings.CSRF_COOKIE_NAME] = "k" * 32
    response = client.generic(
        "POST",
        "/api/v1/registrations/1/cancel",
        b"{}",
        content_type="multipart/form-data",
        headers={"X-CSRFToken": "k" * 32},
    )
    assert refusal(response) == (400, "request.malformed")


def test_an_unknown_field_is_refused(client, admin_user):
    client.force_login(admin_user)
    body = {"source": "format: 1\n", "jurisdictoin": "hsinchu-city"}
    response = client.post("/api/v1/policy/validate", json.dumps(body), content_type="application/json")
    assert refusal(response) == (422, "request.invalid")
    assert response.json()["details"][0]["loc"] == ["body", "payload", "jurisdictoin"]


# --- what the API answers itself --------------------------------------------------------------------


def test_a_path_the_api_does_not_have_is_a_json_404(client):
    assert refusal(client.get("/api/v1/nothing-here")) == (404, "not_found")
    assert client.get("/nothing-here")["Content-Type"].startswith("text/html")  # pages keep their page


def test_a_method_a_path_does_not_have_is_a_json_405(client, admin_user):
    client.force_login(admin_user)
    response = client.delete("/api/v1/me")
    assert refusal(response) == (405, "method_not_allowed")
    assert response["Allow"] == "GET"


@pytest.mark.parametrize(
    "error",
    [OperationalError("server closed the connection unexpectedly"), InterfaceError("connection already closed")],
)
def test_a_database_outage_is_a_json_503(client, admin_user, error, caplog):
    client.force_login(admin_user)
    with mock.patch("peili.org.selectors.agencies_for_user", side_effect=error):
        response = client.get("/api/v1/agencies")
    assert refusal(response) == (503, "service.unavailable")
    assert response.json() == {"code": "service.unavailable", "message": "系統暫時無法連線資料庫，請稍後再試。"}
    assert response["Retry-After"] == "30"
    assert [r.exc_info[1] for r in caplog.records if r.name == "peili.api"] == [error]


def test_an_unexpected_error_is_a_json_500_with_nothing_of_it_shown(client, admin_user, caplog):
    client.force_login(admin_user)
    error = RuntimeError("secret internals: /srv/peili/settings.py")
    with mock.patch("peili.org.selectors.agencies_for_user", side_effect=error):
        response = client.get("/api/v1/agencies")
    assert refusal(response) == (500, "server.error")
    assert response.json() == {"code": "server.error", "message": "系統發生錯誤，已通知管理者，請稍後再試。"}
    assert "secret" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "peili.api"]
    assert [(r.levelno, r.exc_info[1]) for r in logged] == [(logging.ERROR, error)]


def test_a_database_outage_outside_an_operation_is_a_json_503_too(client, admin_user):
    """The session is read by a middleware, before the API is reached."""
    client.force_login(admin_user)
    client.raise_request_exception = False
    with mock.patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request",
        side_effect=OperationalError("the database system is shutting down"),
    ):
        response = client.get("/api/v1/me")
    assert refusal(response) == (503, "service.unavailable")


def test_nothing_is_written_when_a_pack_is_refused_for_a_nul(client, admin_user, jurisdiction):
    client.force_login(admin_user)
    body = {"jurisdiction": jurisdiction.code, "year": 2026, "source": f"format: 1\ntitle: 甲{NUL}\n"}
    response = client.post("/api/v1/policy/packs", json.dumps(body), content_type="application/json")
    assert refusal(response) == (400, "request.nul_character")
    assert not PolicyPack.objects.exists()
