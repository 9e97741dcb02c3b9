"""Who approves for a person (`selectors.approvers_for`): the supervisors of their unit — or of
their agency when they have no unit — who hold the supervisor role and can sign in."""

from __future__ import annotations

import pytest

from peili.org.selectors import approvers_for
from tests.factories import PersonFactory, UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def supervisor(agency, unit=None, *, role: bool = True, **fields):
    user = UserFactory()
    if role:
        grant(user, "supervisor", agency)
    return PersonFactory(agency=agency, unit=unit, user=user, is_supervisor=True, **fields)


def test_the_supervisors_of_the_unit_approve(tree):
    unit, other_unit = UnitFactory(agency=tree["a"]), UnitFactory(agency=tree["a"])
    boss = supervisor(tree["a"], unit)
    supervisor(tree["a"], other_unit)  # another unit's
    supervisor(tree["b"])  # another agency's
    supervisor(tree["a"], unit, role=False)  # marked a supervisor, without the role
    supervisor(tree["a"], unit, is_active=False)  # left
    PersonFactory(agency=tree["a"], unit=unit, is_supervisor=True)  # no account
    staff = PersonFactory(agency=tree["a"], unit=unit)
    assert approvers_for(staff) == [boss.user]


def test_without_a_unit_the_agencys_supervisors_approve_but_never_oneself(tree):
    unit = UnitFactory(agency=tree["a"])
    first, second = supervisor(tree["a"]), supervisor(tree["a"], unit)
    staff = PersonFactory(agency=tree["a"])
    assert {u.pk for u in approvers_for(staff)} == {first.user.pk, second.user.pk}
    assert approvers_for(first) == [second.user]
