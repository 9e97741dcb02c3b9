from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "peili.org"
    label = "org"
    verbose_name = _("機關與人員")

    def ready(self) -> None:
        from peili.imports import registry
        from peili.org import permissions, signals  # noqa: F401
        from peili.org.importing.importer import PEOPLE

        signals.connect()
        registry.register(PEOPLE)
