from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "learner", _("學員")
    SUPERVISOR = "supervisor", _("主管")
    PERSONNEL_OFFICER = "personnel_officer", _("人事承辦人")
    ORGANIZER = "organizer", _("訓練承辦人")
    REVIEWER = "reviewer", _("審查委員")
    ADMIN = "admin", _("系統管理者")


# Roles whose assignment is scoped to an agency subtree (personnel officer) or an organizing body (organizer).
SCOPED_ROLES = frozenset({Role.PERSONNEL_OFFICER, Role.ORGANIZER, Role.SUPERVISOR})


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")
    OTHER = "X", _("其他")


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


class RatingKind(models.TextChoices):
    YEAR_END = "year_end", _("年終考績")
    OTHER = "other", _("另予考績")
    SPECIAL = "special", _("專案考績")


class DisciplineKind(models.TextChoices):
    SANCTION = "sanction", _("懲戒處分")
    CRIMINAL = "criminal", _("刑事處分")
    MAJOR_DEMERIT = "major_demerit", _("記大過")
    DEMERIT = "demerit", _("記過")
    REPRIMAND = "reprimand", _("申誡")


class NationalIdProblem(models.TextChoices):
    """Why a national ID typed into a form is refused: the codes of `rules.national_id_problem`."""

    MISSING = "national_id.missing", _("請填寫身分證字號。")
    CHARACTERS = "national_id.characters", _("身分證字號只能有英文字母與數字 0 至 9，不能有 %(char)s。")
    LENGTH = "national_id.length", _("身分證字號須為 10 碼。")
    FORMAT = "national_id.format", _("身分證字號格式不符：須為 1 個英文字母、數字 1 或 2，再加 8 位數字。")
    CHECKSUM = "national_id.checksum", _("身分證字號檢查碼不符，請核對是否輸入錯誤。")
