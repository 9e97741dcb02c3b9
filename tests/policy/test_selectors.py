"""The effective pack: the jurisdiction's latest pack up to the year, with missing sections
taken whole from the national default's pack for that year."""

from __future__ import annotations

import pytest

from peili.core.errors import NotFound, PeiliError
from peili.policy import selectors, services
from peili.policy.models import Jurisdiction, PolicyPack
from peili.policy.selectors import effective_pack


def origins(pack) -> dict[str, tuple[str, int]]:
    return {name: (o.jurisdiction_code, o.year) for name, o in pack.origins.items()}


def test_hsinchu_in_2026_inherits_only_the_subsidy(presets):
    pack = effective_pack("hsinchu-city", 2026)
    assert origins(pack) == {
        "hours": ("hsinchu-city", 2022),
        "attendance": ("hsinchu-city", 2022),
        "certification": ("hsinchu-city", 2022),
        "study": ("hsinchu-city", 2022),
        "subsidy": ("national", 2026),
        "categories": ("hsinchu-city", 2022),
        "registration": ("hsinchu-city", 2022),
        "portal": ("national", 2026),
        "survey": ("national", 2026),
    }
    assert pack.inherited == ("subsidy", "portal", "survey")
    assert pack.backdated == ()
    assert pack.subsidy.cap_per_semester == 20000
    assert pack.require_certification().deadline_working_days == 7


def test_kaohsiung_takes_hours_from_the_national_default(presets):
    pack = effective_pack("kaohsiung-edu", 2026)
    assert pack.hours.yearly_minimum == 20
    assert pack.subsidy.cap_per_semester == 10000
    assert pack.attendance is None
    assert pack.inherited == ("hours", "registration", "portal", "survey")


def test_a_year_before_the_national_default_uses_its_earliest_pack(presets):
    pack = effective_pack("chiayi-county", 2014)
    assert origins(pack)["hours"] == ("national", 2026)
    assert pack.backdated == ("hours", "registration", "portal", "survey")
    assert pack.subsidy.enabled is False


def test_before_the_first_pack_of_a_jurisdiction_everything_is_national(presets):
    pack = effective_pack("hsinchu-city", 2021)
    assert pack.title == "全國預設：公務人員訓練進修共通規定"
    assert set(origins(pack).values()) == {("national", 2026)}
    assert pack.attendance is None


def test_the_latest_pack_up_to_the_year_applies(presets, policy_admin):
    hsinchu = presets["hsinchu-city"]
    source = hsinchu.source.replace("yearly_minimum: 20", "yearly_minimum: 24")
    services.pack_create(jurisdiction=hsinchu.jurisdiction, year=2025, source=source, actor=policy_admin)
    assert effective_pack("hsinchu-city", 2024).hours.yearly_minimum == 20
    assert effective_pack("hsinchu-city", 2025).hours.yearly_minimum == 24
    assert effective_pack("hsinchu-city", 2030).hours.yearly_minimum == 24


def test_national_changes_reach_the_jurisdictions_that_inherit(presets, policy_admin):
    national = presets["national"]
    source = national.source.replace("cap_per_semester: 20000", "cap_per_semester: 25000")
    services.pack_create(jurisdiction=national.jurisdiction, year=2028, source=source, actor=policy_admin)
    assert effective_pack("hsinchu-city", 2027).subsidy.cap_per_semester == 20000
    assert effective_pack("hsinchu-city", 2028).subsidy.cap_per_semester == 25000
    assert effective_pack("kaohsiung-edu", 2028).subsidy.cap_per_semester == 10000
    assert effective_pack("national", 2028).inherited == ()


def test_accepts_a_jurisdiction_object(presets):
    taipei = Jurisdiction.objects.get(code="taipei-city")
    pack = effective_pack(taipei, 2026)
    assert pack.require_overseas_study().eligibility.minimum_grade == 5
    assert pack.inherited == ("hours", "study", "subsidy", "registration", "portal", "survey")


def test_unknown_jurisdiction(presets):
    with pytest.raises(NotFound) as caught:
        effective_pack("mars", 2026)
    assert (caught.value.code, caught.value.message) == ("policy.jurisdiction_not_found", "找不到轄區「mars」。")


def test_without_a_national_default_a_partial_pack_is_not_enough(presets):
    Jurisdiction.objects.filter(code="national").update(is_national_default=False)
    with pytest.raises(PeiliError) as caught:
        effective_pack("hsinchu-city", 2026)  # Hsinchu has no subsidy section of its own
    assert caught.value.code == "policy.section_missing"
    assert caught.value.message == "「hsinchu-city」115 年的政策參數缺少「進修補助」，全國預設也沒有。"
    assert caught.value.details == {"jurisdiction": "hsinchu-city", "year": 2026, "sections": ["subsidy"]}
    assert effective_pack("national", 2026).inherited == ()  # a complete pack needs no default


def test_query_count_is_fixed(presets, django_assert_num_queries):
    with django_assert_num_queries(4):
        selectors._effective_pack("hsinchu-city", 2026)


def test_the_effective_pack_is_kept_until_a_pack_changes(presets, django_assert_num_queries):
    first = effective_pack("hsinchu-city", 2026)
    with django_assert_num_queries(1):  # the policy stamp only
        assert effective_pack("hsinchu-city", 2026) is first
    pack = PolicyPack.objects.get(jurisdiction__code="hsinchu-city")
    pack.save()
    assert effective_pack("hsinchu-city", 2026) is not first


def test_the_national_default_reaches_back_for_itself(presets):
    pack = effective_pack("national", 2010)
    assert origins(pack)["hours"] == ("national", 2026)
    assert pack.inherited == ()
    assert pack.backdated == ("hours", "study", "subsidy", "registration", "portal", "survey")
