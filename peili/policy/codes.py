"""The policy app's error codes and audit actions — the one list of each.

Clients branch on the codes and auditors read the actions, so both are listed here and nowhere
else (Saleor's `error_codes.py`, Zulip's `AuditLogEventType`). A code never changes once
published; an action renamed keeps its former name, which the /audit/ page still labels.
`tests/core/test_codes.py` fails on a code raised or an action written that is not listed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peili.core import audit, errors

APP = "policy"


class Error:
    """Error codes (`PeiliError.code`), with the HTTP status each answers with."""

    POLICY_CATEGORY_CODE_INVALID = errors.register(
        APP, "policy.category_code_invalid", 400, _("入口網代碼只能含英文字母與數字（1 至 10 碼）：%(items)s。")
    )
    POLICY_DEFAULT_EXISTS = errors.register(
        APP, "policy.default_exists", 409, _("「%(name)s」已是全國預設，請先取消它的全國預設。")
    )
    POLICY_DEFAULT_INCOMPLETE = errors.register(
        APP,
        "policy.default_incomplete",
        400,
        _("此轄區有參數包缺少全國預設必備的區段（%(sections)s），不能設為全國預設。"),
    )
    POLICY_DEFAULT_REQUIRED = errors.register(
        APP,
        "policy.default_required",
        400,
        _("必須有一個全國預設轄區：請改將另一個轄區設為全國預設，本轄區即自動取消。"),
    )
    POLICY_INVALID = errors.register(
        APP, "policy.invalid", 400, _("政策參數包內容有問題（details 列出行號與原因），沒有儲存。")
    )
    POLICY_JURISDICTION_CODE_INVALID = errors.register(
        APP,
        "policy.jurisdiction_code_invalid",
        400,
        _("轄區代碼須為小寫英文字母、數字與連字號（最多 40 字），例如 hsinchu-city。"),
    )
    POLICY_JURISDICTION_EXISTS = errors.register(
        APP, "policy.jurisdiction_exists", 409, _("轄區代碼 %(code)s 已存在。")
    )
    POLICY_JURISDICTION_NAME_INVALID = errors.register(
        APP, "policy.jurisdiction_name_invalid", 400, _("轄區名稱須為 1 至 100 字。")
    )
    POLICY_JURISDICTION_NOT_FOUND = errors.register(APP, "policy.jurisdiction_not_found", 404, _("找不到此轄區。"))
    POLICY_NO_PACK = errors.register(APP, "policy.no_pack", 404, _("該年度（含）以前沒有適用的政策參數包。"))
    POLICY_NOTE_TOO_LONG = errors.register(APP, "policy.note_too_long", 400, _("修改說明過長。"))
    POLICY_PACK_EXISTS = errors.register(APP, "policy.pack_exists", 409, _("此轄區該年度已有政策參數包。"))
    POLICY_PACK_NOT_FOUND = errors.register(APP, "policy.pack_not_found", 404, _("找不到此政策參數包。"))
    POLICY_SECTION_MISSING = errors.register(
        APP, "policy.section_missing", 400, _("政策參數缺少必備的區段，全國預設也沒有。")
    )
    POLICY_STALE_REVISION = errors.register(
        APP, "policy.stale_revision", 409, _("參數包已有較新的版本，請在最新版本上修改。")
    )
    POLICY_UNKNOWN_CATEGORY = errors.register(
        APP, "policy.unknown_category", 400, _("學習類別「%(keys)s」不在參數包中。")
    )
    POLICY_YEAR_INVALID = errors.register(
        APP, "policy.year_invalid", 400, _("年度須介於民國 %(lo)d 年與 %(hi)d 年之間。")
    )


class Action:
    """Audit actions (`AuditEntry.action`), each with its label on the /audit/ page."""

    JURISDICTION_CREATE = audit.action(APP, "policy.jurisdiction_create", _("建立轄區"))
    JURISDICTION_UPDATE = audit.action(APP, "policy.jurisdiction_update", _("修改轄區"))
    PACK_CREATE = audit.action(APP, "policy.pack_create", _("建立政策參數包"))
    PACK_UPDATE = audit.action(APP, "policy.pack_update", _("修改政策參數包"))
