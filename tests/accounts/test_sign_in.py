"""Signing in to Peili: throttling that tells clients apart behind a proxy and that a flood of made-up
usernames cannot turn against real users; sessions that end on deactivation and stay ended, with an
idle timeout and a lifetime; and no committed development key on an address others can reach."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.core.management.commands import runserver
from django.test import RequestFactory
from django.urls import reverse

from peili.accounts import services, throttle
from tests.factories import UserFactory

LOGIN = "/accounts/login/"
RIGHT = "correct-horse-battery"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()
    yield
    cache.clear()


def attempt(client, username, password, address="192.0.2.10", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def signed_in(response) -> bool:
    return response.status_code == 302


# --- the client's address --------------------------------------------------------------------------


def address_of(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return throttle.client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.PEILI_TRUSTED_PROXIES = ""
    assert address_of("198.51.100.7", "203.0.113.9") == "198.51.100.7"


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client"),
    [
        # One proxy (nginx appends the address it saw): the client's own leftmost value is not trusted.
        ("1", "10.0.0.1", "203.0.113.5", "203.0.113.5"),
        ("1", "10.0.0.1", "127.0.0.1, 203.0.113.5", "203.0.113.5"),
        ("1", "10.0.0.1", "forged, 198.51.100.7, 203.0.113.5", "203.0.113.5"),
        # Two hops: a load balancer, then nginx.
        ("2", "10.0.0.1", "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        # Fewer values than hops: the leftmost the proxies wrote.
        ("2", "10.0.0.1", "203.0.113.5", "203.0.113.5"),
        ("1", "10.0.0.1", None, "10.0.0.1"),
        # Proxy networks: the right-most address that is not one of them.
        ("10.0.0.0/8", "10.0.0.1", "6.6.6.6, 203.0.113.5, 10.1.2.3", "203.0.113.5"),
        ("10.0.0.0/8, 192.168.0.0/16", "192.168.1.1", "203.0.113.5, 10.1.2.3", "203.0.113.5"),
        ("10.0.0.0/8", "10.0.0.1", "10.1.1.1, 10.2.2.2", "10.1.1.1"),
        # A request that did not come through a trusted proxy: its header is the client's own words.
        ("10.0.0.0/8", "198.51.100.7", "203.0.113.5", "198.51.100.7"),
        ("::1/128", "::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_the_client_address_is_taken_from_the_trusted_hops_only(settings, trusted, remote, forwarded, client):
    settings.PEILI_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.PEILI_TRUSTED_PROXIES = trusted
    assert address_of(remote, forwarded) == client


def test_a_forged_forwarded_address_neither_bypasses_nor_locks_out_others(client, settings):
    settings.PEILI_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.PEILI_TRUSTED_PROXIES = "1"
    UserFactory(username="alice")
    UserFactory(username="bob")
    # A guesser behind the proxy names a new address each time: it is still counted as itself.
    for n in range(django_settings.PEILI_LOGIN_MAX_FAILURES):
        attempt(client, "alice", "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.18.0.{n}, 203.0.113.66")
    locked = attempt(client, "alice", RIGHT, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.18.9.9, 203.0.113.66")
    assert "登入失敗次數過多" in locked.content.decode()
    # It cannot pin its failures on someone else's address either: bob at 203.0.113.5 signs in.
    for _ in range(django_settings.PEILI_LOGIN_MAX_FAILURES):
        attempt(client, "bob", "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 203.0.113.66")
    assert signed_in(attempt(client, "bob", RIGHT, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"))


@pytest.mark.parametrize(
    ("env", "trusted"),
    [
        ({}, ""),
        ({"PEILI_CLIENT_IP_HEADER": "HTTP_X_REAL_FORWARDED"}, "1"),  # the header alone, as before: one proxy
        ({"PEILI_TRUSTED_PROXIES": "2"}, "2"),
        ({"PEILI_TRUSTED_PROXIES": "10.0.0.0/8,192.168.10.5"}, "10.0.0.0/8,192.168.10.5"),
    ],
)
def test_the_trusted_proxies_setting(env, trusted):
    code = "import config.settings as s; print(repr(s.PEILI_TRUSTED_PROXIES))"
    loaded = _settings_load(code, **env)
    assert loaded.stdout.strip() == repr(trusted)


def test_a_mistyped_proxy_network_stops_the_start():
    loaded = _settings_load(PEILI_TRUSTED_PROXIES="10.0.0.0/33")
    assert loaded.returncode != 0
    assert "10.0.0.0/33" in loaded.stderr


# --- unknown usernames cannot lock out real users -----------------------------------------------------


def test_a_flood_of_made_up_usernames_from_the_proxy_locks_out_nobody_real(client):
    """Every user shares the proxy's address (the default, no trusted proxies)."""
    UserFactory(username="victim")
    UserFactory(username="colleague")
    flood = django_settings.PEILI_LOGIN_MAX_FAILURES * django_settings.PEILI_LOGIN_SPREAD_FACTOR
    for n in range(flood + 5):
        attempt(client, f"nobody{n}", "Spring-2026!")
    # Made-up names from that address are now refused without a try …
    assert "登入失敗次數過多" in attempt(client, "nobody-else", "Spring-2026!").content.decode()
    # … a real user's wrong password gets the same answer (a real name is not told from a made-up one)
    assert "登入失敗次數過多" in attempt(client, "colleague", "wrong").content.decode()
    # … but real users with their right password sign in.
    assert signed_in(attempt(client, "victim", RIGHT))
    client.logout()
    assert signed_in(attempt(client, "colleague", RIGHT))


