from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("停止上班（如颱風假）")
    WORKING_DAY = "working_day", _("照常上班")
