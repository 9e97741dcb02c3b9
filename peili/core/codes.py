"""The core app's error codes and audit actions — the one list of each.

Clients branch on the codes and auditors read the actions, so both are listed here and nowhere
else (Saleor's `error_codes.py`, Zulip's `AuditLogEventType`). A code never changes once
published; an action renamed keeps its former name, which the /audit/ page still labels.
`tests/core/test_codes.py` fails on a code raised or an action written that is not listed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peili.core import audit, errors
from peili.core.tabular import FileProblem

APP = "core"


class Error:
    """Error codes (`PeiliError.code`), with the HTTP status each answers with."""

    CALENDAR_NOT_FOUND = errors.register(APP, "calendar.not_found", 404, _("找不到這筆行事曆調整，可能已被刪除。"))
    PERMISSION_DENIED = errors.register(APP, "permission.denied", 403, _("您沒有權限執行此操作。"))
    # Something asked for by id that is not there, or not for this user (a page's 404).
    NOT_FOUND = errors.register(APP, "not_found", 404, _("找不到此資源。"))
    DATE_INVALID = errors.register(APP, "date.invalid", 400, _("日期「%(value)s」無法辨識：%(reason)s"))
    # A lock held by another transaction past PEILI_LOCK_TIMEOUT_MS (core.locking): retryable.
    LOCK_TIMEOUT = errors.register(APP, "core.lock_timeout", 409, _("系統忙碌中，請稍後再試。"))


# A file an importer cannot read (core.tabular), each code described by its label.
errors.register_choices(APP, FileProblem, statuses={FileProblem.TOO_LARGE: 413})


class Action:
    """Audit actions (`AuditEntry.action`), each with its label on the /audit/ page."""

    CALENDAR_OVERRIDE_SET = audit.action(
        APP, "core.calendar_override_set", _("設定行事曆調整"), former="calendar.override_set"
    )
    CALENDAR_OVERRIDE_DELETE = audit.action(
        APP, "core.calendar_override_delete", _("刪除行事曆調整"), former="calendar.override_delete"
    )
