from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from peili.enrolment.enums import NotificationKind
from peili.notifications import kinds


class EnrolmentConfig(AppConfig):
    name = "peili.enrolment"
    label = "enrolment"
    verbose_name = _("報名")

    def ready(self) -> None:
        from peili.catalog.selectors import register_viewer_registrations
        from peili.enrolment import permissions  # noqa: F401
        from peili.enrolment.selectors import viewer_registrations

        # The catalog (a lower floor) shows "已錄取／候補第 N 位" without importing registration.
        register_viewer_registrations(viewer_registrations)
        # The notices this app sends, known to the notifications floor below it.
        kinds.register(NotificationKind, app="enrolment")
