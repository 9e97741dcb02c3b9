"""The enrolment app's error codes and audit actions — the one list of each.

Clients branch on the codes and auditors read the actions, so both are listed here and nowhere
else (Saleor's `error_codes.py`, Zulip's `AuditLogEventType`). A code never changes once
published; an action renamed keeps its former name, which the /audit/ page still labels.
`tests/core/test_codes.py` fails on a code raised or an action written that is not listed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peili.core import audit, errors
from peili.enrolment.enums import ErrorCode

APP = "enrolment"


class Error:
    """Error codes (`PeiliError.code`), with the HTTP status each answers with."""

    REGISTRATION_DEPUTY_NOT_FOUND = errors.register(
        APP, "registration.deputy_not_found", 404, _("找不到此職務代理人（須為同機關人員）。")
    )
    REGISTRATION_PERSON_NOT_FOUND = errors.register(
        APP, "registration.person_not_found", 404, _("找不到此人員，或不在您的權限範圍內。")
    )


# The registration services' own codes (`enums.ErrorCode`), described by their labels.
errors.register_choices(
    APP,
    ErrorCode,
    statuses={
        ErrorCode.NOT_FOUND: 404,
        ErrorCode.CLASS_NOT_FOUND: 404,
        ErrorCode.NO_PERSON: 403,
        ErrorCode.NOT_ACTIVE: 409,
        ErrorCode.NOT_PENDING: 409,
        ErrorCode.NOT_CONFIRMED: 409,
    },
)


class Action:
    """Audit actions (`AuditEntry.action`), each with its label on the /audit/ page."""

    REGISTER = audit.action(APP, "enrolment.register", _("報名"))
    PROMOTE = audit.action(APP, "enrolment.promote", _("候補遞補錄取"))
    CONSENT = audit.action(APP, "enrolment.consent", _("主管同意"))
    DECLINE = audit.action(APP, "enrolment.decline", _("主管不同意"))
    CANCEL = audit.action(APP, "enrolment.cancel", _("取消報名"))
    SUBSTITUTE = audit.action(APP, "enrolment.substitute", _("遞補"))
