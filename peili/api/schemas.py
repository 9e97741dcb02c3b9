"""Shared request and response types: strict bodies, bounded integers, pages, zoned times.

Every request body is an `InSchema` (unknown fields refused); every integer a client sends is one of
the bounded types here, so no value reaches the database out of its column's range; every list is
paged by the `PageNumberPagination` here, whose page number is bounded the same way.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import date, datetime, time
from datetime import timezone as dt_timezone
from typing import Annotated, Any

from django.utils import timezone
from ninja import Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination
from ninja.pagination import paginate as ninja_paginate
from pydantic import ConfigDict, Field, PlainSerializer, WithJsonSchema

from peili.policy.services import MAX_YEAR, MIN_YEAR


class InSchema(Schema):
    """A request body: a JSON object with exactly the fields named (an unknown one is refused, so a
    misspelt field is an error rather than silently ignored)."""

    model_config = ConfigDict(extra="forbid")


# A row id (a BigAutoField: 1 … 2^63 − 1).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A Gregorian year Peili keeps rules for (ROC year 1 to the last year a policy pack may be set for).
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]

# Bounds of paging: the offset (page − 1) × size stays far inside a 64-bit integer.
MAX_PAGE = 10_000_000
MAX_PAGE_SIZE = 1_000


class PageNumberPagination(NinjaPageNumberPagination):
    """Ninja's page-number paging with bounded `page` and `page_size` (a huge page number would
    overflow the database's OFFSET)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


def paginate(pagination: type[PageNumberPagination] = PageNumberPagination, **kwargs: Any) -> Callable[..., Any]:
    """Ninja's `paginate` with this module's bounded pages. The operation's annotations are resolved
    first: ninja reads them through its own wrapper, whose globals do not hold this project's types
    (`Year`, `Id`) when a module uses `from __future__ import annotations`."""

    def decorate(operation: Callable[..., Any]) -> Callable[..., Any]:
        operation.__annotations__ = typing.get_type_hints(operation, include_extras=True)
        return ninja_paginate(pagination, **kwargs)(operation)

    return decorate


# A time of day with its UTC offset (see `zoned_time`), written out as RFC 3339 full-time.
ZonedTime = Annotated[
    time,
    PlainSerializer(time.isoformat, return_type=str),
    WithJsonSchema({"type": "string", "format": "time", "description": "RFC 3339 full-time, e.g. 09:00:00+08:00"}),
]


def zoned_time(on: date, at: time) -> time:
    """A wall-clock time in the site's zone as an RFC 3339 full-time: with the zone's UTC offset on
    that date (09:00:00+08:00), so a client anywhere reads the moment the session starts."""
    offset = timezone.make_aware(datetime.combine(on, at)).utcoffset()
    assert offset is not None  # an aware datetime always has one
    return at.replace(tzinfo=dt_timezone(offset))
