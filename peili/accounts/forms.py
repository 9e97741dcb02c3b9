from __future__ import annotations

import math
import time
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from peili.accounts import throttle
from peili.org.enums import SCOPED_ROLES, Role
from peili.org.forms import NationalIdField, PersonNameField
from peili.org.models import Agency


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("帳號或密碼不正確。"),
        "locked": _("登入失敗次數過多，請於 %(minutes)s 分鐘後再試，或洽系統管理者。"),
    }

    def clean(self) -> dict[str, Any]:
        """Refuse a locked username (or, from an address flooding made-up names, a name that is no
        account) before trying the password; count each failure (`peili.accounts.throttle`)."""
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request)
        now = time.time()
        known = throttle.is_known(username)
        address_until = throttle.address_locked_until(address, now=now)
        until = throttle.user_locked_until(username, address, now=now) or (None if known else address_until)
        if until:
            raise self._locked(until, now)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.register_failure(username, address, known=known, now=now)
            if address_until:  # the same answer as a made-up name from this address gets
                raise self._locked(address_until, now) from None
            raise
        throttle.reset(username, address)
        return cleaned

    def _locked(self, until: float, now: float) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["locked"], code="locked", params={"minutes": max(1, math.ceil((until - now) / 60))}
        )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("帳號"), max_length=150)
    display_name = PersonNameField(label=_("顯示名稱"), max_length=100)
    email = forms.EmailField(label=_("電子郵件"), required=False)
    password = forms.CharField(
        label=_("初始密碼"),
        widget=forms.PasswordInput,
        min_length=10,
        help_text=_("至少 10 個字元，請使用者首次登入後變更。"),
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class LinkPersonForm(forms.Form):
    national_id = NationalIdField(
        label=_("人員身分證字號"),
        help_text=_("把此帳號連結到人員名冊中的一位同仁（學員身分、本人資料）。"),
    )


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    agency = forms.ModelChoiceField(
        label=_("範圍機關"),
        queryset=Agency.objects.all(),
        required=False,
        help_text=_("人事承辦人、訓練承辦人、主管須指定範圍機關（含所屬機關）。"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role, agency = cleaned.get("role"), cleaned.get("agency")
        if role in SCOPED_ROLES and agency is None:
            self.add_error("agency", _("此角色須指定範圍機關。"))
        if role not in SCOPED_ROLES and agency is not None:
            self.add_error("agency", _("此角色不需指定範圍機關。"))
        return cleaned
