"""The OpenAPI document tells the truth: each operation's error codes and statuses, bounded integers,
strict bodies, one schema per name. (That the answers match it is tests/api/test_fuzz.py.)"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections import Counter
from typing import Any

import pytest
from ninja import Schema
from ninja.responses import NinjaJSONEncoder

import peili.api
from peili.api import errors
from peili.api.router import api

ERROR_REF = {"$ref": "#/components/schemas/PeiliError"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """As /api/v1/openapi.json serves it (JSON: status keys are strings, lazy texts rendered)."""
    return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def walk(document: dict[str, Any], schema: dict[str, Any], seen: set[str] | None = None):
    """Every (sub)schema reachable from `schema`, references followed once."""
    seen = set() if seen is None else seen
    pending = [schema]
    while pending:
        current = pending.pop()
        if "$ref" in current:
            if current["$ref"] in seen:
                continue
            seen.add(current["$ref"])
            current = resolve(document, current)
        yield current
        pending += current.get("properties", {}).values()
        pending += current.get("anyOf", []) + current.get("oneOf", []) + current.get("allOf", [])
        for key in ("items", "additionalProperties"):
            if isinstance(current.get(key), dict):
                pending.append(current[key])


def codes_of(op: dict[str, Any]) -> dict[str, int]:
    return {entry["code"]: entry["status"] for entry in op["x-error-codes"]}


def test_every_operation_lists_its_error_codes_under_their_statuses(document):
    registry = {entry["code"]: entry["status"] for entry in document["x-error-codes"]}
    assert registry == {code: error.status for code, error in errors.REGISTRY.items()}
    assert document["components"]["schemas"]["PeiliError"]["required"] == ["code", "message"]
    for method, path, op in operations(document):
        listed = codes_of(op)
        assert {"service.unavailable", "server.error"} <= set(listed), (method, path)
        for code, status in listed.items():
            assert registry[code] == status, (method, path, code)
            response = op["responses"][str(status)]
            assert response["content"]["application/json"]["schema"] == ERROR_REF, (method, path, status)
            assert f"`{code}`" in response["description"], (method, path, code)
        error_statuses = {int(status) for status in op["responses"] if int(status) >= 400}
        assert error_statuses == set(listed.values()), (method, path)


def test_the_codes_every_operation_shares_are_listed_where_they_apply(document):
    paths = document["paths"]
    assert set(codes_of(paths["/api/v1/me"]["get"])) == {
        "auth.required",
        "permission.denied",
        "service.unavailable",
        "server.error",
    }
    classes = codes_of(paths["/api/v1/classes"]["get"])
    assert {"request.invalid", "request.nul_character"} <= set(classes)
    assert "csrf.failed" not in classes
    register = codes_of(paths["/api/v1/registrations"]["post"])
    assert {"csrf.failed", "request.malformed", "request.too_large", "request.invalid"} <= set(register)


@pytest.mark.parametrize(
    ("method", "path", "own"),
    [
        ("get", "/api/v1/classes", {"agency.not_found": 404, "catalog.bad_mode": 400, "catalog.bad_month": 400}),
        ("get", "/api/v1/classes/{class_id}", {"class.not_found": 404}),
        (
            "post",
            "/api/v1/registrations",
            {"registration.full": 400, "registration.class_not_found": 404, "registration.no_person": 403},
        ),
        ("post", "/api/v1/registrations/{registration_id}/decline", {"registration.not_pending": 409}),
        ("put", "/api/v1/policy/packs/{pack_id}", {"policy.stale_revision": 409, "policy.invalid": 400}),
        ("post", "/api/v1/surveys/{survey_id}/responses", {"survey.already_answered": 409, "survey.closed": 409}),
        ("get", "/api/v1/surveys/results/bodies/{agency_code}", {"survey.year_range": 400}),
        ("get", "/api/v1/records/mine", {"records.no_person": 403, "records.no_rule": 404}),
    ],
)
def test_an_operations_own_codes_are_listed(document, method, path, own):
    listed = codes_of(document["paths"][path][method])
    assert {code: listed.get(code) for code in own} == own


def test_an_unregistered_code_cannot_be_listed():
    with pytest.raises(RuntimeError, match=r"unregistered API error codes: catalog\.nonsense"):
        errors.api_errors("class.not_found", "catalog.nonsense")


def test_every_integer_a_client_sends_is_bounded(document):
    """A huge page number or year reached the database (bigint out of range) or `date()`: 500."""
    unbounded = []
    for method, path, op in operations(document):
        schemas = [(p["name"], p["schema"]) for p in op.get("parameters", [])]
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if body is not None:
            schemas.append(("body", body))
        for name, schema in schemas:
            for sub in walk(document, schema):
                if sub.get("type") == "integer" and ("minimum" not in sub or "maximum" not in sub):
                    unbounded.append(f"{method} {path} {name}: {sub}")
    assert unbounded == []


def test_every_request_body_refuses_unknown_fields(document):
    loose = []
    for method, path, op in operations(document):
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if body is None:
            continue
        for sub in walk(document, body):
            if sub.get("type") == "object" and "properties" in sub and sub.get("additionalProperties") is not False:
                loose.append(f"{method} {path}: {sub.get('title')}")
    assert loose == []


def test_no_two_schemas_share_a_name():
    """The document keys schemas by class name: survey results' QuestionOut and InstructorOut were
    replaced by the questionnaire's, so results were documented without their counts and means."""
    for module in pkgutil.iter_modules(peili.api.__path__):
        importlib.import_module(f"peili.api.{module.name}")
    names = Counter(
        cls.__name__
        for cls in _subclasses(Schema)
        if cls.__module__.startswith("peili.api.") and cls.__name__ != "Input"
    )
    assert [name for name, count in names.items() if count > 1] == []


def test_survey_results_are_documented_with_the_fields_they_carry(document):
    operation = document["paths"]["/api/v1/surveys/results/classes/{class_id}"]["get"]
    results = resolve(document, operation["responses"]["200"]["content"]["application/json"]["schema"])
    question = resolve(document, results["properties"]["questions"]["items"])
    instructor = resolve(document, results["properties"]["instructors"]["items"])
    assert {"count", "mean", "index", "distribution", "instructors"} <= set(question["properties"])
    assert {"instructor_id", "answers", "mean", "index"} <= set(instructor["properties"])


def test_session_times_are_rfc3339_full_times_in_the_document(document):
    session = document["components"]["schemas"]["SessionOut"]["properties"]
    assert session["starts_at"]["format"] == session["ends_at"]["format"] == "time"


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found
