"""One named permission predicate per page and API operation.

Predicates are registered with django-rules in each app's `permissions.py`; views use
`@requires("app.name")` and API operations `@api_requires("app.name")`; both end in `allowed()`.
The decorators leave the name on the function, so the role-matrix test can walk every route
and know which predicate guards it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from peili.core.codes import Error
from peili.core.errors import PeiliError, PermissionDenied

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

PUBLIC = "public"


def allowed(user: Any, permission: str, obj: Any = None) -> bool:
    return bool(user.has_perm(permission, obj))


def check(user: Any, permission: str, obj: Any = None) -> None:
    """Raise `PermissionDenied` (code `permission.denied`) unless the predicate holds."""
    if not allowed(user, permission, obj):
        raise PermissionDenied(Error.PERMISSION_DENIED, _("您沒有權限執行此操作。"), status=403)


def visible_to(user: Any, permission: str, found: T | None, missing: PeiliError) -> T:
    """The object a `*_for_user` read found, for this user: `missing` (the app's not-found error)
    when there is none, `permission.denied` (403) when it exists and the named predicate refuses
    it — the answer the API and the pages have always given for these objects."""
    if found is None:
        raise missing
    check(user, permission, found)
    return found


def check_page(user: Any, permission: str, obj: Any = None) -> None:
    """Inside a page: the 403 page unless the named predicate holds (for an object-level check)."""
    if not allowed(user, permission, obj):
        raise DjangoPermissionDenied(permission)


def requires(permission: str) -> Callable[[F], F]:
    """View decorator: anonymous users go to the sign-in page, others without the permission get 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if permission != PUBLIC:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not allowed(request.user, permission):
                    raise DjangoPermissionDenied(permission)
            return view(request, *args, **kwargs)

        wrapper.peili_permission = permission  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def api_requires(permission: str) -> Callable[[F], F]:
    """Names the permission of an API operation. The check itself runs before ninja parses the
    request (see `peili.api.router.PermissionAuth`), so a refused caller learns nothing from
    validation errors; every operation must carry this mark or the API refuses to start."""

    def decorate(operation: F) -> F:
        operation.peili_permission = permission  # type: ignore[attr-defined]
        return operation

    return decorate
