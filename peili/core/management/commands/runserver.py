"""`peili runserver`, refusing the committed development key on an address others can reach.

Settings refuse it when ALLOWED_HOSTS go beyond loopback; this refuses it when the server would
listen beyond loopback (`runserver 0.0.0.0:8000`), where a forged Host header reaches it anyway.
Extends the static-files runserver (listed after peili.core in INSTALLED_APPS, so this one wins).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.management.commands import runserver
from django.core.management import CommandError


def _loopback(address: str) -> bool:
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class Command(runserver.Command):
    addr: str  # set by Django's handle() from the address given, before run()

    def run(self, **options: Any) -> None:
        if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY and not _loopback(self.addr):
            raise CommandError(
                f"Serving on {self.addr} with the committed development key: set PEILI_SECRET_KEY, "
                "or serve on 127.0.0.1 (make run)."
            )
        super().run(**options)
