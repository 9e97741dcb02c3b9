"""Writes: presets, packs and jurisdictions. Each writes a revision and an audit entry, and
saves nothing when refused."""

from __future__ import annotations

import pytest

from peili.core.errors import Conflict, PeiliError
from peili.core.models import AuditEntry
from peili.policy import services
from peili.policy.models import Jurisdiction, PolicyPack, PolicyPackRevision

MINIMAL = "format: 1\ntitle: 最小參數包\n"


def counts() -> tuple[int, int, int, int]:
    return (
        Jurisdiction.objects.count(),
        PolicyPack.objects.count(),
        PolicyPackRevision.objects.count(),
        AuditEntry.objects.count(),
    )


# --- presets ------------------------------------------------------------------------------------


def test_presets_load_creates_jurisdictions_and_packs(db):
    packs = services.presets_load(actor=None)
    assert [(p.jurisdiction.code, p.jurisdiction.name, p.year, p.revision) for p in packs] == [
        ("national", "全國（預設）", 2026, 1),
        ("hsinchu-city", "新竹市政府", 2022, 1),
        ("kaohsiung-edu", "高雄市政府教育局", 2014, 1),
        ("chiayi-county", "嘉義縣政府", 2014, 1),
        ("taipei-city", "臺北市政府", 2020, 1),
    ]
    assert list(Jurisdiction.objects.filter(is_national_default=True).values_list("code", flat=True)) == ["national"]
    assert packs[1].title == "新竹市政府 111 年公務人員訓練進修計畫"
    assert packs[1].data["hours"]["yearly_minimum"] == 20
    assert counts() == (5, 5, 5, 10)
    assert PolicyPackRevision.objects.get(pack=packs[0]).note == "載入預設參數包 national-2026.yaml"


def test_presets_load_is_idempotent_and_leaves_edits_alone(presets, policy_admin):
    kaohsiung = presets["kaohsiung-edu"]
    edited = kaohsiung.source.replace("cap_per_semester: 10000", "cap_per_semester: 12000")
    services.pack_update(pack=kaohsiung, source=edited, actor=policy_admin, note="調整上限")
    Jurisdiction.objects.filter(code="taipei-city").update(name="臺北市政府人事處")
    before = counts()

    again = services.presets_load(actor=None)

    assert counts() == before
    assert [p.pk for p in again] == [p.pk for p in presets.values()]
    kaohsiung.refresh_from_db()
    assert (kaohsiung.revision, kaohsiung.data["subsidy"]["cap_per_semester"]) == (2, 12000)
    assert Jurisdiction.objects.get(code="taipei-city").name == "臺北市政府人事處"


def test_presets_do_not_take_over_an_existing_national_default(db):
    Jurisdiction.objects.create(code="elsewhere", name="他處", is_national_default=True)
    services.presets_load(actor=None)
    assert Jurisdiction.objects.get(code="national").is_national_default is False
    assert Jurisdiction.objects.get(code="elsewhere").is_national_default is True


# --- pack_create --------------------------------------------------------------------------------


def test_pack_create_writes_revision_and_audit(presets, policy_admin):
    hsinchu = Jurisdiction.objects.get(code="hsinchu-city")
    pack = services.pack_create(jurisdiction=hsinchu, year=2023, source=MINIMAL, actor=policy_admin, note="新年度草稿")
    assert (pack.title, pack.revision, pack.updated_by, pack.data["hours"]) == ("最小參數包", 1, policy_admin, None)
    revision = pack.revisions.get()
    assert (revision.number, revision.source, revision.note, revision.created_by) == (
        1,
        MINIMAL,
        "新年度草稿",
        policy_admin,
    )
    entry = AuditEntry.objects.get(action="policy.pack_create", object_id=str(pack.pk))
    assert entry.actor == policy_admin
    assert entry.note == "新年度草稿"
    assert entry.after == {
        "jurisdiction": "hsinchu-city",
        "year": 2023,
        "title": "最小參數包",
        "revision": 1,
        "sections": [],
    }


def test_pack_create_saves_nothing_when_invalid(presets, policy_admin):
    hsinchu = Jurisdiction.objects.get(code="hsinchu-city")
    before = counts()
    with pytest.raises(PeiliError) as caught:
        services.pack_create(jurisdiction=hsinchu, year=2023, source="format: 1\ntitel: 錯字\n", actor=policy_admin)
    assert caught.value.code == "policy.invalid"
    assert caught.value.details == [
        {"line": 1, "path": "title", "code": "missing", "message": "缺少必要的鍵「title」。"},
        {"line": 2, "path": "titel", "code": "unknown_key", "message": "不認得的鍵「titel」。是否要寫「title」？"},
    ]
    assert counts() == before


