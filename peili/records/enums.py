from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificationStatus(models.TextChoices):
    DONE = "done", _("已上傳認證")
    DUE = "due", _("待上傳")
    OVERDUE = "overdue", _("逾期未上傳")
