from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A sign-in account. The person behind it (if a civil servant) is `org.Person.user`."""

    display_name = models.CharField(_("顯示名稱"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("帳號")
        verbose_name_plural = _("帳號")

    def __str__(self) -> str:
        return self.display_name or self.username
