from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from peili.notifications import permissions  # noqa: F401 - registers the named predicates (no models)


class NotificationsConfig(AppConfig):
    name = "peili.notifications"
    label = "notifications"
    verbose_name = _("通知")
