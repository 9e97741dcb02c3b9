from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "peili.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        # Each app's error codes and audit actions (`<app>/codes.py`) are registered before any
        # request or task runs, so the registries are whole wherever they are read.
        autodiscover_modules("codes")
