from __future__ import annotations

import pytest

from peili.policy import services
from peili.policy.models import PolicyPack
from tests.factories import UserFactory, grant


@pytest.fixture
def presets(db) -> dict[str, PolicyPack]:
    """The five preset packs, by jurisdiction code."""
    return {pack.jurisdiction.code: pack for pack in services.presets_load(actor=None)}


@pytest.fixture
def policy_admin(db):
    user = UserFactory(username="policy-admin", display_name="政策管理者")
    grant(user, "admin")
    return user


@pytest.fixture
def organizer(db):
    """Staff who may read packs but not change them."""
    user = UserFactory(username="organizer", display_name="訓練承辦人")
    grant(user, "organizer")
    return user


@pytest.fixture
def plain_user(db):
    """Signed in, with no staff role: may not even read packs."""
    return UserFactory(username="plain")


@pytest.fixture
def admin_client(client, policy_admin):
    client.force_login(policy_admin)
    return client


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client
