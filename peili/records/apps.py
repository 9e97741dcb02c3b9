from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from peili.notifications import kinds
from peili.records.enums import NotificationKind


class RecordsConfig(AppConfig):
    name = "peili.records"
    label = "records"
    verbose_name = _("學習紀錄與時數")

    def ready(self) -> None:
        from peili.imports import registry
        from peili.records import permissions  # noqa: F401
        from peili.records.importing.importer import RECORDS

        registry.register(RECORDS)

        # The notices this app sends, known to the notifications floor below it.
        kinds.register(NotificationKind, app="records")