def test_failures_on_a_username_that_is_not_an_account_never_lock_the_account(client):
    UserFactory(username="victim")
    flood = django_settings.PEILI_LOGIN_MAX_FAILURES * django_settings.PEILI_LOGIN_SPREAD_FACTOR
    for n in range(flood + 1):
        attempt(client, "VICTIM", "wrong", f"198.51.100.{n}")
        attempt(client, "Victim", "wrong", f"198.51.101.{n}")
    assert signed_in(attempt(client, "victim", RIGHT, "198.51.102.1"))


def test_a_real_users_own_failures_still_lock_them(client):
    UserFactory(username="target")
    for _ in range(django_settings.PEILI_LOGIN_MAX_FAILURES):
        assert "帳號或密碼不正確" in attempt(client, "target", "wrong").content.decode()
    response = attempt(client, "target", RIGHT)
    assert "登入失敗次數過多，請於 15 分鐘後再試" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # From elsewhere the pair lock does not apply …
    assert signed_in(attempt(client, "target", RIGHT, "198.51.100.1"))


def test_one_username_from_many_addresses_is_locked(client):
    UserFactory(username="target2")
    for n in range(django_settings.PEILI_LOGIN_MAX_FAILURES * django_settings.PEILI_LOGIN_SPREAD_FACTOR):
        attempt(client, "target2", "wrong", f"10.0.{n}.1")
    assert "登入失敗次數過多" in attempt(client, "target2", RIGHT, "10.9.9.9").content.decode()


def test_an_unknown_username_is_locked_like_a_known_one_after_its_own_failures(client):
    """So the lock's timing does not tell a real username from a made-up one."""
    for _ in range(django_settings.PEILI_LOGIN_MAX_FAILURES):
        assert "帳號或密碼不正確" in attempt(client, "ghost", "wrong").content.decode()
    assert "登入失敗次數過多" in attempt(client, "ghost", "wrong").content.decode()


# --- sessions ------------------------------------------------------------------------------------------


def test_reactivating_an_account_does_not_revive_its_old_sessions(client, learner, admin_user):
    client.force_login(learner)
    home = reverse("reports:home")
    assert client.get(home).status_code == 200
    services.user_set_active(user=learner, active=False, actor=admin_user)
    assert client.get(home).status_code == 302
    services.user_set_active(user=learner, active=True, actor=admin_user)
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    # Signing in again works.
    assert signed_in(attempt(client, "learner", RIGHT))


def test_deactivating_through_the_page_ends_the_sessions_too(client, learner, admin_user):
    phone = client.__class__()
    phone.force_login(learner)
    client.force_login(admin_user)
    url = reverse("accounts:user_toggle_active", args=[learner.pk])
    client.post(url)
    client.post(url)
    learner.refresh_from_db()
    assert learner.is_active
    assert phone.get(reverse("reports:home")).status_code == 302


