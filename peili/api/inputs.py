"""What the API reads from a request before ninja validates it: the URL's path parameters and query,
and the JSON body. A NUL character is refused in every one of them, in keys as well as values:
PostgreSQL cannot store or compare text holding NUL, and no field of Peili has a use for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.parser import Parser

from peili.api import errors
from peili.core.errors import PeiliError

NUL = "\x00"


def _nul_error(where: str) -> PeiliError:
    return PeiliError(
        errors.REQUEST_NUL,
        _("請求內容含有空字元（NUL），無法處理。"),
        status=400,
        details={"where": where},
    )


def _refuse_nul(texts: Iterable[str], where: str) -> None:
    if any(NUL in text for text in texts):
        raise _nul_error(where)


def _refuse_nul_in_json(data: Any) -> None:
    """Walks the parsed document without recursion (its depth is bounded only by the body's size)."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if NUL in value:
                raise _nul_error("body")
        elif isinstance(value, dict):
            for key, item in value.items():
                if NUL in key:
                    raise _nul_error("body")
                pending.append(item)
        elif isinstance(value, list):
            pending.extend(value)


class StrictParser(Parser):
    """Ninja's JSON and query parsing with NUL refused. A body that is not JSON is refused with
    `request.malformed` (ninja wraps whatever the parser raises; the router unwraps it)."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):  # ValueError: bad JSON or bad UTF-8
            raise PeiliError(errors.REQUEST_MALFORMED, _("請求內容無法解析（須為 JSON）。"), status=400) from None
        _refuse_nul_in_json(data)
        return data

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        _refuse_nul((text for key, values in data.lists() for text in (key, *values)), "query")
        return super().parse_querydict(data, list_fields, request)


def refuse_nul_in_path(api: NinjaAPI, run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wraps an operation's `run`: path parameters do not pass through the parser. The refusal is
    answered through the API's own error handling, before the operation's sign-in check (a NUL in
    a path says nothing about the caller's rights)."""

    @wraps(run)
    def guarded(request: HttpRequest, *args: Any, **path_params: Any) -> HttpResponseBase:
        if any(NUL in str(value) for value in path_params.values()):
            return api.on_exception(request, _nul_error("path"))
        return run(request, *args, **path_params)

    return guarded
