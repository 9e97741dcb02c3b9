from peili.org import selectors
from peili.org.models import Person
from tests.factories import PersonFactory, UnitFactory, UserFactory, grant


def test_officer_sees_people_in_their_subtree_only(tree, officer):
    inside = PersonFactory(agency=tree["a"])
    deeper = PersonFactory(agency=tree["a1"])
    PersonFactory(agency=tree["b"])
    PersonFactory(agency=tree["root"])
    assert set(selectors.people_for_user(officer)) == {inside, deeper}


def test_admin_sees_everyone(tree, admin_user):
    PersonFactory(agency=tree["a"])
    PersonFactory(agency=tree["b"])
    assert selectors.people_for_user(admin_user).count() == Person.objects.count() == 2


def test_supervisor_sees_their_unit(tree):
    unit = UnitFactory(agency=tree["a"])
    other_unit = UnitFactory(agency=tree["a"])
    boss = UserFactory()
    grant(boss, "supervisor", tree["a"])
    PersonFactory(user=boss, agency=tree["a"], unit=unit, is_supervisor=True)
    staff = PersonFactory(agency=tree["a"], unit=unit)
    PersonFactory(agency=tree["a"], unit=other_unit)
    visible = set(selectors.people_for_user(boss))
    assert staff in visible
    assert len(visible) == 2  # the supervisor and their staff member


def test_learner_without_role_sees_no_list(tree, learner):
    PersonFactory(agency=tree["b"])
    assert selectors.people_for_user(learner).count() == 0


def test_agencies_for_officer(tree, officer):
    assert {a.code for a in selectors.agencies_for_user(officer)} == {"376570100A", "376570101A"}


def test_supervisor_does_not_see_someone_moved_to_another_agency_with_a_stale_unit(tree):
    from peili.core.permissions import allowed

    unit = UnitFactory(agency=tree["a"])
    boss = UserFactory()
    grant(boss, "supervisor", tree["a"])
    PersonFactory(user=boss, agency=tree["a"], unit=unit, is_supervisor=True)
    moved = PersonFactory(agency=tree["b"], unit=unit)  # a unit of the old agency left behind
    assert moved not in set(selectors.people_for_user(boss))
    assert not allowed(boss, "org.view_person", moved)
