from django.core.management import call_command

from peili.accounts.models import User
from peili.demo import data
from peili.org.models import Agency, AgencyHeadcount, AnnualRating, Person, RoleAssignment
from peili.policy.models import Jurisdiction, PolicyPack


def _counts():
    return {
        m.__name__: m.objects.count()
        for m in (Agency, AgencyHeadcount, AnnualRating, Person, RoleAssignment, User, Jurisdiction, PolicyPack)
    }


def test_demo_builds_the_world_and_is_idempotent(db, capsys):
    call_command("demo")
    first = _counts()
    assert first["Agency"] == len(data.AGENCIES)
    assert first["Person"] == 300 + sum(1 for a in data.ACCOUNTS if a[4])
    assert first["Jurisdiction"] == 5
    assert first["PolicyPack"] >= 5
    assert set(Person.objects.values_list("category", flat=True)) == {c for c, _ in data.CATEGORY_WEIGHTS}
    out = capsys.readouterr().out
    for username, *_ in data.ACCOUNTS:
        assert username in out
    assert data.DEMO_PASSWORD in out

    call_command("demo")
    assert _counts() == first
    call_command("demo", "--if-empty")
    assert _counts() == first


def test_demo_accounts_hold_their_roles(db):
    call_command("demo")
    officer = User.objects.get(username="officer")
    assert officer.check_password(data.DEMO_PASSWORD)
    assignment = RoleAssignment.objects.get(user=officer)
    assert (assignment.role, assignment.agency.code) == ("personnel_officer", "376570000A")
    learner = User.objects.get(username="learner")
    assert not RoleAssignment.objects.filter(user=learner).exists()
    assert Person.objects.get(user=learner).agency.code == "376570100A"


def test_demo_agencies_are_bound_to_their_jurisdictions(db):
    call_command("demo")
    assert Agency.objects.get(code="376600000A").jurisdiction.code == "chiayi-county"
    assert Agency.objects.get(code="376600100A").path == "376600000A/376600100A/"