def _age_session(client, *, idle_seconds=0, signed_in_seconds=0):
    session = client.session
    now = int(time.time())
    session["accounts.last_seen"] = now - idle_seconds
    session["accounts.signed_in_at"] = now - signed_in_seconds
    session.save()


def test_a_session_idle_longer_than_the_setting_ends(client, learner, settings):
    settings.PEILI_SESSION_IDLE_MINUTES = 60
    client.force_login(learner)
    home = reverse("reports:home")
    client.get(home)
    _age_session(client, idle_seconds=59 * 60, signed_in_seconds=59 * 60)
    assert client.get(home).status_code == 200
    _age_session(client, idle_seconds=61 * 60, signed_in_seconds=61 * 60)
    response = client.get(home, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "閒置超過 60 分鐘，已自動登出，請重新登入。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_ends_after_its_lifetime_however_busy(client, learner, settings):
    settings.PEILI_SESSION_MAX_HOURS = 12
    client.force_login(learner)
    home = reverse("reports:home")
    client.get(home)
    _age_session(client, idle_seconds=10, signed_in_seconds=12 * 3600 - 60)
    assert client.get(home).status_code == 200
    _age_session(client, idle_seconds=10, signed_in_seconds=12 * 3600 + 60)
    response = client.get(home, follow=True)
    assert "登入已超過 12 小時，請重新登入。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_session_defaults_fit_a_government_office():
    assert django_settings.PEILI_SESSION_IDLE_MINUTES == 60
    assert django_settings.PEILI_SESSION_MAX_HOURS == 12
    assert django_settings.SESSION_COOKIE_AGE == 12 * 3600


# --- the committed development key ------------------------------------------------------------------


def _settings_load(code="import config.settings", **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PEILI_")}
    environment.update(PEILI_VAR_DIR=str(ROOT / "var"), **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("hosts", ["0.0.0.0", "peili.example.gov.tw", "127.0.0.1,*", "localhost,192.168.1.20"])
def test_debug_without_a_key_refuses_hosts_beyond_loopback(hosts):
    loaded = _settings_load(PEILI_DEBUG="1", PEILI_ALLOWED_HOSTS=hosts)
    assert loaded.returncode != 0
    assert "PEILI_SECRET_KEY" in loaded.stderr


@pytest.mark.parametrize("env", [{}, {"PEILI_ALLOWED_HOSTS": "127.0.0.1,localhost,[::1],::1,app.localhost"}])
def test_debug_without_a_key_still_runs_on_loopback(env):
    assert _settings_load(PEILI_DEBUG="1", **env).returncode == 0


def test_debug_with_a_key_may_serve_any_host():
    assert _settings_load(PEILI_DEBUG="1", PEILI_SECRET_KEY="x" * 50, PEILI_ALLOWED_HOSTS="0.0.0.0").returncode == 0


class Served(Exception):
    """Raised instead of serving: runserver got as far as starting the server."""


@pytest.fixture
def no_serving(monkeypatch):
    def inner_run(self, *args, **options):
        raise Served(self.addr)

    monkeypatch.setattr(runserver.Command, "inner_run", inner_run)


DEVELOPMENT_KEY = "peili-insecure-development-key-do-not-use-in-production"


@pytest.mark.parametrize("addrport", ["0.0.0.0:8765", "192.168.1.20:8765", "[::]:8765", "peili.example:8765"])
def test_runserver_refuses_the_development_key_on_an_address_beyond_loopback(settings, no_serving, addrport):
    settings.SECRET_KEY = DEVELOPMENT_KEY
    with pytest.raises(CommandError, match="PEILI_SECRET_KEY"):
        call_command("runserver", addrport, use_reloader=False, skip_checks=True)


@pytest.mark.parametrize(
    ("key", "addrport"),
    [
        (DEVELOPMENT_KEY, "127.0.0.1:8765"),
        (DEVELOPMENT_KEY, "localhost:8765"),
        (DEVELOPMENT_KEY, "[::1]:8765"),
        ("a-real-key-" * 5, "0.0.0.0:8765"),
    ],
)
def test_runserver_serves_loopback_or_with_a_key(settings, no_serving, key, addrport):
    settings.SECRET_KEY = key
    with pytest.raises(Served):
        call_command("runserver", addrport, use_reloader=False, skip_checks=True)
