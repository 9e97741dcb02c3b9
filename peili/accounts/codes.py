"""The accounts app's error codes and audit actions — the one list of each.

Clients branch on the codes and auditors read the actions, so both are listed here and nowhere
else (Saleor's `error_codes.py`, Zulip's `AuditLogEventType`). A code never changes once
published; an action renamed keeps its former name, which the /audit/ page still labels.
`tests/core/test_codes.py` fails on a code raised or an action written that is not listed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peili.core import audit, errors

APP = "accounts"


class Error:
    """Error codes (`PeiliError.code`), with the HTTP status each answers with."""

    PERSON_ALREADY_LINKED = errors.register(APP, "person.already_linked", 409, _("這位人員已連結其他帳號。"))
    ROLE_DUPLICATE = errors.register(APP, "role.duplicate", 409, _("此帳號已具有相同範圍的這個角色。"))
    ROLE_NOT_FOUND = errors.register(APP, "role.not_found", 404, _("找不到此角色指派。"))
    USER_USERNAME_TAKEN = errors.register(APP, "user.username_taken", 409, _("帳號「%(u)s」已存在。"))


class Action:
    """Audit actions (`AuditEntry.action`), each with its label on the /audit/ page."""

    USER_CREATE = audit.action(APP, "accounts.user_create", _("建立帳號"), former="user.create")
    USER_LINK_PERSON = audit.action(APP, "accounts.user_link_person", _("帳號連結人員"), former="user.link_person")
    USER_PASSWORD_CHANGE = audit.action(
        APP, "accounts.user_password_change", _("變更密碼"), former="user.password_change"
    )
    USER_SET_ACTIVE = audit.action(APP, "accounts.user_set_active", _("啟用或停用帳號"), former="user.set_active")
    ROLE_ASSIGN = audit.action(APP, "accounts.role_assign", _("指派角色"), former="role.assign")
    ROLE_REVOKE = audit.action(APP, "accounts.role_revoke", _("撤銷角色"), former="role.revoke")
