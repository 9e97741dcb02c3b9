from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import translation
from hypothesis import HealthCheck, settings

from tests.factories import AgencyFactory, JurisdictionFactory, PersonFactory, UserFactory, grant

# Tests run in parallel workers on shared machines: generation speed and per-example time vary
# with load and say nothing about the code, so they must not fail a run. (Benchmarks measure speed.)
settings.register_profile("peili", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("peili")

# A PeiliError with a code, or an audit entry with an action, that no app's codes.py lists fails the
# test that meets it (peili.core.errors / peili.core.audit check when this is on).
django_settings.PEILI_CHECK_CODES = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings, request):
    """Argon2 is deliberately slow; tests that do not test hashing use a fast hasher."""
    if "argon2" not in request.node.name:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page requested in English (the language switch)
    leaves English active in the test's thread, and the next test would read English messages."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def on_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with PEILI_DATABASE_URL=postgres://...)")


@pytest.fixture
def on_sqlite() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path")


@pytest.fixture
def jurisdiction(db):
    return JurisdictionFactory(code="hsinchu-city", name="新竹市")


@pytest.fixture
def tree(db, jurisdiction):
    """A root agency with two children and a grandchild under the first."""
    root = AgencyFactory(code="376570000A", name="新竹市政府", jurisdiction=jurisdiction)
    a = AgencyFactory(code="376570100A", name="新竹市政府人事處", parent=root, jurisdiction=jurisdiction)
    b = AgencyFactory(code="376570200A", name="新竹市政府教育處", parent=root, jurisdiction=jurisdiction)
    a1 = AgencyFactory(code="376570101A", name="新竹市人力發展所", parent=a, jurisdiction=jurisdiction)
    return {"root": root, "a": a, "b": b, "a1": a1}


@pytest.fixture
def admin_user(db):
    user = UserFactory(username="admin")
    grant(user, "admin")
    return user


@pytest.fixture
def officer(tree):
    """A personnel officer scoped to agency `a` (and so `a1`)."""
    user = UserFactory(username="officer")
    grant(user, "personnel_officer", tree["a"])
    return user


@pytest.fixture
def learner(tree):
    user = UserFactory(username="learner")
    PersonFactory(user=user, agency=tree["b"], name="林學員")
    return user
