"""The REST API at /api/v1/. One module per domain; no logic of its own: parse, call, render."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import SessionAuth

from peili.core.errors import PeiliError, PermissionDenied
from peili.core.permissions import PUBLIC, check


class ChineseJSONRenderer(JSONRenderer):
    """Keeps Chinese readable in responses (ninja escapes non-ASCII by default)."""

    json_dumps_params = {"ensure_ascii": False}


class PermissionAuth(SessionAuth):
    """Session sign-in (CSRF-checked for unsafe methods) plus the operation's one named permission,
    checked before the request body or query is parsed."""

    def __init__(self, permission: str) -> None:
        super().__init__(csrf=True)
        self.permission = permission

    def _get_key(self, request: HttpRequest) -> str | None:
        try:
            return super()._get_key(request)
        except HttpError:
            raise PermissionDenied("csrf.failed", _("CSRF 驗證失敗，請重新整理頁面後再試。"), status=403) from None

    def __call__(self, request: HttpRequest) -> Any:
        if self.permission == PUBLIC:
            return True
        user = super().__call__(request)
        if not user:
            raise PermissionDenied("auth.required", _("請先登入。"), status=401)
        check(user, self.permission)
        return user


api = NinjaAPI(
    title="培力 Peili API",
    version="1",
    description="公務人員訓練進修平臺 REST API。錯誤回應一律為 {code, message, details}，code 為穩定的錯誤代碼。",
    renderer=ChineseJSONRenderer(),
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(PeiliError)
def on_peili_error(request: HttpRequest, exc: PeiliError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(
        request,
        422,
        "request.invalid",
        _("請求內容格式不正確。"),
        json.loads(json.dumps(exc.errors, default=str)),
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "auth.required", _("請先登入。"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, f"http.{exc.status_code}", str(exc))


from peili.api import catalog, enrolment, org, policy, records, survey_results, surveys  # noqa: E402  (routers register themselves on `api`)

api.add_router("/", org.router)
api.add_router("/policy", policy.router)
api.add_router("/classes", catalog.router)
api.add_router("/registrations", enrolment.router)
api.add_router("/records", records.router)
api.add_router("/surveys/results", survey_results.router)
api.add_router("/surveys", surveys.router)
api.add_router("/attendance", "peili.api.attendance.router")


def _guard_every_operation() -> None:
    """Install each operation's PermissionAuth from its `@api_requires` mark; refuse to start without one."""
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                permission = getattr(operation.view_func, "peili_permission", None)
                if permission is None:
                    raise RuntimeError(f"API operation {prefix}{path} has no @api_requires permission")
                operation.auth_callbacks = [PermissionAuth(permission)]


_guard_every_operation()
