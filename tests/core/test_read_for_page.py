"""A `*_for_user` read called from a page answers as `get_object_or_404` and `check_page` do."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from peili.core.codes import Error as CoreError
from peili.core.errors import NotFound, PeiliError, PermissionDenied
from peili.core.pages import read_for_page


def _refuse(error: PeiliError) -> None:
    raise error


def test_not_found_is_the_404_page_and_a_refusal_the_403_page():
    assert read_for_page(lambda a, b: a + b, 1, 2) == 3
    with pytest.raises(Http404):
        read_for_page(_refuse, NotFound(CoreError.NOT_FOUND, "找不到"))
    with pytest.raises(DjangoPermissionDenied):
        read_for_page(_refuse, PermissionDenied(CoreError.PERMISSION_DENIED, "不可"))
    with pytest.raises(PeiliError):  # anything else is not the read's answer: left alone
        read_for_page(_refuse, PeiliError(CoreError.LOCK_TIMEOUT, "其他"))
