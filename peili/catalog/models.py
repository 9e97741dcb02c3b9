"""Courses and their classes (班期): the year's plan, sessions, venues, instructors, eligibility.

Counters on `CourseClass` (`confirmed_count`, `waitlist_count`, `pending_count`) are written only
by the enrolment services while they hold the class row's lock; everything else reads them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from peili.catalog.enums import ClassStatus, DeliveryMode, OrganiserType, PlanStatus


class Venue(models.Model):
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("管理機關"), on_delete=models.PROTECT, related_name="venues"
    )
    name = models.CharField(_("場地名稱"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("容納人數"), null=True, blank=True)
    is_accessible = models.BooleanField(_("無障礙設施"), default=True)
    is_active = models.BooleanField(_("啟用"), default=True)

    class Meta:
        verbose_name = _("場地")
        verbose_name_plural = _("場地")
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="catalog_venue_unique_name")]

    def __str__(self) -> str:
        return self.name


class Instructor(models.Model):
    name = models.CharField(_("姓名"), max_length=60)
    affiliation = models.CharField(_("服務單位"), max_length=120, blank=True)
    title = models.CharField(_("職稱"), max_length=60, blank=True)
    email = models.EmailField(_("電子郵件"), blank=True)
    person = models.ForeignKey(
        "org.Person", verbose_name=_("內部講座人員"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("啟用"), default=True)

    class Meta:
        verbose_name = _("講座")
        verbose_name_plural = _("講座")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingPlan(models.Model):
    """年度訓練計畫 of one organizing body: tracks from the policy pack, planned classes, trainees, budget."""

    organizer = models.ForeignKey(
        "org.Agency", verbose_name=_("主辦機關"), on_delete=models.PROTECT, related_name="training_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度（西元）"))
    title = models.CharField(_("計畫名稱"), max_length=200)
    status = models.CharField(_("狀態"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    budget = models.DecimalField(_("預算（元）"), max_digits=12, decimal_places=0, default=0)
    note = models.TextField(_("說明"), blank=True)
    submitted_at = models.DateTimeField(_("送核時間"), null=True, blank=True)
    decided_at = models.DateTimeField(_("核定時間"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核定者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField(_("核定意見"), blank=True)

    class Meta:
        verbose_name = _("年度訓練計畫")
        verbose_name_plural = _("年度訓練計畫")
        ordering = ["-year", "organizer"]
        constraints = [models.UniqueConstraint(fields=["organizer", "year"], name="catalog_plan_unique_year")]

    def __str__(self) -> str:
        return self.title


class PlanItem(models.Model):
    """One planned course line of a plan: which track, how many classes and trainees, and its budget."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("年度訓練計畫"), on_delete=models.CASCADE, related_name="items"
    )
    track = models.CharField(_("類別（政策參數包）"), max_length=60)
    title = models.CharField(_("課程名稱"), max_length=200)
    target_audience = models.CharField(_("參訓對象"), max_length=200, blank=True)
    planned_classes = models.PositiveSmallIntegerField(_("預定班期數"), default=1)
    planned_trainees = models.PositiveIntegerField(_("預定訓練人數"), default=0)
    budget = models.DecimalField(_("預算（元）"), max_digits=12, decimal_places=0, default=0)

    class Meta:
        verbose_name = _("計畫項目")
        verbose_name_plural = _("計畫項目")
        ordering = ["plan", "track", "id"]

    def __str__(self) -> str:
        return self.title


