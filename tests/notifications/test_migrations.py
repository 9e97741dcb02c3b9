"""Notification moved from enrolment to notifications (issue 12) keeping its table: a database with
notices from before migrates without losing or changing one, its uniqueness still holds, and the
model's content type (with its permissions) follows instead of being left stale."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from peili.notifications.models import Notification
from peili.notifications.selectors import notifications_for_user, unread_count
from peili.notifications.services import deliver

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("enrolment", "0005_substitute_source"), ("notifications", None)]
FIELDS = ("id", "user_id", "kind", "title", "body", "url", "key", "read_at")
OLD_NOTICES = [
    # (kind, key, read) — kinds of each app that sent notices before the move
    ("confirmed", "confirmed:7", False),
    ("consent_request", "consent:7", True),
    ("hours_reminder", "hours-reminder:2026:2026-03-02", False),
    ("survey", "survey:3", False),
    ("reflection", "reflection:1:accepted:20260302090000", True),
    ("reminder", "", False),  # no key: never deduplicated
]


@pytest.fixture
def old_world():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    # The state of everything applied now: enrolment up to its notices, the other apps as they are.
    apps = executor.loader.project_state(list(executor.loader.applied_migrations)).apps
    user = apps.get_model("accounts", "User").objects.create(username="old-learner")
    other = apps.get_model("accounts", "User").objects.create(username="old-boss")
    notification = apps.get_model("enrolment", "Notification")
    read_at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    for number, (kind, key, read) in enumerate(OLD_NOTICES):
        notification.objects.create(
            user=other if kind == "consent_request" else user,
            kind=kind,
            key=key,
            title=f"舊通知{number}",
            body=f"內容{number}",
            url=f"/registrations/{number}/",
            read_at=read_at if read else None,
        )
    # An old database knew the model as enrolment's, with its permissions.
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="notifications").delete()
    old_type, _ = content_type.objects.get_or_create(app_label="enrolment", model="notification")
    permission, _ = apps.get_model("auth", "Permission").objects.get_or_create(
        content_type=old_type, codename="view_notification", defaults={"name": "Can view 通知"}
    )
    before = {
        "rows": list(notification.objects.order_by("pk").values_list(*FIELDS)),
        "created": list(notification.objects.order_by("pk").values_list("created_at", flat=True)),
        "user": user.pk,
        "content_type": old_type.pk,
        "permission": permission.pk,
    }
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return before


def test_old_notices_survive_the_move_unchanged(old_world):
    assert Notification._meta.db_table == "enrolment_notification"
    assert list(Notification.objects.order_by("pk").values_list(*FIELDS)) == old_world["rows"]
    assert list(Notification.objects.order_by("pk").values_list("created_at", flat=True)) == old_world["created"]
    # The labels users see are the registered ones, as before.
    labels = [n.get_kind_display() for n in Notification.objects.order_by("pk")]
    assert labels == ["錄取通知", "待您同意", "學習時數提醒", "問卷填答", "心得審閱結果", "開課提醒"]
    learner = Notification.objects.get(kind="confirmed").user
    assert [n.title for n in notifications_for_user(learner)] == ["舊通知5", "舊通知4", "舊通知3", "舊通知2", "舊通知0"]
    assert unread_count(learner) == 4


def test_the_uniqueness_of_keys_still_holds_after_the_move(old_world):
    learner = Notification.objects.get(kind="confirmed").user
    again = {"user": learner, "email": "", "title": "t", "body": "b"}
    assert deliver(kind="confirmed", key="confirmed:7", **again) is False
    assert deliver(kind="reminder", key="", **again) is True  # an empty key is not deduplicated
    assert Notification.objects.count() == len(OLD_NOTICES) + 1


def test_the_content_type_and_its_permissions_follow_the_model(old_world):
    moved = ContentType.objects.get(pk=old_world["content_type"])
    assert (moved.app_label, moved.model) == ("notifications", "notification")
    assert ContentType.objects.get_for_model(Notification).pk == moved.pk
    assert Permission.objects.get(pk=old_world["permission"]).content_type_id == moved.pk
    assert not ContentType.objects.filter(app_label="enrolment", model="notification").exists()
