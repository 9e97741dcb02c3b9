"""Pages: who may see and change packs, what the pages show, and that refused changes change nothing."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peili.core.models import AuditEntry
from peili.policy import services
from peili.policy.models import Jurisdiction, PolicyPack, PolicyPackRevision
from tests.factories import JurisdictionFactory


def state() -> tuple:
    return (
        list(PolicyPack.objects.order_by("pk").values_list("pk", "revision", "source")),
        PolicyPackRevision.objects.count(),
        list(Jurisdiction.objects.order_by("pk").values_list("code", "name", "is_national_default")),
        AuditEntry.objects.count(),
    )


def text(response) -> str:
    return response.content.decode()


def textarea(body: str) -> str:
    found = re.search(r'<textarea name="source"[^>]*>\n(.*?)</textarea>', body, re.DOTALL)
    assert found is not None
    return html.unescape(found.group(1))


# --- permissions --------------------------------------------------------------------------------


def view_urls(pack: PolicyPack) -> list[str]:
    return [
        reverse("policy:packs"),
        reverse("policy:pack_detail", args=[pack.pk]),
        reverse("policy:pack_history", args=[pack.pk]),
        reverse("policy:revision_detail", args=[pack.pk, 1]),
        reverse("policy:compare"),
    ]


def manage_urls(pack: PolicyPack) -> list[str]:
    return [
        reverse("policy:pack_create"),
        reverse("policy:pack_edit", args=[pack.pk]),
        reverse("policy:pack_copy", args=[pack.pk]),
        reverse("policy:jurisdiction_create"),
        reverse("policy:jurisdiction_edit", args=[pack.jurisdiction.code]),
    ]


@pytest.mark.parametrize(
    ("who", "view_status", "manage_status"), [("admin", 200, 200), ("organizer", 200, 403), ("plain", 403, 403)]
)
def test_role_matrix(client, presets, policy_admin, organizer, plain_user, who, view_status, manage_status):
    client.force_login({"admin": policy_admin, "organizer": organizer, "plain": plain_user}[who])
    pack = presets["hsinchu-city"]
    assert [client.get(url).status_code for url in view_urls(pack)] == [view_status] * 5
    assert [client.get(url).status_code for url in manage_urls(pack)] == [manage_status] * 5


def test_anonymous_is_sent_to_sign_in(client, presets):
    response = client.get(reverse("policy:packs"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_non_admin_posts_change_nothing(organizer_client, presets):
    pack = presets["hsinchu-city"]
    before = state()
    edited = pack.source.replace("yearly_minimum: 20", "yearly_minimum: 30")
    posts = [
        (reverse("policy:pack_edit", args=[pack.pk]), {"source": edited, "note": "偷改"}),
        (reverse("policy:pack_create"), {"jurisdiction": pack.jurisdiction.pk, "roc_year": "112", "source": edited}),
        (
            reverse("policy:pack_copy", args=[pack.pk]),
            {"jurisdiction": pack.jurisdiction.pk, "roc_year": "112", "source": edited},
        ),
        (reverse("policy:jurisdiction_create"), {"code": "x-city", "name": "某市"}),
        (reverse("policy:jurisdiction_edit", args=["hsinchu-city"]), {"name": "改名", "is_national_default": "on"}),
    ]
    assert [organizer_client.post(url, data).status_code for url, data in posts] == [403] * 5
    assert state() == before


# --- list and detail ----------------------------------------------------------------------------


def test_list_shows_every_jurisdiction_and_pack(organizer_client, presets):
    response = organizer_client.get(reverse("policy:packs"))
    body = text(response)
    for name in ["全國（預設）", "新竹市政府", "高雄市政府教育局", "嘉義縣政府", "臺北市政府"]:
        assert f">{name} <" in body
    assert [j.code for j in response.context["jurisdictions"]] == [
        "national",
        "chiayi-county",
        "hsinchu-city",
        "kaohsiung-edu",
        "taipei-city",
    ]
    assert '<td data-label="年度">111</td>' in body  # Hsinchu 2022 as an ROC year
    assert '<td data-label="年度">115</td>' in body
    assert reverse("policy:pack_create") not in body  # organizers cannot create


def test_list_query_count_does_not_grow_with_rows(organizer_client, db):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert organizer_client.get(reverse("policy:packs")).status_code == 200
        return len(ctx.captured_queries)

    JurisdictionFactory(code="one")
    services.pack_create(
        jurisdiction=Jurisdiction.objects.get(code="one"), year=2026, source="format: 1\ntitle: 一\n", actor=None
    )
    queries()  # this process's caches warm (the signed-in identity, the stamps), as the second's are
    with_one = queries()
    for code in ("two", "three"):
        j = JurisdictionFactory(code=code)
        services.pack_create(jurisdiction=j, year=2026, source="format: 1\ntitle: 二\n", actor=None)
    assert queries() == with_one


def test_detail_shows_readable_parameters_and_the_source(organizer_client, presets):
    pack = presets["hsinchu-city"]
    response = organizer_client.get(reverse("policy:pack_detail", args=[pack.pk]))
    body = text(response)
    rows = dict(re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', body))
    assert rows["年度最低學習時數"] == "20 小時"
    assert rows["必修：民主治理價值"] == "5 小時"
    assert rows["　其中「性別主流化」至少"] == "1 小時"
    assert rows["其餘與業務相關時數"] == "10 小時"
    assert rows["缺課規則"] == "缺課（含請假）時數逾課程時數 1/3 者，不予登錄時數"
    assert rows["未請假缺課"] == "一律不予登錄時數"
    assert rows["時數認證登錄期限"] == "課程結束後 7 個工作日內"
    assert rows["計入人數上限的進修類型"] == "部分辦公時間進修"
    assert rows["每人每學期補助上限"] == "NT$20,000"  # inherited from the national default
    assert "沿用全國（預設） 115 年" in body
    assert "yearly_minimum: 20" in body  # the YAML source
    assert '<h2 id="s-overseas_study">出國進修' in body
    assert "未設定：本參數包與全國預設皆未規定。" in body


def test_detail_of_overseas_study(organizer_client, presets):
    body = text(organizer_client.get(reverse("policy:pack_detail", args=[presets["taipei-city"].pk])))
    rows = dict(re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', body))
    assert rows["最低職等"] == "委任第 5 職等以上"
    assert (
        rows["市政專題研究：年齡上限"]
        == "委任第 5 職等至薦任第 9 職等 55 歲以下；簡任第 10 職等至簡任第 14 職等 60 歲以下"
    )
    assert rows["進修博士學位：補助上限"] == "每年最高 NT$1,000,000，合計最高 NT$3,000,000"
    assert rows["進修博士學位：期間上限"] == "36 個月（須報行政院專案核定）"
    assert rows["考績"] == "最近 2 年年終考績均考列甲等"


# --- editing ------------------------------------------------------------------------------------


def test_admin_edits_a_pack(admin_client, presets, policy_admin):
    pack = presets["hsinchu-city"]
    url = reverse("policy:pack_edit", args=[pack.pk])
    assert textarea(text(admin_client.get(url))) == pack.source
    edited = pack.source.replace("deadline_working_days: 7", "deadline_working_days: 5")
    response = admin_client.post(url, {"source": edited, "note": "縮短認證期限"})
    assert response.status_code == 302
    assert response["Location"] == reverse("policy:pack_detail", args=[pack.pk])
    pack.refresh_from_db()
    assert (pack.revision, pack.data["certification"]["deadline_working_days"]) == (2, 5)
    entry = AuditEntry.objects.get(action="policy.pack_update")
    assert (entry.actor, entry.before, entry.after) == (
        policy_admin,
        {"revision": 1, "certification.deadline_working_days": 7},
        {"revision": 2, "certification.deadline_working_days": 5},
    )


def test_edit_with_problems_keeps_the_text_and_lists_line_numbers(admin_client, presets):
    pack = presets["hsinchu-city"]
    before = state()
    broken = pack.source.replace("yearly_minimum: 20", "yearly_minimum: 二十")
    line = broken.splitlines().index("  yearly_minimum: 二十") + 1
    response = admin_client.post(reverse("policy:pack_edit", args=[pack.pk]), {"source": broken, "note": "錯"})
    assert response.status_code == 200
    body = text(response)
    assert [(p.line, p.path, p.code) for p in response.context["problems"]] == [
        (line, "hours.yearly_minimum", "wrong_type")
    ]
    assert f'<a href="#src-line-{line}">第 {line} 行</a>' in body
    assert "須為整數，目前寫的是文字「二十」。" in body
    assert textarea(body) == broken  # the text is kept, exactly
    assert f'<li id="src-line-{line}" class="policy-problem-line">' in body
    assert 'aria-invalid="true"' in body
    assert state() == before


def test_check_only_does_not_save(admin_client, presets):
    pack = presets["hsinchu-city"]
    before = state()
    edited = pack.source.replace("deadline_working_days: 7", "deadline_working_days: 5")
    response = admin_client.post(reverse("policy:pack_edit", args=[pack.pk]), {"source": edited, "validate": "1"})
    assert response.status_code == 200
    assert "檢查通過：內容沒有問題（尚未儲存）。" in text(response)
    assert state() == before


def test_saving_without_changes(admin_client, presets):
    pack = presets["hsinchu-city"]
    before = state()
    response = admin_client.post(
        reverse("policy:pack_edit", args=[pack.pk]), {"source": pack.source, "note": "沒改"}, follow=True
    )
    assert "內容沒有變更，未建立新版本。" in text(response)
    assert state() == before


def test_history_and_old_revision(admin_client, presets, policy_admin):
    pack = presets["kaohsiung-edu"]
    services.pack_update(
        pack=pack,
        source=pack.source.replace("cap_per_semester: 10000", "cap_per_semester: 12000"),
        actor=policy_admin,
        note="提高補助上限",
    )
    history = text(admin_client.get(reverse("policy:pack_history", args=[pack.pk])))
    assert "提高補助上限" in history
    assert "政策管理者" in history
    assert "載入預設參數包 kaohsiung-edu-2014.yaml" in history
    assert history.index("第 2 版") < history.index("第 1 版")
    old = admin_client.get(reverse("policy:revision_detail", args=[pack.pk, 1]))
    rows = dict(re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', text(old)))
    assert rows["每人每學期補助上限"] == "NT$10,000"
    assert "這是舊版本；目前為第 2 版。" in text(old)
    current = admin_client.get(reverse("policy:pack_detail", args=[pack.pk]))
    rows = dict(re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', text(current)))
    assert rows["每人每學期補助上限"] == "NT$12,000"
    assert admin_client.get(reverse("policy:revision_detail", args=[pack.pk, 3])).status_code == 404


def test_copy_for_a_new_year(admin_client, presets):
    pack = presets["chiayi-county"]
    form = admin_client.get(reverse("policy:pack_copy", args=[pack.pk])).context["form"]
    assert form.initial["roc_year"] == 104
    assert form.initial["source"] == pack.source
    response = admin_client.post(
        reverse("policy:pack_copy", args=[pack.pk]),
        {"jurisdiction": pack.jurisdiction.pk, "roc_year": "104", "source": pack.source, "note": "沿用 103 年"},
    )
    copy = PolicyPack.objects.get(jurisdiction=pack.jurisdiction, year=2015)
    assert response["Location"] == reverse("policy:pack_detail", args=[copy.pk])
    assert (copy.source, copy.revision, copy.revisions.get().note) == (pack.source, 1, "沿用 103 年")


def test_create_for_an_existing_year_is_refused(admin_client, presets):
    pack = presets["chiayi-county"]
    before = state()
    response = admin_client.post(
        reverse("policy:pack_create"),
        {"jurisdiction": pack.jurisdiction.pk, "roc_year": "103", "source": pack.source},
    )
    assert response.status_code == 200
    assert "「嘉義縣政府」已有 103 年度的政策參數包。" in text(response)
    assert state() == before


def test_create_with_problems(admin_client, presets):
    before = state()
    response = admin_client.post(
        reverse("policy:pack_create"),
        {
            "jurisdiction": presets["national"].jurisdiction.pk,
            "roc_year": "116",
            "source": "format: 1\ntitle: 不完整\n",
        },
    )
    assert [(p.line, p.path, p.code) for p in response.context["problems"]] == [
        (1, "hours", "section_required"),
        (1, "study", "section_required"),
        (1, "subsidy", "section_required"),
    ]
    assert state() == before


# --- compare ------------------------------------------------------------------------------------


def compare_rows(response) -> dict[tuple[str, str], tuple[str, str, bool]]:
    return {
        (section.label, row.label): (row.left, row.right, row.differs)
        for section in response.context["sections"]
        for row in section.rows
    }


def test_compare_shows_differing_rows(organizer_client, presets):
    left, right = presets["hsinchu-city"], presets["chiayi-county"]
    response = organizer_client.get(reverse("policy:compare"), {"left": left.pk, "right": right.pk})
    rows = compare_rows(response)
    assert rows["出席與缺課", "門檻邊界"] == ("逾門檻（>）才不予登錄", "達門檻（≥）即不予登錄", True)
    assert rows["進修", "公假是否含路程時間"] == ("不含路程時間", "含路程時間", True)
    assert rows["進修", "進修申請期限"] == ("未規定", "每年 6 月 30 日前（逾期不受理）", True)
    assert rows["進修補助", "進修費用補助"] == ("有補助", "不補助", True)
    assert rows["時數認證", "時數認證登錄期限"] == ("課程結束後 7 個工作日內", "未設定", True)
    assert rows["學習時數", "年度最低學習時數"] == ("20 小時", "20 小時", False)  # Chiayi inherits the national 20
    assert rows["出席與缺課", "缺課門檻"] == ("課程時數的 1/3", "課程時數的 1/3", False)
    body = text(response)
    assert rows["進修", "說明"][2] is True  # notes are compared too
    differing = sum(1 for value in rows.values() if value[2])
    assert len(rows) == sum(len(section.rows) for section in response.context["sections"])
    assert response.context["differing"] == differing
    assert body.count('<td class="diff">') == 2 * differing
    assert body.count('<span class="badge warn">不同</span>') == differing
    assert f"共 {differing} 項不同。" in body


def test_compare_only_differences(organizer_client, presets):
    left, right = presets["hsinchu-city"], presets["chiayi-county"]
    body = text(
        organizer_client.get(reverse("policy:compare"), {"left": left.pk, "right": right.pk, "only_differences": "on"})
    )
    assert "門檻邊界" in body
    assert "年度最低學習時數" not in body


def test_compare_a_pack_with_itself_has_no_differences(organizer_client, presets):
    pk = presets["national"].pk
    response = organizer_client.get(reverse("policy:compare"), {"left": pk, "right": pk})
    assert response.context["differing"] == 0
    assert '<td class="diff">' not in text(response)


def test_compare_form_without_a_choice(organizer_client, presets):
    response = organizer_client.get(reverse("policy:compare"), {"left": presets["national"].pk})
    assert response.status_code == 200
    assert response.context["sections"] == []
    assert "這個欄位是必須的" not in text(response)


# --- jurisdictions ------------------------------------------------------------------------------


def test_admin_creates_and_edits_a_jurisdiction(admin_client, presets):
    response = admin_client.post(reverse("policy:jurisdiction_create"), {"code": "tainan-city", "name": "臺南市政府"})
    assert response.status_code == 302
    assert Jurisdiction.objects.get(code="tainan-city").name == "臺南市政府"
    response = admin_client.post(
        reverse("policy:jurisdiction_edit", args=["tainan-city"]), {"code": "ignored", "name": "臺南市政府人事處"}
    )
    assert response.status_code == 302
    assert list(Jurisdiction.objects.filter(code="tainan-city").values_list("name", flat=True)) == ["臺南市政府人事處"]


def test_second_national_default_is_refused_in_the_form(admin_client, presets):
    before = state()
    response = admin_client.post(
        reverse("policy:jurisdiction_create"), {"code": "other", "name": "另一個", "is_national_default": "on"}
    )
    assert response.status_code == 200
    assert "「全國（預設）」已是全國預設，請先取消它的全國預設。" in text(response)
    assert state() == before


# --- learning categories and their portal codes ------------------------------------------------------


def test_the_categories_page_shows_the_tree_and_what_each_counts_for(organizer_client, presets):
    page = text(organizer_client.get(reverse("policy:categories"), {"jurisdiction": "hsinchu-city"}))
    assert "新竹市政府 115 年的學習類別" in page
    assert "環境教育" in page
    assert "性別主流化" in page
    assert "民主治理價值（性別主流化）" in page  # the floor a gender-mainstreaming hour counts for
    assert "<code>522</code>" in page  # known codes shown…
    assert 'name="code_' not in page  # …but only an administrator gets the form


def test_an_administrator_fills_in_codes_without_yaml_and_it_is_audited(client, presets):
    from peili.core.models import AuditEntry
    from peili.policy.models import PolicyPack
    from tests.factories import UserFactory, grant

    admin = UserFactory(username="cat-admin")
    grant(admin, "admin")
    client.force_login(admin)
    url = reverse("policy:categories") + "?jurisdiction=hsinchu-city"
    response = client.post(url, {"jurisdiction": "hsinchu-city", "code_environmental_education": "20 1"})
    assert "入口網代碼只能含英文字母與數字（1 至 10 碼）。" in text(response)
    pack = PolicyPack.objects.get(jurisdiction__code="hsinchu-city")
    assert pack.revision == 1  # nothing written
    response = client.post(
        url, {"jurisdiction": "hsinchu-city", "code_environmental_education": "201", "code_major_policy": "101"}
    )
    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.revision == 2
    assert 'environmental_education: {name: 環境教育, portal_code: "201"}' in pack.source
    assert "# 捌、二：年度最低學習時數 20 小時" in pack.source  # the comments are kept
    assert pack.data["hours"]["categories"]["major_policy"]["portal_code"] == "101"
    entry = AuditEntry.objects.filter(action="policy.pack_update").latest("pk")
    assert entry.after["hours.categories.environmental_education.portal_code"] == "201"
    assert "<code>" not in text(client.get(url)).split("環境教育")[1][:80]  # shown in the form now
