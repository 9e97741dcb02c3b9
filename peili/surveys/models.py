"""Questionnaire templates (versioned), a class's survey, who was asked and who answered, the
answers, running tallies for results, and written reflections.

Anonymity is a property of the tables, not of the pages: who answered lives on `Invitation`,
what was answered on `Response` and `Answer`. For an anonymous survey a response has no person,
no time and a random (UUID) key, and its answers likewise, so nothing but the survey joins the
two sides — no column, no sequence, no timestamp to line up against `Invitation.responded_at`.
Nor does the database's own bookkeeping (PostgreSQL's `xmin`, the heap order `ctid`): an anonymous
submission first waits, sealed, in `PendingResponse`, and is written as a `Response` only in a
batch of several, in shuffled order, in a transaction of its own (`services.pool_flush`;
`docs/rules/surveys.md`, "Anonymity").

`Tally` holds the count of each answer value per survey, question and instructor, written in
the same transaction as the answers (under the survey's row lock) so that results for a course
of hundreds of classes are sums of a few thousand rows, not a scan of every answer.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from peili.surveys.enums import QuestionKind, ReflectionStatus, SectionKind


def new_key() -> str:
    return uuid.uuid4().hex


class SurveyTemplate(models.Model):
    """問卷範本 of one organizing body. Its questions live in versions; the newest is the one used."""

    organizer = models.ForeignKey(
        "org.Agency", verbose_name=_("主辦機關"), on_delete=models.PROTECT, related_name="survey_templates"
    )
    name = models.CharField(_("範本名稱"), max_length=120)
    description = models.TextField(_("填答說明"), blank=True)
    anonymous = models.BooleanField(_("匿名填答"), default=True)
    is_active = models.BooleanField(_("啟用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("建立者"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)

    class Meta:
        verbose_name = _("問卷範本")
        verbose_name_plural = _("問卷範本")
        ordering = ["organizer", "name"]
        constraints = [models.UniqueConstraint(fields=["organizer", "name"], name="surveys_template_unique_name")]

    def __str__(self) -> str:
        return self.name


class TemplateVersion(models.Model):
    """One version of a template's questions. A version that has answers is never changed: the next
    edit copies it into a new version (see `services.editable_version`)."""

    template = models.ForeignKey(
        SurveyTemplate, verbose_name=_("問卷範本"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版次"))
    created_at = models.DateTimeField(_("建立時間"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("建立者"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("問卷版本")
        verbose_name_plural = _("問卷版本")
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="surveys_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class TemplateSection(models.Model):
    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("問卷版本"), on_delete=models.CASCADE, related_name="sections"
    )
    # Stable across versions, so an edit in a newer version finds "the same" section.
    key = models.CharField(_("識別碼"), max_length=32, default=new_key)
    position = models.PositiveSmallIntegerField(_("順序"))
    kind = models.CharField(_("題組類型"), max_length=20, choices=SectionKind.choices)
    title = models.CharField(_("題組標題"), max_length=120)

    class Meta:
        verbose_name = _("題組")
        verbose_name_plural = _("題組")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="surveys_section_unique_key")]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    section = models.ForeignKey(
        TemplateSection, verbose_name=_("題組"), on_delete=models.CASCADE, related_name="questions"
    )
    # Stable across versions: results for a course across years add up answers by this key.
    key = models.CharField(_("識別碼"), max_length=32, default=new_key, db_index=True)
    position = models.PositiveSmallIntegerField(_("順序"))
    kind = models.CharField(_("題型"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("題目"), max_length=300)
    required = models.BooleanField(_("必答"), default=True)
    options = models.JSONField(_("選項"), default=list, blank=True)
    # Scale questions count in the satisfaction index unless the organizer says otherwise.
    in_index = models.BooleanField(_("納入滿意度指數"), default=True)

    class Meta:
        verbose_name = _("題目")
        verbose_name_plural = _("題目")
        ordering = ["section", "position"]

    def __str__(self) -> str:
        return self.text


class TemplateDefault(models.Model):
    """The template a body's classes get when the organizer attaches none: per track, else the body's."""

    organizer = models.ForeignKey("org.Agency", verbose_name=_("主辦機關"), on_delete=models.CASCADE, related_name="+")
    track = models.CharField(_("類別（政策參數包）"), max_length=60, blank=True)
    template = models.ForeignKey(
        SurveyTemplate, verbose_name=_("問卷範本"), on_delete=models.CASCADE, related_name="defaults"
    )

    class Meta:
        verbose_name = _("預設問卷")
        verbose_name_plural = _("預設問卷")
        constraints = [
            models.UniqueConstraint(fields=["organizer", "track"], name="surveys_default_unique_track"),
        ]

    def __str__(self) -> str:
        return f"{self.organizer_id}/{self.track or '*'}: {self.template_id}"


class Survey(models.Model):
    """A class's survey: which template version, anonymous or not, when it opens and closes.

    `invited_count` and `response_count` are written only by the services, under this row's lock.
    """

    course_class = models.OneToOneField(
        "catalog.CourseClass", verbose_name=_("班期"), on_delete=models.CASCADE, related_name="survey"
    )
    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("問卷版本"), on_delete=models.PROTECT, related_name="surveys"
    )
    anonymous = models.BooleanField(_("匿名填答"), default=True)
    opens_at = models.DateTimeField(_("開放填答"))
    closes_at = models.DateTimeField(_("填答截止"))
    invited_at = models.DateTimeField(_("通知時間"), null=True, blank=True)
    invited_count = models.PositiveIntegerField(_("應填答人數"), default=0)
    response_count = models.PositiveIntegerField(_("已填答人數"), default=0)
    # Responses in the results (tallies and answers). An anonymous survey's submissions wait in
    # its pool until a batch is written, so this trails `response_count` until then.
    tallied_count = models.PositiveIntegerField(_("已計入結果份數"), default=0)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("設定者"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("班期問卷")
        verbose_name_plural = _("班期問卷")
        indexes = [models.Index(fields=["opens_at"]), models.Index(fields=["closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(response_count__lte=models.F("invited_count")), name="surveys_responses_le_invited"
            ),
            models.CheckConstraint(
                condition=models.Q(tallied_count__lte=models.F("response_count")),
                name="surveys_tallied_le_responses",
            ),
        ]

    def __str__(self) -> str:
        return str(self.course_class_id)

    @property
    def waiting_count(self) -> int:
        """Submissions not yet in the results (an anonymous survey's pool)."""
        return self.response_count - self.tallied_count


class Invitation(models.Model):
    """Who is asked to answer a survey, and whether they have — never what they answered. An
    unfinished answer (`draft`) is kept here until it is submitted, then deleted; for an anonymous
    survey it is sealed (`{"sealed": …}`, read through `selectors.draft_values`), so even a draft
    left in a backup cannot be matched against the answers later written."""

    survey = models.ForeignKey(Survey, verbose_name=_("班期問卷"), on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey("org.Person", verbose_name=_("人員"), on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField(_("通知時間"), auto_now_add=True)
    responded_at = models.DateTimeField(_("填答時間"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("已提醒次數"), default=0)
    draft = models.JSONField(_("暫存作答"), default=dict, blank=True)
    draft_saved_at = models.DateTimeField(_("暫存時間"), null=True, blank=True)

    class Meta:
        verbose_name = _("填答名單")
        verbose_name_plural = _("填答名單")
        constraints = [models.UniqueConstraint(fields=["survey", "person"], name="surveys_invitation_unique")]
        indexes = [models.Index(fields=["person", "survey"], name="surveys_invitation_person")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.person_id}"


class Response(models.Model):
    """One submitted questionnaire. For an anonymous survey: no person, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, verbose_name=_("班期問卷"), on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("問卷版本"), on_delete=models.PROTECT, related_name="responses"
    )
    person = models.ForeignKey(
        "org.Person", verbose_name=_("填答者"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("填答時間"), null=True, blank=True)

    class Meta:
        verbose_name = _("問卷填答")
        verbose_name_plural = _("問卷填答")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"],
                condition=models.Q(person__isnull=False),
                name="surveys_response_one_per_person",
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)


class PendingResponse(models.Model):
    """An anonymous survey's submission waiting for its batch (`services.pool_flush`). What was
    answered, and whose invitation it came from, are sealed together (AES-GCM under a key derived
    from the secret key, padded to one length per form), so a database reader sees an opaque blob
    of the same size for everyone; the key is random and there is no time. It is written in a
    transaction apart from the invitation's mark and the audit entry, and deleted when its batch
    is written."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, verbose_name=_("班期問卷"), on_delete=models.CASCADE, related_name="pending")
    sealed = models.BinaryField(_("密封的填答"))

    class Meta:
        verbose_name = _("待併入的匿名填答")
        verbose_name_plural = _("待併入的匿名填答")

    def __str__(self) -> str:
        return str(self.id)


class Answer(models.Model):
    """One value: a scale point (1–5), a chosen option's index (one row per option for multiple
    choice), or text. `instructor` is set in an instructor section."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, verbose_name=_("問卷填答"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("題目"), on_delete=models.PROTECT, related_name="answers")
    instructor = models.ForeignKey(
        "catalog.Instructor", verbose_name=_("講座"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.SmallIntegerField(_("選項"), null=True, blank=True)
    text = models.TextField(_("文字"), blank=True)

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        indexes = [models.Index(fields=["question", "instructor"], name="surveys_answer_question")]

    def __str__(self) -> str:
        return f"{self.question_id}={self.value if self.value is not None else self.text[:20]}"


class Tally(models.Model):
    """How many answers of `value` a question got in a survey (per instructor in instructor
    sections). Text answers are counted with value NULL."""

    survey = models.ForeignKey(Survey, verbose_name=_("班期問卷"), on_delete=models.CASCADE, related_name="tallies")
    question = models.ForeignKey(Question, verbose_name=_("題目"), on_delete=models.PROTECT, related_name="tallies")
    question_key = models.CharField(_("題目識別碼"), max_length=32)
    instructor = models.ForeignKey(
        "catalog.Instructor", verbose_name=_("講座"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.SmallIntegerField(_("選項"), null=True, blank=True)
    count = models.PositiveIntegerField(_("人次"), default=0)

    class Meta:
        verbose_name = _("答案統計")
        verbose_name_plural = _("答案統計")
        indexes = [
            models.Index(fields=["survey", "question"], name="surveys_tally_survey"),
            models.Index(fields=["instructor", "question_key"], name="surveys_tally_instructor"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.question_id}/{self.instructor_id}/{self.value}: {self.count}"


class ReflectionAssignment(models.Model):
    """A class's requirement of a written reflection (心得寫作): prompt, minimum length, deadline."""

    course_class = models.OneToOneField(
        "catalog.CourseClass", verbose_name=_("班期"), on_delete=models.CASCADE, related_name="reflection_assignment"
    )
    prompt = models.TextField(_("寫作說明"), blank=True)
    min_chars = models.PositiveIntegerField(_("最少字數"), validators=[MinValueValidator(1)])
    due_on = models.DateField(_("繳交期限"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("設定者"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("心得寫作要求")
        verbose_name_plural = _("心得寫作要求")

    def __str__(self) -> str:
        return str(self.course_class_id)


class Reflection(models.Model):
    assignment = models.ForeignKey(
        ReflectionAssignment, verbose_name=_("心得寫作要求"), on_delete=models.CASCADE, related_name="reflections"
    )
    person = models.ForeignKey("org.Person", verbose_name=_("學員"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("心得"), blank=True)
    status = models.CharField(
        _("狀態"), max_length=20, choices=ReflectionStatus.choices, default=ReflectionStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("繳交時間"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("審閱時間"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("審閱者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("審閱意見"), blank=True)
    updated_at = models.DateTimeField(_("更新時間"), auto_now=True)

    class Meta:
        verbose_name = _("心得")
        verbose_name_plural = _("心得")
        constraints = [models.UniqueConstraint(fields=["assignment", "person"], name="surveys_reflection_unique")]

    def __str__(self) -> str:
        return f"{self.assignment_id}:{self.person_id}"
