"""The policy API at /api/v1/policy."""

from __future__ import annotations

import json

import pytest

from peili.core.models import AuditEntry
from peili.policy.models import PolicyPack, PolicyPackRevision

API = "/api/v1/policy"


def put(client, url: str, body: dict):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def post(client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_jurisdictions(organizer_client, presets):
    response = organizer_client.get(f"{API}/jurisdictions")
    assert response.status_code == 200
    assert response.json() == [
        {"code": "national", "name": "全國（預設）", "is_national_default": True, "years": [2026]},
        {"code": "chiayi-county", "name": "嘉義縣政府", "is_national_default": False, "years": [2014]},
        {"code": "hsinchu-city", "name": "新竹市政府", "is_national_default": False, "years": [2022]},
        {"code": "kaohsiung-edu", "name": "高雄市政府教育局", "is_national_default": False, "years": [2014]},
        {"code": "taipei-city", "name": "臺北市政府", "is_national_default": False, "years": [2020]},
    ]


def test_packs_filtered_by_jurisdiction(organizer_client, presets):
    response = organizer_client.get(f"{API}/packs", {"jurisdiction": "hsinchu-city"})
    [row] = response.json()
    assert (row["id"], row["jurisdiction"], row["year"], row["revision"]) == (
        presets["hsinchu-city"].pk,
        "hsinchu-city",
        2022,
        1,
    )
    assert len(organizer_client.get(f"{API}/packs").json()) == 5


def test_one_pack(organizer_client, presets):
    pack = presets["kaohsiung-edu"]
    body = organizer_client.get(f"{API}/packs/{pack.pk}").json()
    assert body["source"] == pack.source
    assert body["revision"] == 1
    assert body["data"]["subsidy"]["cap_per_semester"] == 10000
    assert body["data"]["hours"] is None


def test_missing_pack(organizer_client, presets):
    response = organizer_client.get(f"{API}/packs/999999")
    assert response.status_code == 404
    assert response.json() == {"code": "policy.pack_not_found", "message": "找不到此政策參數包。"}


def test_effective_pack(organizer_client, presets):
    response = organizer_client.get(f"{API}/effective/hsinchu-city/2026")
    assert response.status_code == 200
    body = response.json()
    assert body["inherited"] == ["subsidy", "portal", "survey"]
    assert body["origins"]["subsidy"] == {
        "jurisdiction": "national",
        "year": 2026,
        "revision": 1,
        "pack_id": presets["national"].pk,
    }
    assert body["sections"]["subsidy"]["cap_per_semester"] == 20000
    assert body["sections"]["attendance"]["absence"] == {
        "threshold": {"numerator": 1, "denominator": 3},
        "comparison": "strict",
        "unexcused_forfeits": True,
        "late_grace_minutes": 0,
    }
    assert body["sections"]["overseas_study"] is None


def test_effective_pack_of_an_unknown_jurisdiction(organizer_client, presets):
    response = organizer_client.get(f"{API}/effective/mars/2026")
    assert response.status_code == 404
    assert response.json()["code"] == "policy.jurisdiction_not_found"


def test_validate_reports_problems_with_lines(organizer_client, presets):
    response = post(
        organizer_client, f"{API}/validate", {"source": "format: 1\ntitle: 測試\nhours:\n  yearly_minimum: -3\n"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "valid": False,
        "title": None,
        "problems": [
            {"line": 3, "path": "hours.categories", "code": "missing", "message": "缺少必要的鍵「categories」。"},
            {"line": 3, "path": "hours.mandatory", "code": "missing", "message": "缺少必要的鍵「mandatory」。"},
            {
                "line": 4,
                "path": "hours.yearly_minimum",
                "code": "out_of_range",
                "message": "須大於或等於 1，目前寫的是整數 -3。",
            },
        ],
    }
    assert PolicyPack.objects.count() == 5


def test_validate_for_the_national_default_requires_every_section(organizer_client, presets):
    body = {"source": "format: 1\ntitle: 測試\n", "jurisdiction": "national"}
    assert [p["path"] for p in post(organizer_client, f"{API}/validate", body).json()["problems"]] == [
        "hours",
        "study",
        "subsidy",
    ]
    body["jurisdiction"] = "hsinchu-city"
    assert post(organizer_client, f"{API}/validate", body).json() == {"valid": True, "title": "測試", "problems": []}


def test_admin_updates_a_pack(admin_client, presets):
    pack = presets["kaohsiung-edu"]
    source = pack.source.replace("cap_per_semester: 10000", "cap_per_semester: 15000")
    response = put(admin_client, f"{API}/packs/{pack.pk}", {"source": source, "note": "API 調整"})
    assert response.status_code == 200
    assert (response.json()["revision"], response.json()["data"]["subsidy"]["cap_per_semester"]) == (2, 15000)
    assert PolicyPackRevision.objects.get(pack=pack, number=2).note == "API 調整"


def test_invalid_update_is_refused_with_details(admin_client, presets):
    pack = presets["kaohsiung-edu"]
    response = put(admin_client, f"{API}/packs/{pack.pk}", {"source": "format: 1\n", "note": "壞"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "policy.invalid",
        "message": "政策參數包有 1 個問題，沒有儲存。",
        "details": [{"line": 1, "path": "title", "code": "missing", "message": "缺少必要的鍵「title」。"}],
    }
    pack.refresh_from_db()
    assert pack.revision == 1


@pytest.mark.parametrize(
    ("who", "status", "code"), [("organizer", 403, "permission.denied"), ("anonymous", 401, "auth.required")]
)
def test_only_admins_change_packs(client, organizer, presets, who, status, code):
    if who == "organizer":
        client.force_login(organizer)
    pack = presets["kaohsiung-edu"]
    audit_before = AuditEntry.objects.count()
    source = pack.source.replace("cap_per_semester: 10000", "cap_per_semester: 99999")
    update = put(client, f"{API}/packs/{pack.pk}", {"source": source, "note": "偷改"})
    create = post(client, f"{API}/packs", {"jurisdiction": "kaohsiung-edu", "year": 2015, "source": source})
    assert (update.status_code, update.json()["code"]) == (status, code)
    assert (create.status_code, create.json()["code"]) == (status, code)
    pack.refresh_from_db()
    assert (pack.revision, pack.source) == (1, presets["kaohsiung-edu"].source)
    assert PolicyPack.objects.count() == 5
    assert AuditEntry.objects.count() == audit_before


def test_plain_user_cannot_read(client, plain_user, presets):
    client.force_login(plain_user)
    response = client.get(f"{API}/packs")
    assert (response.status_code, response.json()["code"]) == (403, "permission.denied")


def test_admin_creates_a_pack(admin_client, presets):
    response = post(
        admin_client,
        f"{API}/packs",
        {"jurisdiction": "taipei-city", "year": 2021, "source": presets["taipei-city"].source, "note": "110 年"},
    )
    assert response.status_code == 201
    assert (response.json()["year"], response.json()["revision"]) == (2021, 1)
    again = post(
        admin_client, f"{API}/packs", {"jurisdiction": "taipei-city", "year": 2021, "source": "format: 1\ntitle: x\n"}
    )
    assert (again.status_code, again.json()["code"]) == (409, "policy.pack_exists")
