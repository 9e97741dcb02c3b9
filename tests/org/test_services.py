import pytest

from peili.core.errors import PeiliError
from peili.core.models import AuditEntry
from peili.org import services
from peili.org.models import Agency, AgencyHeadcount


def test_agency_create_sets_path_and_audits(tree, admin_user, jurisdiction):
    agency = services.agency_create(
        code="376570102A",
        name="新竹市政府人事處考訓科分處",
        parent=tree["a"],
        jurisdiction=jurisdiction,
        actor=admin_user,
    )
    assert agency.path == "376570000A/376570100A/376570102A/"
    assert agency.depth == 2
    entry = AuditEntry.objects.get(action="org.agency_create")
    assert entry.actor == admin_user
    assert entry.after["code"] == "376570102A"


def test_agency_create_refuses_duplicate_code(tree, admin_user, jurisdiction):
    with pytest.raises(PeiliError) as caught:
        services.agency_create(code="376570100A", name="重複", jurisdiction=jurisdiction, actor=admin_user)
    assert caught.value.code == "agency.code_taken"
    assert Agency.objects.count() == 4


def test_moving_an_agency_moves_its_subtree(tree, admin_user):
    services.agency_update(agency=tree["a"], parent=tree["b"], actor=admin_user)
    a1 = Agency.objects.get(pk=tree["a1"].pk)
    a = Agency.objects.get(pk=tree["a"].pk)
    assert a.path == "376570000A/376570200A/376570100A/"
    assert a.depth == 2
    assert a1.path == "376570000A/376570200A/376570100A/376570101A/"
    assert a1.depth == 3
    entry = AuditEntry.objects.get(action="org.agency_update")
    assert entry.before == {"parent": tree["root"].pk}
    assert entry.after == {"parent": tree["b"].pk}


def test_cannot_move_an_agency_under_its_own_subtree(tree, admin_user):
    with pytest.raises(PeiliError) as caught:
        services.agency_update(agency=tree["a"], parent=tree["a1"], actor=admin_user)
    assert caught.value.code == "agency.cycle"
    assert Agency.objects.get(pk=tree["a"].pk).path == "376570000A/376570100A/"


def test_headcount_set_is_upsert_with_audit(tree, admin_user):
    services.headcount_set(agency=tree["a"], year=2026, budgeted_headcount=30, actor=admin_user)
    services.headcount_set(agency=tree["a"], year=2026, budgeted_headcount=32, actor=admin_user)
    assert AgencyHeadcount.objects.get(agency=tree["a"], year=2026).budgeted_headcount == 32
    last = AuditEntry.objects.filter(action="org.agency_headcount_set").order_by("-id").first()
    assert last.before == {"budgeted_headcount": 30}
    assert last.after == {"year": 2026, "budgeted_headcount": 32}
