from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from peili.notifications import kinds
from peili.surveys.enums import NotificationKind


class SurveysConfig(AppConfig):
    name = "peili.surveys"
    verbose_name = _("問卷與心得")

    def ready(self) -> None:
        from peili.attendance import conditions
        from peili.surveys import permissions  # noqa: F401 - registers the named predicates
        from peili.surveys.selectors import reflection_condition

        # The closing of a class asks surveys whether a required reflection was accepted.
        conditions.register(conditions.REFLECTION, reflection_condition)

        # The notices this app sends, known to the notifications floor below it.
        kinds.register(NotificationKind, app="surveys")
