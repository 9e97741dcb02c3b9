from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草擬中")
    SUBMITTED = "submitted", _("送核中")
    APPROVED = "approved", _("已核定")
    RETURNED = "returned", _("退回修正")


class DeliveryMode(models.TextChoices):
    CLASSROOM = "classroom", _("實體")
    DIGITAL = "digital", _("數位")
    BLENDED = "blended", _("混成")


class OrganiserType(models.TextChoices):
    SELF = "self", _("自辦")
    JOINT = "joint", _("合辦")
    COMMISSIONED = "commissioned", _("委辦")
    NOMINATED = "nominated", _("薦送")


class ClassStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已發布")
    CANCELLED = "cancelled", _("停辦")
    CLOSED = "closed", _("已結訓")


class RegistrationWindow(models.TextChoices):
    """Where a class's registration window stands at a moment (whoever looks)."""

    OPEN = "open", _("報名中")
    NOT_OPEN = "not_open", _("尚未開放報名")
    CLOSED = "closed", _("報名已截止")
    NOT_OFFERED = "not_offered", _("未開放報名")  # a draft, cancelled or closed class


# 學習性質 in the national portal's upload file: 1 digital, 2 classroom, 3 blended.
PORTAL_LEARNING_NATURE = {DeliveryMode.DIGITAL: 1, DeliveryMode.CLASSROOM: 2, DeliveryMode.BLENDED: 3}
