"""The navigation: each entry shown only to those whose named permission allows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from peili.core.permissions import allowed

NAVIGATION: list[tuple[str, str, Any]] = [
    ("reports:home", "accounts.signed_in", _("首頁")),
    ("org:my_record", "org.view_own_record", _("我的資料")),
    ("catalog:browse", "catalog.browse", _("課程報名")),
    ("enrolment:mine", "enrolment.register", _("我的報名")),
    ("records:transcript", "records.view_own", _("我的學習時數")),
    ("surveys:mine", "surveys.answer", _("問卷與心得")),
    ("enrolment:consents", "enrolment.consent", _("待我同意")),
    ("enrolment:nominate", "enrolment.nominate", _("薦送報名")),
    ("catalog:manage", "catalog.manage", _("班期管理")),
    ("attendance:certification", "attendance.manage", _("結訓與認證")),
    ("surveys:results", "surveys.manage", _("問卷結果")),
    ("surveys:templates", "surveys.manage", _("問卷範本")),
    ("catalog:plans", "catalog.view_plans", _("年度計畫")),
    ("org:people", "org.view_people", _("人員")),
    ("org:import", "org.import_people", _("人員匯入")),
    ("records:compliance", "records.view_compliance", _("學習時數達成")),
    ("records:import", "records.import_records", _("學習紀錄匯入")),
    ("org:agencies", "org.view_agencies", _("機關")),
    ("policy:packs", "policy.view_packs", _("政策參數")),
    ("accounts:users", "accounts.manage_users", _("帳號與角色")),
    ("core:calendar", "core.manage_calendar", _("行事曆")),
    ("core:audit", "core.view_audit", _("稽核紀錄")),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    current = getattr(request, "path", "")
    for url_name, permission, label in NAVIGATION:
        if not allowed(user, permission):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": False})
    # The entry whose URL is the longest prefix of the page's is the current one (/records/compliance/
    # is under 學習時數達成, not 我的學習時數 at /records/).
    matches = [item for item in items if (current == "/" if item["url"] == "/" else current.startswith(item["url"]))]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items}
