"""Version stamps and the per-process caches that follow them."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from peili.core import versions

pytestmark = pytest.mark.django_db


def test_a_stamp_is_stable_until_bumped():
    first = versions.stamp("things")
    assert versions.stamp("things") == first
    versions.bump("things")
    assert versions.stamp("things") != first


def test_a_lost_stamp_is_replaced_by_a_new_one():
    first = versions.stamp("things")
    cache.delete("peili:stamp:things")
    assert versions.stamp("things") != first


def test_stamps_of_several_names_move_with_any_of_them():
    both = versions.stamp("a", "b")
    versions.bump("b")
    assert versions.stamp("a", "b") != both


def test_bump_renews_again_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        versions.bump("things")
        during = versions.stamp("things")
    assert versions.stamp("things") != during


def test_a_process_cache_rebuilds_only_when_the_stamp_moves():
    built: list[int] = []
    kept = versions.ProcessCache[int]("things")

    def build() -> int:
        built.append(1)
        return len(built)

    assert kept.get("k", build) == 1
    assert kept.get("k", build) == 1
    versions.bump("things")
    assert kept.get("k", build) == 2
    assert kept.get("other", build) == 3


def test_a_process_cache_keeps_at_most_max_keys():
    kept = versions.ProcessCache[str]("things", max_keys=2)
    for key in ("a", "b", "c"):
        kept.get(key, lambda key=key: key)
    calls: list[str] = []
    assert kept.get("a", lambda: calls.append("a") or "again") == "again"  # "a" was dropped
    assert kept.get("c", lambda: calls.append("c") or "again") == "c"
    assert calls == ["a"]


def test_stamps_read_with_the_session_serve_the_rest_of_the_request():
    with versions.request_scope():
        keys = versions.request_stamp_keys()
        assert keys == [f"peili:stamp:{name}" for name in versions.REQUEST_STAMPS]
        versions.remember({keys[0]: "kept"})
        cache.set(keys[0], "moved elsewhere", timeout=None)
        assert versions.stamp(versions.REQUEST_STAMPS[0]) == "kept"  # no cache read
        versions.bump(versions.REQUEST_STAMPS[0])  # this request's own change: read afresh
        assert versions.stamp(versions.REQUEST_STAMPS[0]) not in {"kept", "moved elsewhere"}
    # Outside a request nothing is kept: every stamp is read from the cache.
    assert versions.request_stamp_keys() == []
    cache.set("peili:stamp:" + versions.REQUEST_STAMPS[0], "now", timeout=None)
    assert versions.stamp(versions.REQUEST_STAMPS[0]) == "now"


def test_a_stamp_missing_with_the_session_is_made_as_usual():
    with versions.request_scope():
        versions.remember({})
        made = versions.stamp(versions.IDENTITY)
        assert made
        assert versions.stamp(versions.IDENTITY) == made
