"""The registry of notice kinds: each app registers its own, the labels users see stay as they
were, and the model takes its choices from the registry (no migration when a kind is added)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models

from peili.notifications import kinds
from peili.notifications.models import Notification
from peili.notifications.services import deliver
from tests.factories import UserFactory

# Every kind sent before the registry, with its label and the app that now declares it.
BEFORE = {
    "confirmed": ("錄取通知", "enrolment"),
    "waitlisted": ("候補通知", "enrolment"),
    "promoted": ("候補遞補錄取", "enrolment"),
    "consent_request": ("待您同意", "enrolment"),
    "declined": ("主管不同意", "enrolment"),
    "cancelled": ("報名已取消", "enrolment"),
    "substituted": ("已由他人遞補", "enrolment"),
    "reminder": ("開課提醒", "enrolment"),
    "hours_reminder": ("學習時數提醒", "records"),
    "survey": ("問卷填答", "surveys"),
    "survey_reminder": ("問卷填答提醒", "surveys"),
    "reflection": ("心得審閱結果", "surveys"),
}


class Extra(models.TextChoices):
    ELEARNING = "elearning_due", "數位課程到期"


@pytest.fixture
def registry(monkeypatch):
    """A copy of the registry for tests that register kinds of their own."""
    monkeypatch.setattr(kinds, "_registry", dict(kinds._registry))


def test_each_app_registers_its_kinds_with_the_labels_users_saw():
    assert {k.code: (str(k.label), k.app) for k in kinds.registered()} == BEFORE
    assert [(code, str(label)) for code, label in kinds.choices()] == [(c, v[0]) for c, v in BEFORE.items()]


def test_the_model_field_refers_to_the_registry_rather_than_a_list():
    field = Notification._meta.get_field("kind")
    assert field.deconstruct()[3]["choices"] is kinds.choices


def test_a_kind_registered_later_is_valid_without_a_migration(registry):
    notice = Notification(user=UserFactory.build(), kind="elearning_due", title="t")
    with pytest.raises(ValidationError):
        notice.clean_fields(exclude=["user"])
    kinds.register(Extra, app="elearning")
    notice.clean_fields(exclude=["user"])
    assert notice.get_kind_display() == "數位課程到期"


def test_registering_again_is_harmless_but_a_code_held_elsewhere_is_refused(registry):
    kinds.register(Extra, app="elearning")
    kinds.register(Extra, app="elearning")
    assert kinds.get("elearning_due").app == "elearning"
    with pytest.raises(ImproperlyConfigured, match="already registered by elearning"):
        kinds.register(Extra, app="studies")

    class Clash(models.TextChoices):
        CONFIRMED = "confirmed", "另一個錄取"

    with pytest.raises(ImproperlyConfigured, match="already registered by enrolment"):
        kinds.register(Clash, app="studies")


def test_a_code_longer_than_the_column_is_refused(registry):
    class Long(models.TextChoices):
        LONG = "x" * 21, "太長"

    with pytest.raises(ImproperlyConfigured, match="longer than 20"):
        kinds.register(Long, app="studies")


@pytest.mark.django_db
def test_delivering_an_unregistered_kind_writes_and_sends_nothing():
    user = UserFactory(email="a@example.org")
    with pytest.raises(LookupError):
        deliver(user=user, email=user.email, kind="nonsense", key="k", title="t", body="b")
    assert not Notification.objects.exists()
    assert mail.outbox == []
