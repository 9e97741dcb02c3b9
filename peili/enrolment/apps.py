from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "peili.enrolment"
    label = "enrolment"
    verbose_name = _("報名")

    def ready(self) -> None:
        from peili.enrolment import permissions  # noqa: F401
