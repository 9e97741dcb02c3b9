from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificationStatus(models.TextChoices):
    DONE = "done", _("已上傳認證")
    DUE = "due", _("待上傳")
    OVERDUE = "overdue", _("逾期未上傳")


class RecordSource(models.TextChoices):
    CLASS = "class", _("實體／混成班期")
    ELEARNING = "elearning", _("數位學習")
    STUDY = "study", _("進修")
    IMPORT = "import", _("外部匯入")


class NotificationKind(models.TextChoices):
    """The hours ledger's notices (registered in `apps.py`)."""

    HOURS_REMINDER = "hours_reminder", _("學習時數提醒")


class LearningMode(models.TextChoices):
    DIGITAL = "digital", _("數位")
    CLASSROOM = "classroom", _("實體")
    BLENDED = "blended", _("混成")
