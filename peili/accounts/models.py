import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(AbstractUser):
    """A sign-in account. The person behind it (if a civil servant) is `org.Person.user`."""

    display_name = models.CharField(_("顯示名稱"), max_length=100, blank=True)
    # Part of every session's verification hash: a new token ends all of the account's sessions
    # (`accounts.services.user_set_active`), so reactivating an account does not revive them.
    session_token = models.CharField(_("登入階段識別"), max_length=32, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("帳號")
        verbose_name_plural = _("帳號")

    def __str__(self) -> str:
        return self.display_name or self.username

    def _get_session_auth_hash(self, secret: str | bytes | None = None) -> str:
        """Django's session hash (an HMAC of the password hash) with the session token added.
        Overrides Django's private helper behind `get_session_auth_hash` and its fallback-key
        variant, so both check the token. With an empty token it is Django's own hash: sessions made
        before the token existed stay valid."""
        kept = self.__dict__.get("_peili_session_hashes")
        if kept is not None and "password" not in self.__dict__:
            # Signed in from a kept identity (`peili.accounts.backends`): the hashes were made when
            # the account was read, and its password was left in the database.
            found = kept.get(secret if secret is not None else settings.SECRET_KEY)
            if found is not None:
                return found
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        return salted_hmac(key_salt, self.password + self.session_token, secret=secret, algorithm="sha256").hexdigest()
