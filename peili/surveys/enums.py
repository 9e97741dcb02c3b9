"""Choices and stable error codes of surveys and reflections, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SectionKind(models.TextChoices):
    """What a section of a questionnaire is about. An instructor section repeats for each of the
    class's instructors; the others appear once."""

    COURSE = "course", _("課程")
    INSTRUCTOR = "instructor", _("講座")
    VENUE = "venue", _("場地與餐飲")
    OVERALL = "overall", _("整體")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("五點量表")
    SINGLE = "single", _("單選")
    MULTIPLE = "multiple", _("複選")
    TEXT = "text", _("文字")


class ScalePoint(models.IntegerChoices):
    """The five points of a scale question, stored as 1–5 (5 is best)."""

    VERY_DISSATISFIED = 1, _("非常不滿意")
    DISSATISFIED = 2, _("不滿意")
    NEUTRAL = 3, _("普通")
    SATISFIED = 4, _("滿意")
    VERY_SATISFIED = 5, _("非常滿意")


class SurveyState(models.TextChoices):
    """Where a class's survey stands, from its class's end and the pack's open days."""

    SCHEDULED = "scheduled", _("尚未開放")
    OPEN = "open", _("開放填答中")
    CLOSED = "closed", _("已截止")


class NotificationKind(models.TextChoices):
    """The notices of surveys and reflections (registered in `apps.py`)."""

    SURVEY = "survey", _("問卷填答")
    SURVEY_REMINDER = "survey_reminder", _("問卷填答提醒")
    REFLECTION = "reflection", _("心得審閱結果")


class ReflectionStatus(models.TextChoices):
    DRAFT = "draft", _("撰寫中")
    SUBMITTED = "submitted", _("待審閱")
    RETURNED = "returned", _("退回修改")
    ACCEPTED = "accepted", _("已通過")


class ErrorCode(models.TextChoices):
    """Stable error codes (API clients depend on them; never rename)."""

    NOT_INVITED = "survey.not_invited", _("您不在本問卷的填答名單")
    NOT_OPEN = "survey.not_open", _("問卷尚未開放填答")
    CLOSED = "survey.closed", _("問卷已截止")
    ALREADY_ANSWERED = "survey.already_answered", _("您已填答過本問卷")
    INVALID_ANSWERS = "survey.invalid_answers", _("填答內容有誤")
    ALREADY_ATTACHED = "survey.already_opened", _("問卷已開放，不能更換範本")
    TEMPLATE_EMPTY = "survey.template_empty", _("問卷範本沒有題目")
    REFLECTION_CLOSED = "reflection.closed", _("心得繳交期限已過")
    REFLECTION_TOO_SHORT = "reflection.too_short", _("心得字數不足")
    REFLECTION_STATE = "reflection.wrong_state", _("心得目前的狀態不能這樣處理")
    REFLECTION_NOT_REQUIRED = "reflection.not_required", _("本班期不需繳交心得")
