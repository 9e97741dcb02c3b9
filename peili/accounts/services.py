from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from peili.accounts.codes import Action, Error
from peili.accounts.models import User, new_session_token
from peili.core import audit, locking
from peili.core.errors import Conflict, NotFound
from peili.org.codes import Error as OrgError
from peili.org.models import Agency, Person, RoleAssignment
from peili.org.rules import normalise_national_id


@transaction.atomic
def user_create(*, username: str, display_name: str, email: str, password: str, actor: Any) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(Error.USER_USERNAME_TAKEN, _("帳號「%(u)s」已存在。") % {"u": username})
    user = User(username=username, display_name=display_name, email=email)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same username created at the same moment
        raise Conflict(Error.USER_USERNAME_TAKEN, _("帳號「%(u)s」已存在。") % {"u": username}) from None
    audit.record(
        actor=actor,
        action=Action.USER_CREATE,
        target=user,
        after={"username": username, "display_name": display_name, "email": email},
    )
    return user


@transaction.atomic
def role_assign(*, user: User, role: str, agency: Agency | None, actor: Any) -> RoleAssignment:
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(user=user, role=role, agency=agency)
    except IntegrityError:
        raise Conflict(Error.ROLE_DUPLICATE, _("此帳號已具有相同範圍的這個角色。")) from None
    audit.record(
        actor=actor,
        action=Action.ROLE_ASSIGN,
        target=assignment,
        after={"user": user.username, "role": role, "agency": agency.code if agency else None},
    )
    return assignment


@transaction.atomic
def role_revoke(*, assignment_id: int, actor: Any) -> None:
    assignment = RoleAssignment.objects.select_related("user", "agency").filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound(Error.ROLE_NOT_FOUND, _("找不到此角色指派。"))
    audit.record(
        actor=actor,
        action=Action.ROLE_REVOKE,
        target=assignment,
        before={
            "user": assignment.user.username,
            "role": assignment.role,
            "agency": assignment.agency.code if assignment.agency else None,
        },
    )
    assignment.delete()


@transaction.atomic
def user_link_person(*, user: User, national_id: str, actor: Any) -> Person:
    """Tie an account to the staff record it signs in for (one account per person)."""
    person = locking.lock_first(Person.objects.filter(national_id=normalise_national_id(national_id)))
    if person is None:
        raise NotFound(OrgError.PERSON_NOT_FOUND, _("人員名冊中沒有這個身分證字號。"))
    if person.user_id is not None and person.user_id != user.pk:
        raise Conflict(Error.PERSON_ALREADY_LINKED, _("這位人員已連結其他帳號。"))
    previous = Person.objects.filter(user=user).exclude(pk=person.pk).first()
    if previous is not None:
        previous.user = None
        previous.save(update_fields=["user"])
    person.user = user
    person.save(update_fields=["user"])
    audit.record(
        actor=actor,
        action=Action.USER_LINK_PERSON,
        target=user,
        before={"person": previous.pk if previous else None},
        after={"person": person.pk},
    )
    return person


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: Any) -> None:
    """Deactivate or reactivate an account. Either way its sessions end (a new session token), so an
    account reactivated is signed in again by its owner, never by a session from before."""
    before = {"is_active": user.is_active}
    user.is_active = active
    user.session_token = new_session_token()
    user.save(update_fields=["is_active", "session_token"])
    audit.record(actor=actor, action=Action.USER_SET_ACTIVE, target=user, before=before, after={"is_active": active})