class Course(models.Model):
    organizer = models.ForeignKey(
        "org.Agency", verbose_name=_("主辦機關"), on_delete=models.PROTECT, related_name="courses"
    )
    plan_item = models.ForeignKey(
        PlanItem, verbose_name=_("計畫項目"), null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    code = models.CharField(_("課程代碼"), max_length=30, blank=True)
    title = models.CharField(_("課程名稱"), max_length=200)
    track = models.CharField(_("類別（政策參數包）"), max_length=60, blank=True)
    summary = models.TextField(_("課程簡介"), blank=True)

    class Meta:
        verbose_name = _("課程")
        verbose_name_plural = _("課程")
        ordering = ["organizer", "title"]
        indexes = [models.Index(fields=["track"])]

    def __str__(self) -> str:
        return self.title


class CourseClass(models.Model):
    """班期: one run of a course, with its dates, capacity, registration rules and eligibility."""

    course = models.ForeignKey(Course, verbose_name=_("課程"), on_delete=models.PROTECT, related_name="classes")
    term = models.PositiveSmallIntegerField(_("期別"), default=1)
    status = models.CharField(
        _("狀態"), max_length=20, choices=ClassStatus.choices, default=ClassStatus.DRAFT, db_index=True
    )
    start_date = models.DateField(_("開課日期"), null=True, blank=True, db_index=True)
    end_date = models.DateField(_("結訓日期"), null=True, blank=True)
    delivery_mode = models.CharField(
        _("學習方式"), max_length=20, choices=DeliveryMode.choices, default=DeliveryMode.CLASSROOM
    )
    prestudy_title = models.CharField(_("線上預習課程"), max_length=200, blank=True)
    prestudy_url = models.URLField(_("預習課程網址"), blank=True)
    organiser_type = models.CharField(
        _("辦理方式"), max_length=20, choices=OrganiserType.choices, default=OrganiserType.SELF
    )
    host_institute = models.CharField(_("合辦／受委託／薦送機構"), max_length=120, blank=True)
    city = models.CharField(_("上課縣市"), max_length=20, blank=True)
    certified_hours = models.DecimalField(_("認證時數"), max_digits=6, decimal_places=1, default=0)
    digital_hours = models.DecimalField(_("數位時數"), max_digits=6, decimal_places=1, default=0)
    classroom_hours = models.DecimalField(_("實體時數"), max_digits=6, decimal_places=1, default=0)
    capacity = models.PositiveIntegerField(_("名額"), validators=[MinValueValidator(1)], default=40)
    waitlist_size = models.PositiveIntegerField(_("候補名額"), default=10)
    registration_opens_at = models.DateTimeField(_("報名開始"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("報名截止"), null=True, blank=True)
    cancellation_deadline = models.DateTimeField(_("取消報名期限"), null=True, blank=True)
    needs_supervisor_consent = models.BooleanField(_("須經主管同意"), default=True)
    meals_provided = models.BooleanField(_("供餐"), default=False)
    # Eligibility (empty = no restriction on that dimension).
    eligible_agencies = models.ManyToManyField(
        "org.Agency", verbose_name=_("限定機關（含所屬）"), blank=True, related_name="+"
    )
    eligible_categories = models.JSONField(_("限定人員類別"), default=list, blank=True)
    grade_min = models.PositiveSmallIntegerField(
        _("最低職等"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    grade_max = models.PositiveSmallIntegerField(
        _("最高職等"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    supervisors_only = models.BooleanField(_("限主管人員"), default=False)
    newcomers_only = models.BooleanField(_("限新進人員"), default=False)
    eligible_people = models.ManyToManyField("org.Person", verbose_name=_("指定名單"), blank=True, related_name="+")
    # Kept by the enrolment services under the class row's lock.
    confirmed_count = models.PositiveIntegerField(_("已錄取人數"), default=0)
    waitlist_count = models.PositiveIntegerField(_("候補人數"), default=0)
    pending_count = models.PositiveIntegerField(_("待主管同意人數"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("建立者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)

    class Meta:
        verbose_name = _("班期")
        verbose_name_plural = _("班期")
        ordering = ["start_date", "course__title", "term"]
        # The catalog filters published classes by start date (month) and delivery mode.
        indexes = [
            models.Index(fields=["status", "start_date"]),
            models.Index(fields=["status", "delivery_mode", "start_date"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["course", "term"], name="catalog_class_unique_term"),
            models.CheckConstraint(
                condition=models.Q(confirmed_count__lte=models.F("capacity")), name="catalog_class_not_overbooked"
            ),
            models.CheckConstraint(
                condition=models.Q(grade_min__isnull=True)
                | models.Q(grade_max__isnull=True)
                | models.Q(grade_min__lte=models.F("grade_max")),
                name="catalog_class_grade_range",
            ),
        ]

    def __str__(self) -> str:
        return class_label(self.course.title, self.term)


def class_label(title: str, term: int) -> str:
    """How a class is named everywhere: 「資通安全通識教育 第2期」."""
    return _("%(title)s 第%(term)s期") % {"title": title, "term": term}


class ClassCategoryHours(models.Model):
    """How a class's certified hours split across learning categories (學習類別: keys of the
    organizer's pack, `hours.categories`); the portal's upload file writes each category's code."""

    course_class = models.ForeignKey(
        CourseClass, verbose_name=_("班期"), on_delete=models.CASCADE, related_name="category_hours"
    )
    category = models.CharField(_("學習類別"), max_length=40)
    hours = models.DecimalField(_("時數"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("類別時數")
        verbose_name_plural = _("類別時數")
        constraints = [
            models.UniqueConstraint(fields=["course_class", "category"], name="catalog_class_category_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.hours}"


class ClassSession(models.Model):
    """One session of a class: a date, a time range, a venue and its instructors."""

    course_class = models.ForeignKey(
        CourseClass, verbose_name=_("班期"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("日期"))
    starts_at = models.TimeField(_("開始時間"))
    ends_at = models.TimeField(_("結束時間"))
    topic = models.CharField(_("課程主題"), max_length=200, blank=True)
    venue = models.ForeignKey(
        Venue, verbose_name=_("場地"), null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    instructors = models.ManyToManyField(Instructor, verbose_name=_("講座"), blank=True, related_name="sessions")
    hours = models.DecimalField(_("時數"), max_digits=6, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("課程節次")
        verbose_name_plural = _("課程節次")
        ordering = ["date", "starts_at"]
        indexes = [models.Index(fields=["venue", "date"]), models.Index(fields=["date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="catalog_session_time_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_class} {self.date} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class ClassMaterial(models.Model):
    course_class = models.ForeignKey(
        CourseClass, verbose_name=_("班期"), on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("名稱"), max_length=200)
    file = models.FileField(_("檔案"), upload_to="materials/%Y/")
    uploaded_at = models.DateTimeField(_("上傳時間"), auto_now_add=True)

    class Meta:
        verbose_name = _("課程資料")
        verbose_name_plural = _("課程資料")
        ordering = ["course_class", "title"]

    def __str__(self) -> str:
        return self.title
