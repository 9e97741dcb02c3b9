from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "peili.surveys"
    verbose_name = _("問卷與心得")

    def ready(self) -> None:
        from peili.surveys import permissions  # noqa: F401 - registers the named predicates
