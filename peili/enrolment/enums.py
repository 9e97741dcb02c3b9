"""States, choices and error codes of registration, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrationStatus(models.TextChoices):
    PENDING_CONSENT = "pending_consent", _("待主管同意")
    CONFIRMED = "confirmed", _("已錄取")
    WAITLISTED = "waitlisted", _("候補")
    DECLINED = "declined", _("主管不同意")
    CANCELLED = "cancelled", _("已取消")
    SUBSTITUTED = "substituted", _("已由他人遞補")


# A person holds at most one registration in these states per class (a DB constraint).
ACTIVE_STATUSES: tuple[str, ...] = (
    RegistrationStatus.PENDING_CONSENT,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
)


class Meal(models.TextChoices):
    MEAT = "meat", _("葷食")
    VEGETARIAN = "vegetarian", _("素食")
    NONE = "none", _("不用餐")


class Source(models.TextChoices):
    SELF = "self", _("自行報名")
    NOMINATED = "nominated", _("薦送／調訓")
    # Took a confirmed colleague's seat (`Registration.substitute_of` names whose).
    SUBSTITUTE = "substitute", _("遞補")


class NotificationKind(models.TextChoices):
    """The notices about registrations (registered in `apps.py`; the hours ledger and surveys
    register their own)."""

    CONFIRMED = "confirmed", _("錄取通知")
    WAITLISTED = "waitlisted", _("候補通知")
    PROMOTED = "promoted", _("候補遞補錄取")
    CONSENT_REQUEST = "consent_request", _("待您同意")
    DECLINED = "declined", _("主管不同意")
    CANCELLED = "cancelled", _("報名已取消")
    SUBSTITUTED = "substituted", _("已由他人遞補")
    REMINDER = "reminder", _("開課提醒")


class ErrorCode(models.TextChoices):
    """Stable error codes of the registration services (clients depend on them; never rename)."""

    CLASS_NOT_OPEN = "registration.class_not_open", _("班期未開放報名")
    WINDOW_NOT_OPEN = "registration.window_not_open", _("尚未開始報名")
    WINDOW_CLOSED = "registration.window_closed", _("報名已截止")
    NOT_ELIGIBLE = "registration.not_eligible", _("不符參訓資格")
    DUPLICATE = "registration.duplicate", _("已報名本班期")
    FULL = "registration.full", _("名額及候補皆已額滿")
    CLASH = "registration.clash", _("與已報名班期時間衝突")
    DEPUTY_REQUIRED = "registration.deputy_required", _("須填寫職務代理人")
    DEPUTY_NAME_INVALID = "registration.deputy_name_invalid", _("職務代理人姓名含有不可使用的字元")
    MEAL_REQUIRED = "registration.meal_required", _("須選擇用餐")
    CANCELLATION_CLOSED = "registration.cancellation_closed", _("已逾取消期限")
    NOT_ACTIVE = "registration.not_active", _("報名已非有效狀態")
    NOT_PENDING = "registration.not_pending", _("報名不在待同意狀態")
    NOT_CONFIRMED = "registration.not_confirmed", _("僅已錄取者可遞補")
    SUBSTITUTE_AGENCY = "registration.substitute_agency", _("遞補人須為同一機關人員")
    NO_PERSON = "registration.no_person", _("帳號未對應人員資料")
    NOT_FOUND = "registration.not_found", _("找不到此報名")
    CLASS_NOT_FOUND = "registration.class_not_found", _("找不到此班期")
    LINK_INVALID = "registration.link_invalid", _("連結無效或已過期")
