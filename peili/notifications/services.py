"""Delivering a notice — the in-app `Notification` and the email, once per key — and marking one's
own notices read. Callers (each app's `notifications.py`, from tasks with ids) say what the notice
is; this module only knows how it travels."""

from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from peili.notifications import kinds
from peili.notifications.models import Notification
from peili.notifications.selectors import notifications_for_user


class Addressee(Protocol):
    """Whoever a notice is for (an `org.Person`): an address of their own, maybe an account."""

    @property
    def email(self) -> str: ...

    @property
    def user(self) -> Any: ...


def absolute(path: str) -> str:
    """The site's address of `path`, for links in emails."""
    return str(settings.PEILI_BASE_URL).rstrip("/") + path


def recipient(person: Addressee) -> tuple[Any, str]:
    """(account or None, email address or ""): the person's own address first, else the account's."""
    user = person.user
    email = person.email or (user.email if user is not None else "")
    return user, email


def deliver(
    *,
    user: Any,
    email: str,
    kind: str,
    key: str,
    title: str,
    body: str,
    url: str = "",
    attachment: tuple[str, str, str] | None = None,
) -> bool:
    """Record the in-app notice (when there is an account) and send the email (when there is an
    address), once per key. Returns False when this notice was already delivered. `kind` must be
    registered (`kinds.register`): LookupError otherwise, before anything is written or sent."""
    kinds.get(kind)
    if user is not None:
        try:
            with transaction.atomic():
                Notification.objects.create(user=user, kind=kind, key=key, title=title, body=body, url=url)
        except IntegrityError:
            return False
    if email:
        message = EmailMessage(
            subject=f"[培力] {title}", body=body + (f"\n\n{absolute(url)}" if url else ""), to=[email]
        )
        if attachment is not None:
            message.attach(*attachment)
        message.send(fail_silently=False)
    return True


def notifications_mark_read(*, actor: Any, notification_id: int | None = None) -> int:
    """Mark the actor's unread notices read — all of them, or the one with `notification_id` (only
    ever the actor's own). Not audited: reading one's own notices decides nothing."""
    with transaction.atomic():
        unread = notifications_for_user(actor).filter(read_at__isnull=True)
        if notification_id is not None:
            unread = unread.filter(pk=notification_id)
        return unread.update(read_at=timezone.now())
