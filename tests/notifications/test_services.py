"""Delivering a notice: the in-app notice once per key, the email as it always read, and marking
one's own notices read."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core import mail

from peili.notifications.models import Notification
from peili.notifications.services import deliver, notifications_mark_read, recipient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CALENDAR = ("class-7.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")


def test_a_notice_goes_in_app_and_by_email_with_its_link_and_calendar(settings):
    settings.PEILI_BASE_URL = "https://peili.example.gov.tw/"
    user = UserFactory()
    sent = deliver(
        user=user,
        email="learner@example.gov.tw",
        kind="confirmed",
        key="confirmed:7",
        title="報名已錄取：資訊安全通識 第1期",
        body="您已錄取。",
        url="/registrations/",
        attachment=CALENDAR,
    )
    assert sent is True
    notice = Notification.objects.get()
    assert (notice.user, notice.kind, notice.key, notice.title, notice.body, notice.url, notice.read_at) == (
        user,
        "confirmed",
        "confirmed:7",
        "報名已錄取：資訊安全通識 第1期",
        "您已錄取。",
        "/registrations/",
        None,
    )
    [message] = mail.outbox
    assert message.subject == "[培力] 報名已錄取：資訊安全通識 第1期"
    assert message.body == "您已錄取。\n\nhttps://peili.example.gov.tw/registrations/"
    assert message.to == ["learner@example.gov.tw"]
    assert message.attachments == [CALENDAR]


def test_the_same_key_is_delivered_once_to_an_account():
    user = UserFactory()
    values = {"user": user, "email": "a@example.gov.tw", "kind": "reminder", "key": "reminder:1", "title": "t"}
    assert deliver(body="b", **values) is True
    assert deliver(body="b", **values) is False
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_without_an_account_only_the_email_goes_and_without_an_address_only_the_notice():
    assert deliver(user=None, email="p@example.gov.tw", kind="survey", key="survey:1", title="t", body="b") is True
    assert not Notification.objects.exists()
    assert [m.body for m in mail.outbox] == ["b"]  # no link, no blank lines
    user = UserFactory()
    assert deliver(user=user, email="", kind="survey", key="survey:2", title="t", body="b") is True
    assert Notification.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1


def test_the_persons_own_address_comes_before_the_accounts():
    account = SimpleNamespace(email="account@example.gov.tw")
    assert recipient(SimpleNamespace(email="own@example.gov.tw", user=account)) == (account, "own@example.gov.tw")
    assert recipient(SimpleNamespace(email="", user=account)) == (account, "account@example.gov.tw")
    assert recipient(SimpleNamespace(email="", user=None)) == (None, "")


def test_marking_read_touches_only_the_actors_unread_notices():
    user, other = UserFactory(), UserFactory()
    mine = [Notification.objects.create(user=user, kind="confirmed", title=f"n{i}") for i in range(3)]
    theirs = Notification.objects.create(user=other, kind="confirmed", title="x")
    assert notifications_mark_read(actor=user, notification_id=theirs.pk) == 0
    assert notifications_mark_read(actor=user, notification_id=mine[0].pk) == 1
    assert notifications_mark_read(actor=user, notification_id=mine[0].pk) == 0  # already read
    assert notifications_mark_read(actor=user) == 2
    assert Notification.objects.filter(read_at__isnull=True).get() == theirs
