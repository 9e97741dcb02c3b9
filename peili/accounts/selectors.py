"""Reads for the account pages: the accounts list (with their roles) and one account, for the
administrators who manage them (`accounts.manage_users`, checked by the pages)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from peili.accounts.models import User
from peili.core.codes import Error as CoreError
from peili.core.errors import NotFound
from peili.org.models import Person, RoleAssignment


def users_search(q: str = "") -> QuerySet[User]:
    """Accounts by username (their role assignments and agencies loaded), those whose username or
    display name holds `q`."""
    qs = User.objects.order_by("username").prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("agency"))
    )
    return qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q)) if q else qs


def account_by_id(account_id: int) -> User:
    """One account: not found when there is none."""
    found = User.objects.filter(pk=account_id).first()
    if found is None:
        raise NotFound(CoreError.NOT_FOUND, _("找不到此資源。"))
    return found


def account_assignments(account: User) -> QuerySet[RoleAssignment]:
    return account.role_assignments.select_related("agency")


def account_person(account: User) -> Person | None:
    """The person record linked to the account (with its agency), if any."""
    return Person.objects.filter(user=account).select_related("agency").first()
