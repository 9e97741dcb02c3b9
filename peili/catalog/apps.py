from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "peili.catalog"
    label = "catalog"
    verbose_name = _("課程與班期")

    def ready(self) -> None:
        from peili.catalog import permissions, signals  # noqa: F401

        signals.connect()
