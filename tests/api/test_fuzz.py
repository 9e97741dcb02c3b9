"""Schemathesis over the whole OpenAPI document, as a learner, a personnel officer and an
administrator of the demo world: no server error, and every answer as the document says — its
status, its content type, its body's schema, and for a refusal a code the document lists for that
operation and status.

`make test` runs a short pass: PEILI_FUZZ_EXAMPLES generated requests per operation and role (default
10), and schemathesis' coverage phase (boundaries, wrong types, unexpected methods and content
types) for the roles in PEILI_FUZZ_COVERAGE_ROLES (default the administrator). `make fuzz-api` runs
a long one: more examples, coverage for every role. Half the generated ids, codes and years are
swapped for ones of the demo world, so answers that carry data are checked too, not only refusals.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from peili.accounts.models import User
from peili.api.router import api
from peili.catalog.models import Course, CourseClass, Instructor, TrainingPlan
from peili.demo.loader import demo_load
from peili.enrolment.models import Registration
from peili.org.models import Agency, Person
from peili.policy.models import Jurisdiction, PolicyPack
from peili.surveys.models import Survey, SurveyTemplate

pytestmark = pytest.mark.fuzz

ROLES = ["learner", "officer", "admin"]
# Generated examples per operation and role.
MAX_EXAMPLES = int(os.environ.get("PEILI_FUZZ_EXAMPLES", "10"))
# The roles that also get schemathesis' coverage phase (each parameter's boundaries and wrong types,
# methods and content types the operation does not take): thorough, and as costly as ~15 examples,
# so the short run gives it to the administrator, who gets past the most permission checks.
COVERAGE_ROLES = [role for role in os.environ.get("PEILI_FUZZ_COVERAGE_ROLES", "admin").split(",") if role]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()


@schemathesis.check
def error_code_documented(ctx, response, case):
    """A refusal is the API's JSON error with a code the document lists for the operation and status."""
    if response.status_code < 400 or case.method.upper() != case.operation.method.upper():
        return  # a method the path does not have is the path's 405, not this operation's
    code = response.json().get("code")
    listed = {(e["status"], e["code"]) for e in case.operation.definition.raw.get("x-error-codes", [])}
    if (response.status_code, code) not in listed:
        raise AssertionError(f"{response.status_code} {code!r} is not listed for {case.operation.label}")


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    error_code_documented,
]

# --- real values of the demo world, by parameter or field name ----------------------------------------


def _ids(model: Any, **filters: Any) -> list[Any]:
    return list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)[:8])


REAL: dict[str, Any] = {
    "class_id": lambda: _ids(CourseClass),
    "person_id": lambda: _ids(Person, user__isnull=False),
    "deputy_person_id": lambda: _ids(Person, user__isnull=True),
    "person_ids": lambda: [_ids(Person, user__isnull=True)[:3]],
    "registration_id": lambda: _ids(Registration),
    "survey_id": lambda: _ids(Survey),
    "template_id": lambda: _ids(SurveyTemplate),
    "plan_id": lambda: _ids(TrainingPlan),
    "pack_id": lambda: _ids(PolicyPack),
    "course_id": lambda: _ids(Course),
    "instructor_id": lambda: _ids(Instructor),
    "agency_code": lambda: list(Agency.objects.order_by("path").values_list("code", flat=True)[:8]),
    "agency": lambda: list(Agency.objects.order_by("path").values_list("code", flat=True)[:8]),
    "code": lambda: list(Jurisdiction.objects.values_list("code", flat=True)),
    "jurisdiction": lambda: list(Jurisdiction.objects.values_list("code", flat=True)),
    "year": lambda: [date.today().year, date.today().year - 1],
}


def _with_real_values(values: Any) -> st.SearchStrategy[Any]:
    """The generated values, or the same with each known name given a value of the demo world."""
    if not isinstance(values, dict) or not any(name in REAL for name in values):
        return st.just(values)
    choices = {name: REAL[name]() for name in values if name in REAL}
    real = st.fixed_dictionaries(
        {name: st.sampled_from(found) if found else st.just(values[name]) for name, found in choices.items()}
    )
    return st.one_of(st.just(values), real.map(lambda picked: {**values, **picked}))


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return _with_real_values(path_parameters)


@schema.hook
def flatmap_query(context, query):
    return _with_real_values(query)


@schema.hook
def flatmap_body(context, body):
    return _with_real_values(body)


# --- the world and the callers --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo world, built once for the module inside a transaction rolled back at its end (each
    test then runs in a savepoint of it, as in a Django TestCase)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # as Django's TestCase marks its class-wide transaction
        outer.__enter__()
        try:
            demo_load()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def in_process(demo_world, db):
    """Requests go straight to Django's WSGI handler in this thread, inside the test's transaction:
    as Django's test client does, the connection is kept open between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def signed_in(request, in_process) -> dict[str, dict[str, str]]:
    """A demo account's session cookie, and the CSRF cookie and header an unsafe method needs."""
    client = Client()
    client.force_login(User.objects.get(username=request.param))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = get_random_string(32)
    return {"cookies": {settings.SESSION_COOKIE_NAME: session, "csrftoken": csrf}, "headers": {"X-CSRFToken": csrf}}


# One signed-in caller and one transaction per operation and role: the examples share them.
SHARED_FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much]


@pytest.mark.parametrize("signed_in", ROLES, indirect=True)
@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES, phases=[Phase.generate], deadline=None, suppress_health_check=SHARED_FIXTURES
)
def test_api(case, signed_in):
    case.call_and_validate(cookies=signed_in["cookies"], headers=signed_in["headers"], checks=CHECKS)


@pytest.mark.parametrize("signed_in", COVERAGE_ROLES, indirect=True)
@schema.parametrize()
@hypothesis_settings(phases=[Phase.explicit], deadline=None, suppress_health_check=SHARED_FIXTURES)
def test_api_boundaries(case, signed_in):
    case.call_and_validate(cookies=signed_in["cookies"], headers=signed_in["headers"], checks=CHECKS)