def test_pack_create_refuses_a_second_pack_for_the_same_year(presets, policy_admin):
    hsinchu = Jurisdiction.objects.get(code="hsinchu-city")
    before = counts()
    with pytest.raises(Conflict) as caught:
        services.pack_create(jurisdiction=hsinchu, year=2022, source=MINIMAL, actor=policy_admin)
    assert (caught.value.code, caught.value.message) == (
        "policy.pack_exists",
        "「新竹市政府」已有 111 年度的政策參數包。",
    )
    assert counts() == before


@pytest.mark.parametrize("year", [1911, 2201])
def test_pack_create_refuses_impossible_years(presets, policy_admin, year):
    with pytest.raises(PeiliError) as caught:
        services.pack_create(
            jurisdiction=Jurisdiction.objects.get(code="hsinchu-city"), year=year, source=MINIMAL, actor=policy_admin
        )
    assert caught.value.code == "policy.year_invalid"


def test_national_default_pack_must_be_complete(presets, policy_admin):
    national = Jurisdiction.objects.get(code="national")
    with pytest.raises(PeiliError) as caught:
        services.pack_create(jurisdiction=national, year=2027, source=MINIMAL, actor=policy_admin)
    assert [d["path"] for d in caught.value.details] == ["hours", "study", "subsidy"]
    assert not PolicyPack.objects.filter(jurisdiction=national, year=2027).exists()


def test_pack_copy(presets, policy_admin):
    hsinchu = presets["hsinchu-city"]
    copy = services.pack_copy(pack=hsinchu, jurisdiction=hsinchu.jurisdiction, year=2023, actor=policy_admin)
    assert (copy.year, copy.source, copy.data, copy.revision) == (2023, hsinchu.source, hsinchu.data, 1)
    assert copy.revisions.get().note == "複製自 新竹市政府 111 年公務人員訓練進修計畫 第 1 版"


# --- pack_update --------------------------------------------------------------------------------


def test_pack_update_bumps_revision_and_audits_the_changed_parameters(presets, policy_admin):
    pack = presets["kaohsiung-edu"]
    source = pack.source.replace("cap_per_semester: 10000", "cap_per_semester: 12000")
    updated = services.pack_update(pack=pack, source=source, actor=policy_admin, note="提高補助上限")
    assert (updated.revision, updated.updated_by, updated.source) == (2, policy_admin, source)
    assert updated.data["subsidy"]["cap_per_semester"] == 12000
    assert list(pack.revisions.values_list("number", "note", "created_by")) == [
        (2, "提高補助上限", policy_admin.pk),
        (1, "載入預設參數包 kaohsiung-edu-2014.yaml", None),
    ]
    entry = AuditEntry.objects.get(action="policy.pack_update")
    assert (entry.actor, entry.note, entry.object_id) == (policy_admin, "提高補助上限", str(pack.pk))
    assert entry.before == {"revision": 1, "subsidy.cap_per_semester": 10000}
    assert entry.after == {"revision": 2, "subsidy.cap_per_semester": 12000}


def test_pack_update_audits_a_removed_section(presets, policy_admin):
    pack = presets["chiayi-county"]
    source = pack.source[: pack.source.index("categories:")]
    services.pack_update(pack=pack, source=source, actor=policy_admin, note="移除訓練學院")
    entry = AuditEntry.objects.get(action="policy.pack_update")
    assert entry.after["categories"] is None
    assert entry.before["categories.label"] == "訓練學院"
    assert entry.after["categories.label"] is None
    assert entry.before["categories"] is None  # the key did not exist before
    assert entry.before["categories.tracks.policy.name"] == "政策學院"


def test_pack_update_saves_nothing_when_invalid(presets, policy_admin):
    pack = presets["hsinchu-city"]
    original = pack.source
    before = counts()
    with pytest.raises(PeiliError) as caught:
        services.pack_update(
            pack=pack, source=original.replace("hours: 1\n", "hours: 6\n", 2), actor=policy_admin, note="錯誤"
        )
    assert caught.value.code == "policy.invalid"
    assert [d["code"] for d in caught.value.details] == ["floor_exceeds_category"]
    assert counts() == before
    pack.refresh_from_db()
    assert (pack.revision, pack.source) == (1, original)


def test_pack_update_without_change_writes_nothing(presets, policy_admin):
    pack = presets["hsinchu-city"]
    before = counts()
    same = services.pack_update(pack=pack, source=pack.source, actor=policy_admin, note="未變更")
    assert same.revision == 1
    assert counts() == before


def test_pack_update_refuses_a_long_note(presets, policy_admin):
    with pytest.raises(PeiliError) as caught:
        services.pack_update(pack=presets["hsinchu-city"], source=MINIMAL, actor=policy_admin, note="長" * 201)
    assert caught.value.code == "policy.note_too_long"
    assert PolicyPack.objects.get(pk=presets["hsinchu-city"].pk).revision == 1


