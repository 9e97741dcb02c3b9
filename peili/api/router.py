"""The REST API at /api/v1/. One module per domain; no logic of its own: parse, call, render.

Every refusal is `{"code", "message", "details"?}` (`peili.api.errors` lists the codes): a
`PeiliError` from the domain, a request ninja cannot validate, a body that is not JSON or holds a
NUL, a database that cannot be reached (503), and anything unexpected (500, logged, nothing of it
shown).
"""

from __future__ import annotations

import json
import logging
import sys
from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation, PathView
from ninja.params.models import BodyModel
from ninja.renderers import JSONRenderer
from ninja.security import SessionAuth

from peili.api import errors
from peili.api.inputs import StrictParser, refuse_nul_in_path
from peili.core import locking
from peili.core.errors import PeiliError, PermissionDenied
from peili.core.permissions import PUBLIC, check

logger = logging.getLogger("peili.api")


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
            raise PermissionDenied(errors.CSRF_FAILED, _("CSRF 驗證失敗，請重新整理頁面後再試。"), status=403) from None

    def __call__(self, request: HttpRequest) -> Any:
        if self.permission == PUBLIC:
            return True
        user = super().__call__(request)
        if not user:
            raise PermissionDenied(errors.AUTH_REQUIRED, _("請先登入。"), status=401)
        check(user, self.permission)
        return user


# The heading of each error status in the OpenAPI document.
STATUS_TITLES = {
    400: gettext_lazy("請求內容有誤"),
    401: gettext_lazy("尚未登入"),
    403: gettext_lazy("沒有權限"),
    404: gettext_lazy("找不到"),
    409: gettext_lazy("與目前狀態衝突"),
    413: gettext_lazy("請求內容過大"),
    422: gettext_lazy("請求格式不符"),
    500: gettext_lazy("系統錯誤"),
    503: gettext_lazy("服務暫時無法使用"),
}
ERROR_SCHEMA = "PeiliError"


