from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "peili.policy"
    label = "policy"
    verbose_name = _("政策參數")

    def ready(self) -> None:
        from peili.policy import signals

        signals.connect()
