"""The org app's error codes and audit actions — the one list of each.

Clients branch on the codes and auditors read the actions, so both are listed here and nowhere
else (Saleor's `error_codes.py`, Zulip's `AuditLogEventType`). A code never changes once
published; an action renamed keeps its former name, which the /audit/ page still labels.
`tests/core/test_codes.py` fails on a code raised or an action written that is not listed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peili.core import audit, errors

APP = "org"


class Error:
    """Error codes (`PeiliError.code`), with the HTTP status each answers with."""

    AGENCY_CODE_TAKEN = errors.register(APP, "agency.code_taken", 409, _("機關代碼 %(code)s 已存在。"))
    AGENCY_CYCLE = errors.register(APP, "agency.cycle", 400, _("不能把機關移到自己或所屬機關之下。"))
    AGENCY_FIELD_NOT_EDITABLE = errors.register(APP, "agency.field_not_editable", 400, _("欄位 %(f)s 不可修改。"))
    AGENCY_NOT_FOUND = errors.register(APP, "agency.not_found", 404, _("找不到此機關，或不在您的權限範圍內。"))
    IMPORT_NOT_LOADABLE = errors.register(APP, "import.not_loadable", 409, _("這份檔案目前無法匯入：請重新上傳。"))
    PERSON_NOT_FOUND = errors.register(APP, "person.not_found", 404, _("找不到此人員。"))


class Action:
    """Audit actions (`AuditEntry.action`), each with its label on the /audit/ page."""

    AGENCY_CREATE = audit.action(APP, "org.agency_create", _("建立機關"), former="agency.create")
    AGENCY_UPDATE = audit.action(APP, "org.agency_update", _("修改機關"), former="agency.update")
    AGENCY_HEADCOUNT_SET = audit.action(
        APP, "org.agency_headcount_set", _("設定機關員額"), former="agency.headcount_set"
    )
    UNIT_IMPORT_CREATE = audit.action(APP, "org.unit_import_create", _("匯入新增單位"), former="unit.import_create")
    PERSON_IMPORT_CREATE = audit.action(
        APP, "org.person_import_create", _("匯入新增人員"), former="person.import_create"
    )
    PERSON_IMPORT_UPDATE = audit.action(
        APP, "org.person_import_update", _("匯入更新人員"), former="person.import_update"
    )
    PERSON_IMPORT_MARK_LEFT = audit.action(
        APP, "org.person_import_mark_left", _("匯入標記離職"), former="person.import_mark_left"
    )
    PERSON_IMPORT = audit.action(APP, "org.person_import", _("匯入人員資料"), former="person.import")
    IMPORT_UPLOAD = audit.action(APP, "org.import_upload", _("上傳人員匯入檔"), former="import.upload")
    IMPORT_LOAD_REQUESTED = audit.action(
        APP, "org.import_load_requested", _("要求匯入人員資料"), former="import.load_requested"
    )
    DEMO_LOAD = audit.action(APP, "org.demo_load", _("載入示範資料"), former="demo.load")
