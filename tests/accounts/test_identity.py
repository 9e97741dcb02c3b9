"""The signed-in identity kept per process (`peili.accounts.backends`): a signed-in request reads no
SQL to know who is asking, and every write that changes who that is — the account (active, session
token, password), its person, the person's agency, its role assignments, the HR import — is seen by
the next request."""

from __future__ import annotations

import pickle

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from peili.accounts import backends, services
from peili.core import versions
from peili.org.importing import services as importing
from peili.org.models import RoleAssignment
from peili.org.scopes import grants_for
from tests.factories import AgencyFactory, PersonFactory, UserFactory
from tests.org.fixtures import TODAY, nid, person_row, staff_csv

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
IDENTITY_TABLES = ("accounts_user", "org_person", "org_agency", "org_roleassignment")


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()
    yield
    cache.clear()


def me(client: Client):
    """The /me answer and the request's user (what the request knew of who was asking)."""
    response = client.get(ME)
    return response, response.wsgi_request.user


def identity_sql(captured) -> list[str]:
    return [q["sql"] for q in captured if any(f'"{table}"' in q["sql"] for table in IDENTITY_TABLES)]


def test_a_signed_in_request_reads_no_sql_for_who_is_asking(client, learner, officer):
    client.force_login(officer)
    assert client.get(ME).json()["roles"] == ["personnel_officer"]
    with CaptureQueriesContext(connection) as captured:
        response, user = me(client)
    assert response.status_code == 200
    assert response.json()["roles"] == ["personnel_officer"]
    assert identity_sql(captured) == []
    assert grants_for(user).covers("personnel_officer", officer.role_assignments.get().agency.path)


def test_each_request_gets_its_own_instances(client, learner):
    client.force_login(learner)
    _response, first = me(client)
    _response, second = me(client)
    assert first.pk == second.pk == learner.pk
    assert first._wrapped is not second._wrapped
    assert first.person is not second.person
    assert first.person.agency.path == learner.person.agency.path


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "identity-test"}},
    SESSION_ENGINE="peili.core.sessions.cached_db",
)
def test_with_a_cache_server_the_floor_is_one_cache_read_and_no_sql(learner, monkeypatch):
    client = Client()
    client.force_login(learner)
    assert client.get(ME).status_code == 200  # this process's identity and stamps warm
    # Each call from outside the cache is one round trip to a cache server (locmem's get_many
    # calls its own get per key: those are not counted).
    reads: list[list[str]] = []
    inside: list[bool] = []

    def counting(method, many):
        def wrapper(self, keys, *args, **kwargs):
            if not inside:
                reads.append(list(keys) if many else [keys])
            inside.append(True)
            try:
                return method(self, keys, *args, **kwargs)
            finally:
                inside.pop()

        return wrapper

    monkeypatch.setattr(LocMemCache, "get_many", counting(LocMemCache.get_many, True))
    monkeypatch.setattr(LocMemCache, "get", counting(LocMemCache.get, False))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(ME)
    assert response.status_code == 200
    assert captured.captured_queries == []
    assert len(reads) == 1
    assert any(k.startswith("django.contrib.sessions.cached_db") for k in reads[0])
    assert {f"peili:stamp:{name}" for name in versions.REQUEST_STAMPS} <= set(reads[0])


def test_deactivation_ends_the_session_at_once(client, learner, admin_user):
    client.force_login(learner)
    assert me(client)[0].status_code == 200
    services.user_set_active(user=learner, active=False, actor=admin_user)
    response, user = me(client)
    assert response.status_code != 200
    assert not user.is_authenticated


def test_a_new_session_token_ends_the_session(client, learner):
    client.force_login(learner)
    assert me(client)[0].status_code == 200
    learner.session_token = "0" * 32
    learner.save(update_fields=["session_token"])
    assert not me(client)[1].is_authenticated


def test_a_new_password_ends_the_session(client, learner):
    client.force_login(learner)
    assert me(client)[0].status_code == 200
    learner.set_password("another-long-password")
    learner.save()
    assert not me(client)[1].is_authenticated


def test_a_role_given_or_taken_is_seen_by_the_next_request(client, learner, admin_user, tree):
    client.force_login(learner)
    assert me(client)[0].json()["roles"] == ["learner"]
    assignment = services.role_assign(user=learner, role="personnel_officer", agency=tree["a"], actor=admin_user)
    assert me(client)[0].json()["roles"] == ["learner", "personnel_officer"]
    services.role_revoke(assignment_id=assignment.pk, actor=admin_user)
    assert me(client)[0].json()["roles"] == ["learner"]


def test_a_role_assignments_agency_moving_is_seen(client, officer, tree):
    client.force_login(officer)
    agency = RoleAssignment.objects.get(user=officer).agency
    assert grants_for(me(client)[1]).scopes["personnel_officer"] == (agency.path,)
    agency.path = "MOVED/"
    agency.save(update_fields=["path"])
    assert grants_for(me(client)[1]).scopes["personnel_officer"] == ("MOVED/",)


