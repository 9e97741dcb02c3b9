"""The notices of surveys and reflections: an in-app notice and an email each, delivered once per
key (see `peili.notifications.services.deliver`). Called from tasks with ids."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.core import roc
from peili.notifications.services import deliver, recipient
from peili.surveys.enums import NotificationKind, ReflectionStatus
from peili.surveys.models import Invitation, Reflection


def _invitations(ids: Iterable[int]) -> Iterable[Invitation]:
    return Invitation.objects.filter(pk__in=list(ids)).select_related("person__user", "survey__course_class__course")


def survey_invitations(invitation_ids: Iterable[int]) -> int:
    """Tell each person that their class's survey is open, and until when."""
    sent = 0
    for invitation in _invitations(invitation_ids):
        survey = invitation.survey
        user, email = recipient(invitation.person)
        closes = roc.format_long(timezone.localdate(survey.closes_at))
        sent += deliver(
            user=user,
            email=email,
            kind=NotificationKind.SURVEY,
            key=f"survey:{invitation.pk}",
            title=_("請填寫「%(c)s」課後問卷") % {"c": survey.course_class},
            body=_("感謝您參加「%(c)s」。請於 %(d)s 前填寫課後問卷，約需 1 分鐘%(anon)s。")
            % {
                "c": survey.course_class,
                "d": closes,
                "anon": _("；本問卷採匿名，填答內容不會與您的姓名連結") if survey.anonymous else "",
            },
            url=reverse("surveys:answer", kwargs={"survey_id": survey.pk}),
        )
    return sent


def survey_reminders(owed: Iterable[tuple[int, int]]) -> int:
    numbers = dict(owed)
    sent = 0
    for invitation in _invitations(numbers):
        if invitation.responded_at is not None:
            continue
        survey = invitation.survey
        user, email = recipient(invitation.person)
        sent += deliver(
            user=user,
            email=email,
            kind=NotificationKind.SURVEY_REMINDER,
            key=f"survey-reminder:{invitation.pk}:{numbers[invitation.pk]}",
            title=_("提醒：「%(c)s」課後問卷尚未填寫") % {"c": survey.course_class},
            body=_("「%(c)s」課後問卷將於 %(d)s 截止，您尚未填寫%(draft)s。")
            % {
                "c": survey.course_class,
                "d": roc.format_long(timezone.localdate(survey.closes_at)),
                "draft": _("（已暫存的作答會保留）") if invitation.draft else "",
            },
            url=reverse("surveys:answer", kwargs={"survey_id": survey.pk}),
        )
    return sent


def reflection_reviewed(reflection_id: int) -> None:
    reflection = (
        Reflection.objects.select_related("person__user", "assignment__course_class__course")
        .filter(pk=reflection_id)
        .first()
    )
    if reflection is None or reflection.status not in (ReflectionStatus.ACCEPTED, ReflectionStatus.RETURNED):
        return
    course_class = reflection.assignment.course_class
    user, email = recipient(reflection.person)
    accepted = reflection.status == ReflectionStatus.ACCEPTED
    deliver(
        user=user,
        email=email,
        kind=NotificationKind.REFLECTION,
        key=f"reflection:{reflection.pk}:{reflection.status}:{reflection.reviewed_at:%Y%m%d%H%M%S}",
        title=(_("心得已通過：%(c)s") if accepted else _("心得退回修改：%(c)s")) % {"c": course_class},
        body=_("您的「%(c)s」心得已通過審閱。") % {"c": course_class}
        if accepted
        else _("您的「%(c)s」心得需要修改，審閱意見：%(comment)s") % {"c": course_class, "comment": reflection.comment},
        url=reverse("surveys:reflection", kwargs={"class_id": course_class.pk}),
    )
