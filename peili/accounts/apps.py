from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "peili.accounts"
    label = "accounts"
    verbose_name = _("帳號")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from peili.accounts import permissions, signals  # noqa: F401  (registers the named predicates)
        from peili.accounts.middleware import stamp_session

        signals.connect()

        # Stamp the session when it is made (Django's own hook, as for last_login), so the first
        # request after signing in writes nothing.
        user_logged_in.connect(stamp_session, dispatch_uid="peili.accounts.stamp_session")
