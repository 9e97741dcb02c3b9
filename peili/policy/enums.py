"""Choices that appear in policy packs, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StudyMode(models.TextChoices):
    """進修類型 (Act art. 7 and its enforcement rules)."""

    FULL_TIME = "full_time", _("全時進修")
    PART_TIME = "part_time", _("部分辦公時間進修")
    AFTER_HOURS = "after_hours", _("公餘進修")


class AbsenceComparison(models.TextChoices):
    """How missed hours are compared with the threshold: the boundary differs between plans."""

    STRICT = "strict", _("逾門檻（>）才不予登錄")
    INCLUSIVE = "inclusive", _("達門檻（≥）即不予登錄")


class Section(models.TextChoices):
    """The top-level sections of a pack; each is inherited whole from the national default."""

    HOURS = "hours", _("學習時數")
    ATTENDANCE = "attendance", _("出席與缺課")
    CERTIFICATION = "certification", _("時數認證")
    STUDY = "study", _("進修")
    SUBSIDY = "subsidy", _("進修補助")
    CATEGORIES = "categories", _("訓練類別")
    OVERSEAS_STUDY = "overseas_study", _("出國進修")
    REGISTRATION = "registration", _("報名")
    PORTAL = "portal", _("終身學習入口網上傳")
    SURVEY = "survey", _("問卷與心得")


class ClashHandling(models.TextChoices):
    """What happens when a registration's sessions overlap another class the person holds."""

    REFUSE = "refuse", _("拒絕報名")
    WARN = "warn", _("提醒但仍受理")


# Sections a national-default pack must carry, so that every effective pack has them.
REQUIRED_SECTIONS: tuple[str, ...] = (Section.HOURS, Section.STUDY, Section.SUBSIDY)
