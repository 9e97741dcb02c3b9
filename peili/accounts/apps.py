from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "peili.accounts"
    label = "accounts"
    verbose_name = _("帳號")

    def ready(self) -> None:
        from peili.accounts import permissions  # noqa: F401  (registers the named predicates)
