from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "peili.attendance"
    label = "attendance"
    verbose_name = _("出勤、結訓與時數認證")

    def ready(self) -> None:
        from peili.attendance import permissions  # noqa: F401
