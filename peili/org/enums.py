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
