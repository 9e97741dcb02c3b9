"""The surveys app's error codes and audit actions — the one list of each.

Clients branch on the codes and auditors read the actions, so both are listed here and nowhere
else (Saleor's `error_codes.py`, Zulip's `AuditLogEventType`). A code never changes once
published; an action renamed keeps its former name, which the /audit/ page still labels.
`tests/core/test_codes.py` fails on a code raised or an action written that is not listed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peili.core import audit, errors
from peili.surveys.enums import ErrorCode

APP = "surveys"


class Error:
    """Error codes (`PeiliError.code`), with the HTTP status each answers with."""

    INSTRUCTOR_NOT_FOUND = errors.register(
        APP, "instructor.not_found", 404, _("您主辦的班期中沒有這位講座的問卷結果。")
    )
    REFLECTION_COMMENT_REQUIRED = errors.register(
        APP, "reflection.comment_required", 400, _("退回心得須填寫審閱意見。")
    )
    REFLECTION_MIN_CHARS = errors.register(APP, "reflection.min_chars", 400, _("最少字數須至少 1 字。"))
    SURVEY_ITEM_NOT_FOUND = errors.register(APP, "survey.item_not_found", 404, _("找不到要移動的項目，可能已被刪除。"))
    SURVEY_NO_PERSON = errors.register(APP, "survey.no_person", 403, _("帳號未對應人員資料，無法填答問卷。"))
    SURVEY_NOT_ATTACHED = errors.register(APP, "survey.not_attached", 404, _("本班期尚未設定課後問卷。"))
    SURVEY_NOT_FOUND = errors.register(APP, "survey.not_found", 404, _("本班期沒有問卷。"))
    SURVEY_OPTIONS_DUPLICATE = errors.register(APP, "survey.options_duplicate", 400, _("選項不可重複。"))
    SURVEY_OPTIONS_REQUIRED = errors.register(APP, "survey.options_required", 400, _("單選或複選題至少須有兩個選項。"))
    SURVEY_QUESTION_NOT_FOUND = errors.register(
        APP, "survey.question_not_found", 404, _("找不到這個題目，可能已被刪除。")
    )
    SURVEY_SECTION_NOT_FOUND = errors.register(
        APP, "survey.section_not_found", 404, _("找不到這個題組，可能已被刪除。")
    )
    SURVEY_TEMPLATE_EXISTS = errors.register(APP, "survey.template_exists", 409, _("已有同名的問卷範本。"))
    SURVEY_TEMPLATE_FOREIGN = errors.register(APP, "survey.template_foreign", 400, _("只能使用本機關的問卷範本。"))
    SURVEY_TEMPLATE_NOT_FOUND = errors.register(APP, "survey.template_not_found", 404, _("找不到此問卷範本。"))
    SURVEY_YEAR_RANGE = errors.register(
        APP, "survey.year_range", 400, _("年度範圍不正確（起年不可晚於迄年，且有年數上限）。")
    )


# The survey and reflection services' own codes (`enums.ErrorCode`), described by their labels.
errors.register_choices(
    APP,
    ErrorCode,
    statuses={
        ErrorCode.NOT_INVITED: 404,
        ErrorCode.NOT_OPEN: 409,
        ErrorCode.CLOSED: 409,
        ErrorCode.ALREADY_ANSWERED: 409,
        ErrorCode.ALREADY_ATTACHED: 409,
        ErrorCode.REFLECTION_STATE: 409,
    },
)


class Action:
    """Audit actions (`AuditEntry.action`), each with its label on the /audit/ page."""

    SURVEY_ANSWER = audit.action(APP, "surveys.survey_answer", _("填答問卷"), former="survey.answer")
    SURVEY_ATTACH = audit.action(APP, "surveys.survey_attach", _("設定課後問卷"), former="survey.attach")
    SURVEY_DETACH = audit.action(APP, "surveys.survey_detach", _("取消課後問卷"), former="survey.detach")
    SURVEY_INVITE = audit.action(APP, "surveys.survey_invite", _("邀請填答問卷"), former="survey.invite")
    SURVEY_POOL_FLUSH = audit.action(APP, "surveys.survey_pool_flush", _("寫入匿名答案"), former="survey.pool_flush")
    TEMPLATE_CREATE = audit.action(APP, "surveys.template_create", _("建立問卷範本"), former="survey_template.create")
    TEMPLATE_UPDATE = audit.action(APP, "surveys.template_update", _("修改問卷範本"), former="survey_template.update")
    TEMPLATE_DEFAULT = audit.action(
        APP, "surveys.template_default", _("設定預設問卷範本"), former="survey_template.default"
    )
    TEMPLATE_NEW_VERSION = audit.action(
        APP, "surveys.template_new_version", _("問卷範本新版本"), former="survey_template.new_version"
    )
    TEMPLATE_QUESTION_ADD = audit.action(
        APP, "surveys.template_question_add", _("新增題目"), former="survey_template.question_add"
    )
    TEMPLATE_QUESTION_UPDATE = audit.action(
        APP, "surveys.template_question_update", _("修改題目"), former="survey_template.question_update"
    )
    TEMPLATE_QUESTION_DELETE = audit.action(
        APP, "surveys.template_question_delete", _("刪除題目"), former="survey_template.question_delete"
    )
    TEMPLATE_QUESTION_MOVE = audit.action(
        APP, "surveys.template_question_move", _("移動題目"), former="survey_template.question_move"
    )
    TEMPLATE_SECTION_ADD = audit.action(
        APP, "surveys.template_section_add", _("新增題組"), former="survey_template.section_add"
    )
    TEMPLATE_SECTION_UPDATE = audit.action(
        APP, "surveys.template_section_update", _("修改題組"), former="survey_template.section_update"
    )
    TEMPLATE_SECTION_DELETE = audit.action(
        APP, "surveys.template_section_delete", _("刪除題組"), former="survey_template.section_delete"
    )
    TEMPLATE_SECTION_MOVE = audit.action(
        APP, "surveys.template_section_move", _("移動題組"), former="survey_template.section_move"
    )
    REFLECTION_REQUIRE = audit.action(APP, "surveys.reflection_require", _("設定心得繳交"), former="reflection.require")
    REFLECTION_SUBMIT = audit.action(APP, "surveys.reflection_submit", _("繳交心得"), former="reflection.submit")
    REFLECTION_ACCEPT = audit.action(APP, "surveys.reflection_accept", _("通過心得"), former="reflection.accept")
    REFLECTION_RETURN = audit.action(APP, "surveys.reflection_return", _("退回心得"), former="reflection.return")
