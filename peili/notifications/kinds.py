"""The registry of notice kinds. Each app that sends notices declares its kinds (a `TextChoices`,
with the Chinese label users see) and registers them from its `AppConfig.ready` — the way pretix's
plugins register their notification types — so this floor never names a higher app's notices, and
a new kind needs no migration anywhere (`Notification.kind` takes its choices from here)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise


@dataclass(frozen=True)
class NoticeKind:
    code: str  # stored in Notification.kind; stable (never rename)
    label: str | Promise  # what users see, translated
    app: str  # the app label that registered it


# Codes are stored in a 20-character column (Notification.kind).
MAX_LENGTH = 20

_registry: dict[str, NoticeKind] = {}


def register(kinds: type[models.TextChoices], *, app: str) -> None:
    """Register every member of `kinds` for `app`. Registering the same kind again is harmless; a
    code another app (or another label) already holds is a configuration error."""
    for member in kinds:
        kind = NoticeKind(code=str(member.value), label=member.label, app=app)
        if len(kind.code) > MAX_LENGTH:
            raise ImproperlyConfigured(f"notice kind {kind.code!r} is longer than {MAX_LENGTH} characters")
        held = _registry.get(kind.code)
        if held is not None and held != kind:
            raise ImproperlyConfigured(f"notice kind {kind.code!r} is already registered by {held.app}")
        _registry[kind.code] = kind


def get(code: str) -> NoticeKind:
    """The registered kind; LookupError for a code no app registered."""
    try:
        return _registry[code]
    except KeyError:
        raise LookupError(f"notice kind {code!r} is not registered") from None


def registered() -> tuple[NoticeKind, ...]:
    return tuple(_registry.values())


def choices() -> list[tuple[str, str | Promise]]:
    """`Notification.kind`'s choices: a callable, so the migrations refer to it rather than copy
    the list, and the model's validation and `get_kind_display()` follow the registry."""
    return [(kind.code, kind.label) for kind in _registry.values()]