# --- jurisdictions ------------------------------------------------------------------------------


def test_jurisdiction_create_and_update_are_audited(db, policy_admin):
    j = services.jurisdiction_create(code="tainan-city", name="臺南市政府", actor=policy_admin)
    services.jurisdiction_update(jurisdiction=j, name="臺南市政府人事處", is_national_default=False, actor=policy_admin)
    j.refresh_from_db()
    assert (j.code, j.name, j.is_national_default) == ("tainan-city", "臺南市政府人事處", False)
    entries = list(AuditEntry.objects.order_by("id").values_list("action", "before", "after"))
    assert entries == [
        (
            "policy.jurisdiction_create",
            None,
            {"code": "tainan-city", "name": "臺南市政府", "is_national_default": False},
        ),
        ("policy.jurisdiction_update", {"name": "臺南市政府"}, {"name": "臺南市政府人事處"}),
    ]


@pytest.mark.parametrize("code", ["Tainan", "tainan city", "-tainan", "", "a" * 41])
def test_jurisdiction_code_must_be_a_slug(db, policy_admin, code):
    with pytest.raises(PeiliError) as caught:
        services.jurisdiction_create(code=code, name="臺南", actor=policy_admin)
    assert caught.value.code == "policy.jurisdiction_code_invalid"
    assert Jurisdiction.objects.count() == 0


def test_jurisdiction_code_must_be_unique(presets, policy_admin):
    with pytest.raises(Conflict) as caught:
        services.jurisdiction_create(code="national", name="重複", actor=policy_admin)
    assert caught.value.code == "policy.jurisdiction_exists"


def test_only_one_national_default(presets, policy_admin):
    before = counts()
    with pytest.raises(Conflict) as caught:
        services.jurisdiction_create(code="other", name="另一個", is_national_default=True, actor=policy_admin)
    assert (caught.value.code, caught.value.message) == (
        "policy.default_exists",
        "「全國（預設）」已是全國預設，請先取消它的全國預設。",
    )
    assert counts() == before


def test_a_new_national_default_needs_complete_packs(presets, policy_admin):
    taipei = Jurisdiction.objects.get(code="taipei-city")
    with pytest.raises(PeiliError) as caught:
        services.jurisdiction_update(
            jurisdiction=taipei, name=taipei.name, is_national_default=True, actor=policy_admin
        )
    assert caught.value.code == "policy.default_incomplete"
    assert caught.value.details == [{"year": 2020, "sections": ["hours", "study", "subsidy"]}]
    # Nothing changed: the national default is still the default.
    assert Jurisdiction.objects.get(is_national_default=True).code == "national"


def test_making_another_jurisdiction_the_default_moves_it(presets, policy_admin):
    national = Jurisdiction.objects.get(code="national")
    other = services.jurisdiction_create(code="national-next", name="全國（新）", actor=policy_admin)
    services.pack_copy(pack=national.packs.get(), jurisdiction=other, year=2026, actor=policy_admin)
    services.jurisdiction_update(jurisdiction=other, name=other.name, is_national_default=True, actor=policy_admin)
    assert list(Jurisdiction.objects.filter(is_national_default=True).values_list("code", flat=True)) == [
        "national-next"
    ]


def test_a_save_on_top_of_a_newer_revision_is_refused(db, admin_user):
    from peili.core.errors import Conflict
    from peili.policy import services
    from peili.policy.models import PolicyPack

    services.presets_load(actor=None)
    pack = PolicyPack.objects.get(jurisdiction__code="hsinchu-city")
    first = pack.source.replace("yearly_minimum: 20", "yearly_minimum: 21")
    services.pack_update(pack=pack, source=first, actor=admin_user, note="甲", base_revision=1)
    second = pack.source.replace("yearly_minimum: 20", "yearly_minimum: 22")
    with pytest.raises(Conflict) as caught:
        services.pack_update(pack=pack, source=second, actor=admin_user, note="乙", base_revision=1)
    assert caught.value.code == "policy.stale_revision"
    pack.refresh_from_db()
    assert (pack.revision, "yearly_minimum: 21" in pack.source) == (2, True)


def test_the_national_default_cannot_simply_be_switched_off(db, admin_user):
    from peili.core.errors import PeiliError
    from peili.policy import services
    from peili.policy.models import Jurisdiction

    services.presets_load(actor=None)
    national = Jurisdiction.objects.get(code="national")
    with pytest.raises(PeiliError) as caught:
        services.jurisdiction_update(
            jurisdiction=national, name=national.name, is_national_default=False, actor=admin_user
        )
    assert caught.value.code == "policy.default_required"
    assert Jurisdiction.objects.get(code="national").is_national_default
