from django.db import models
from django.utils.translation import gettext_lazy as _


class Mark(models.TextChoices):
    """How a sign-in or sign-out was taken."""

    QR = "qr", _("掃描 QR code")
    CODE = "code", _("輸入簽到碼")
    ROSTER = "roster", _("承辦人登錄")


class Kind(models.TextChoices):
    SIGN_IN = "in", _("簽到")
    SIGN_OUT = "out", _("簽退")


class Reason(models.TextChoices):
    """Why a person does not complete a class (the absence rule's outcome, or a correction)."""

    UNEXCUSED = "absence.unexcused", _("未請假缺課")
    OVER_THRESHOLD = "absence.over_threshold", _("缺課時數超過規定比例")
    # The class requires a written reflection and the pack makes its acceptance a condition.
    REFLECTION = "reflection.not_accepted", _("心得未通過")
    CORRECTED = "corrected", _("承辦人更正")