class PeiliAPI(NinjaAPI):
    """Ninja's API whose OpenAPI document lists each operation's error codes and statuses."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})[ERROR_SCHEMA] = errors.ErrorOut.model_json_schema()
        reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
        for operations in schema["paths"].values():
            for details in operations.values():
                codes = details.get("x-error-codes", [])
                listed = []
                for status, known in errors.by_status(codes).items():
                    details["responses"][status] = {
                        "description": _("%(title)s。錯誤代碼：")
                        % {"title": STATUS_TITLES.get(status, HTTPStatus(status).phrase)}
                        + "".join(f"\n- `{e.code}`：{e.description}" for e in known),
                        "content": {self.renderer.media_type: {"schema": reference}},
                    }
                    listed += [{"code": e.code, "status": e.status, "description": str(e.description)} for e in known]
                details["x-error-codes"] = listed
        schema["x-error-codes"] = [
            {"code": e.code, "status": e.status, "description": str(e.description)} for e in errors.REGISTRY.values()
        ]
        return schema


api = PeiliAPI(
    title="培力 Peili API",
    version="1",
    description=(
        "公務人員訓練進修平臺 REST API。錯誤回應一律為 {code, message, details}，code 為穩定的錯誤代碼；"
        "各操作可能回覆的錯誤代碼與狀態列於其 responses 與 x-error-codes，全部代碼列於文件最上層的 x-error-codes。"
    ),
    renderer=ChineseJSONRenderer(),
    parser=StrictParser(),
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
    fields = list(dict.fromkeys(_field_name(error.get("loc", ())) for error in exc.errors))
    return _error(
        request,
        422,
        errors.REQUEST_INVALID,
        _("請求內容格式不正確：%(fields)s。") % {"fields": "、".join(fields)},
        json.loads(json.dumps(exc.errors, default=str)),
    )


def _field_name(loc: Any) -> str:
    """The field as the client wrote it: `page`, `person_ids.0` (ninja's loc also names where it
    looked and, for a body, the operation's own name for it)."""
    parts = [str(part) for part in loc]
    if parts[:1] == ["body"]:
        return ".".join(parts[2:]) or _("請求內容")
    return ".".join(parts[1:]) or _("請求內容")


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, errors.AUTH_REQUIRED, _("請先登入。"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja wraps what the parser raises (a body that is not JSON, a NUL) in an HttpError.
    if isinstance(exc.__cause__, PeiliError):
        return on_peili_error(request, exc.__cause__)
    return _error(request, exc.status_code, f"http.{exc.status_code}", _("請求無法處理。"))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, errors.NOT_FOUND, _("找不到此資源。"))


@api.exception_handler(MultiPartParserError)
def on_unparsable(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # A body declared as a form, unreadable (read by the CSRF check of an unsafe method).
    return _error(request, 400, errors.REQUEST_MALFORMED, _("請求內容無法解析（須為 JSON）。"))


@api.exception_handler(RequestDataTooBig)
def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, errors.REQUEST_TOO_LARGE, _("請求內容過大。"))


def _service_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database cannot be reached (the connection dropped, the server restarts): the client
    may try again; the operator is told through the log."""
    logger.error("database unavailable during %s %s", request.method, request.path, exc_info=exc)
    response = _error(request, 503, errors.SERVICE_UNAVAILABLE, _("系統暫時無法連線資料庫，請稍後再試。"))
    response["Retry-After"] = "30"
    return response


@api.exception_handler(OperationalError)
def on_database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    if locking.is_lock_timeout(exc):  # a lock wait ran out outside core.locking's helpers
        return on_peili_error(request, locking.LockTimeout())
    return _service_unavailable(request, exc)


@api.exception_handler(InterfaceError)
def on_connection_error(request: HttpRequest, exc: InterfaceError) -> HttpResponse:
    return _service_unavailable(request, exc)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback; the client gets a code and nothing of the internals."""
    logger.error("unexpected error in %s %s", request.method, request.path, exc_info=exc)
    return _error(request, 500, errors.SERVER_ERROR, _("系統發生錯誤，已通知管理者，請稍後再試。"))


from peili.api import catalog, enrolment, org, policy, records, survey_results, surveys  # noqa: E402  (routers register themselves on `api`)

api.add_router("/", org.router)
api.add_router("/policy", policy.router)
api.add_router("/classes", catalog.router)
api.add_router("/registrations", enrolment.router)
api.add_router("/records", records.router)
api.add_router("/surveys/results", survey_results.router)
api.add_router("/surveys", surveys.router)
api.add_router("/attendance", "peili.api.attendance.router")


def _error_codes(operation: Operation, permission: str) -> list[str]:
    """The operation's own codes (`@api_errors`) and those every operation of its kind can answer."""
    codes = list(getattr(operation.view_func, "peili_errors", ()))
    unsafe = bool(set(operation.methods) - {"GET", "HEAD", "OPTIONS"})
    if permission != PUBLIC:
        codes += [errors.AUTH_REQUIRED, errors.PERMISSION_DENIED]
        if unsafe:
            codes.append(errors.CSRF_FAILED)
    if operation.models:
        codes += [errors.REQUEST_INVALID, errors.REQUEST_NUL]
    # The body is read by the CSRF check of an unsafe method, and parsed where the operation takes one.
    if unsafe or any(issubclass(model, BodyModel) for model in operation.models):
        codes += [errors.REQUEST_MALFORMED, errors.REQUEST_TOO_LARGE]
    if unsafe:  # a write may wait for rows another request holds, for a bounded time (core.locking)
        codes.append(errors.LOCK_TIMEOUT)
    codes += [errors.SERVICE_UNAVAILABLE, errors.SERVER_ERROR]
    return list(dict.fromkeys(codes))


def _json_not_allowed(path_view: PathView) -> Any:
    """A method the path does not have: 405 with the API's JSON error (ninja answers plain text)."""

    def not_allowed() -> HttpResponse:
        body = {"code": errors.METHOD_NOT_ALLOWED, "message": _("此路徑不接受這個 HTTP 方法。")}
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), status=405, content_type="application/json; charset=utf-8"
        )
        response["Allow"] = ", ".join(sorted({method for op in path_view.operations for method in op.methods}))
        return response

    return not_allowed


def _guard_every_operation() -> None:
    """On each operation as it will run (ninja binds copies of the routers' operations): its
    PermissionAuth from its `@api_requires` mark (refuse to start without one), the NUL check of its
    path parameters, the list of its error codes for the document, and JSON for a wrong method."""
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            path_view._not_allowed = _json_not_allowed(path_view)  # type: ignore[method-assign]
            for operation in path_view.operations:
                permission = getattr(operation.view_func, "peili_permission", None)
                if permission is None:
                    raise RuntimeError(f"API operation {router.prefix}{path} has no @api_requires permission")
                operation.auth_callbacks = [PermissionAuth(permission)]
                operation.run = refuse_nul_in_path(api, operation.run)  # type: ignore[method-assign]
                operation.openapi_extra = {
                    **(operation.openapi_extra or {}),
                    "x-error-codes": _error_codes(operation, permission),
                }


_guard_every_operation()


# --- what Django answers itself under /api/ ---------------------------------------------------------
# A path no operation has, or an exception outside an operation (in a middleware): JSON as well,
# not Django's HTML pages. Installed as handler404/handler500 in config/urls.py (used when DEBUG is
# off; with DEBUG on Django shows its technical pages).

API_PREFIX = "/api/"


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _error(request, 404, errors.NOT_FOUND, _("找不到此資源。"))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        # Django calls this while handling the exception (and has logged it): it is still current.
        if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
            return _error(request, 503, errors.SERVICE_UNAVAILABLE, _("系統暫時無法連線資料庫，請稍後再試。"))
        return _error(request, 500, errors.SERVER_ERROR, _("系統發生錯誤，已通知管理者，請稍後再試。"))
    return defaults.server_error(request)
