"""The civil-service vocabulary: personnel categories with their rank series and grades, education
levels and performance ratings — terms of national law that packs, eligibility and HR data share.
Below org so policy packs and eligibility rules can name them without importing the org chart."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonnelCategory(models.TextChoices):
    """人員類別. The first three are the rank series (官等) and carry a grade (職等)."""

    JUNIOR = "junior", _("委任")
    SENIOR = "senior", _("薦任")
    SELECTED = "selected", _("簡任")
    CONTRACT = "contract", _("約聘")
    HIRED = "hired", _("約僱")
    TEMPORARY = "temporary", _("臨時人員")
    WORKER = "worker", _("技工工友")
    POLICE_FIRE = "police_fire", _("警消")
    TEACHER = "teacher", _("教師")
    OTHER = "other", _("其他")


# Grade range of each rank series (官等 → 職等). Civil-service law, not local policy.
RANK_GRADES: dict[str, tuple[int, int]] = {
    PersonnelCategory.JUNIOR: (1, 5),
    PersonnelCategory.SENIOR: (6, 9),
    PersonnelCategory.SELECTED: (10, 14),
}


class EducationLevel(models.IntegerChoices):
    JUNIOR_HIGH = 20, _("國中以下")
    SENIOR_HIGH = 30, _("高中（職）")
    JUNIOR_COLLEGE = 40, _("專科")
    UNIVERSITY = 50, _("大學")
    MASTER = 60, _("碩士")
    DOCTORATE = 70, _("博士")


class Rating(models.TextChoices):
    A = "甲", _("甲")
    B = "乙", _("乙")
    C = "丙", _("丙")
    D = "丁", _("丁")
