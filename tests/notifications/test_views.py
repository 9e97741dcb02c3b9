"""我的通知 — the notices page, at the address it always had (/registrations/notifications/)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peili.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def notice(user, title: str, kind: str = "confirmed") -> Notification:
    return Notification.objects.create(user=user, kind=kind, title=title, body="b", url="/x/")


def test_the_page_keeps_its_address():
    assert reverse("notifications:list") == "/registrations/notifications/"


def test_notifications_are_listed_and_marked_read(client):
    user = UserFactory()
    notice(user, "報名已錄取：X")
    client.force_login(user)
    assert "報名已錄取：X" in client.get(reverse("notifications:list")).content.decode()
    client.post(reverse("notifications:list"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_marking_one_read_leaves_the_others_and_never_touches_anothers(client):
    user, other = UserFactory(), UserFactory()
    first, second = notice(user, "一"), notice(user, "二")
    theirs = notice(other, "別人的")
    client.force_login(user)
    response = client.post(reverse("notifications:list"), {"notification": str(first.pk)})
    assert response.status_code == 302
    assert response["Location"] == "/registrations/notifications/"
    client.post(reverse("notifications:list"), {"notification": str(theirs.pk)})
    unread = set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True))
    assert unread == {second.pk, theirs.pk}


def test_one_sees_only_ones_own(client):
    user, other = UserFactory(), UserFactory()
    notice(other, "別人的通知")
    client.force_login(user)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "別人的通知" not in page
    assert "目前沒有通知。" in page


def queries_for_the_list(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("notifications:list"))
    assert page.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_one_row_or_three(client):
    user = UserFactory()
    notice(user, "通知0")
    client.force_login(user)
    client.get(reverse("notifications:list"))  # warm the per-process caches
    one = queries_for_the_list(client)
    notice(user, "通知1")
    notice(user, "通知2")
    three = queries_for_the_list(client)
    # The signed-in floor (session, identity, roles for the menu) and one read of the notices.
    assert one == three <= 4