def test_linking_a_person_is_seen(client, admin_user, tree):
    account = UserFactory(username="newcomer")
    client.force_login(account)
    assert me(client)[0].json()["person_id"] is None
    person = PersonFactory(agency=tree["a"], national_id=nid(7))
    services.user_link_person(user=account, national_id=person.national_id, actor=admin_user)
    assert me(client)[0].json()["person_id"] == person.pk


def test_the_persons_changes_are_seen(client, learner, tree):
    client.force_login(learner)
    assert me(client)[1].person.agency_id == tree["b"].pk
    person = learner.person
    person.agency = tree["a1"]
    person.save()
    _response, user = me(client)
    assert user.person.agency_id == tree["a1"].pk
    assert grants_for(user).person_agency_path == tree["a1"].path
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert "learner" not in me(client)[0].json()["roles"]


def test_an_account_change_is_seen(client, learner):
    client.force_login(learner)
    learner.display_name = "改過的名字"
    learner.save(update_fields=["display_name"])
    assert me(client)[0].json()["display_name"] == "改過的名字"


def test_signing_in_does_not_move_the_stamp_but_other_account_writes_do(learner):
    before = versions.stamp(versions.IDENTITY)
    learner.last_login = timezone.now()
    learner.save(update_fields=["last_login"])
    assert versions.stamp(versions.IDENTITY) == before
    learner.email = "x@example.tw"
    learner.save(update_fields=["email"])
    assert versions.stamp(versions.IDENTITY) != before


def test_the_hr_import_moves_the_stamp(client, tree, admin_user):
    account = UserFactory(username="imported")
    PersonFactory(user=account, agency=tree["b"], national_id=nid(1), name="王小明1")
    client.force_login(account)
    assert me(client)[1].person.agency_id == tree["b"].pk
    importing.people_import(
        data=staff_csv([person_row(1)]), filename="staff.csv", actor=admin_user, dry_run=False, today=TODAY
    )
    assert me(client)[1].person.agency_id == tree["a"].pk


def test_an_agency_change_reaches_the_persons_agency(client, learner, tree):
    client.force_login(learner)
    agency = tree["b"]
    agency.name = "新竹市政府教育局"
    agency.save(update_fields=["name"])
    assert me(client)[1].person.agency.name == "新竹市政府教育局"


def test_the_process_cache_is_keyed_by_account(tree):
    one, two = UserFactory(username="one"), UserFactory(username="two")
    PersonFactory(user=two, agency=AgencyFactory(parent=tree["root"]))
    assert backends.identity(one.pk).person is None
    assert backends.identity(two.pk).person is not None
    assert backends.identity("not a number") is None
    assert backends.identity(10**9) is None


def test_a_person_without_an_account_moves_no_stamp_unless_changed(tree):
    before = versions.stamp(versions.IDENTITY)
    person = PersonFactory(agency=tree["a"], national_id=nid(8))
    assert versions.stamp(versions.IDENTITY) == before
    person.name = "改名"
    person.save(update_fields=["name"])  # it may have just been unlinked from an account
    assert versions.stamp(versions.IDENTITY) != before


# --- identities shared between processes (a cache server) ------------------------------------------


@pytest.fixture
def shared_cache():
    """A cache server's stand-in, shared by "processes" (this one, its kept identities cleared)."""
    with override_settings(
        PEILI_SHARED_IDENTITIES=True,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "identities"}},
    ):
        cache.clear()
        backends._identities.clear()
        yield
        cache.clear()


shared = pytest.mark.usefixtures("shared_cache")


@shared
def test_a_process_that_never_met_the_account_takes_it_from_the_shared_cache(learner):
    client = Client()
    client.force_login(learner)
    assert client.get(ME).status_code == 200  # read from the database, kept here and shared
    backends._identities.clear()  # another process: nothing kept in it
    with CaptureQueriesContext(connection) as captured:
        response, user = me(client)
    assert response.status_code == 200
    assert user.pk == learner.pk
    assert identity_sql(captured) == []


@shared
def test_the_shared_copy_holds_no_password_hash_and_the_password_is_read_when_asked(learner):
    client = Client()
    client.force_login(learner)
    client.get(ME)
    kept = [value for key, value in _locmem_items() if key.startswith("peili:identity:")]
    assert len(kept) == 1
    assert learner.password not in repr(kept[0])
    backends._identities.clear()
    _response, user = me(client)
    assert "password" not in user.__dict__
    assert user.password == learner.password  # deferred: read from the database
    assert user.check_password("secret") == learner.check_password("secret")


@shared
def test_a_new_password_ends_the_session_through_the_shared_copy_too(learner):
    client = Client()
    client.force_login(learner)
    client.get(ME)
    learner.set_password("a-new-one-2026")
    learner.save()
    backends._identities.clear()
    response, user = me(client)
    assert response.status_code == 401
    assert not user.is_authenticated


@shared
def test_processes_with_other_secret_keys_share_no_copy(learner, settings):
    first = backends._shared_key(learner.pk)
    settings.SECRET_KEY_FALLBACKS = ["an-older-key-" + "x" * 40]
    assert backends._shared_key(learner.pk) != first
    assert settings.SECRET_KEY not in first


def _locmem_items():
    from django.core.cache import caches

    store = caches["default"]
    return [(key.split(":", 2)[-1], pickle.loads(value)) for key, value in store._cache.items()]
