"""Ending sessions that have lasted too long: after PEILI_SESSION_IDLE_MINUTES without a request, and
PEILI_SESSION_MAX_HOURS after signing in however busy — a desk left signed in at a government office
is not left open until the cookie's expiry.

The times live in the session, stamped when signing in (`stamp_session`, on Django's
`user_logged_in`) — or on the first request of a session made before the stamps existed; the
last-seen stamp is rewritten at most once a minute (each write saves the session row).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

SIGNED_IN_AT = "accounts.signed_in_at"
LAST_SEEN = "accounts.last_seen"
TOUCH_SECONDS = 60


def stamp_session(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """`user_logged_in` receiver: a new session starts its lifetime and idle clocks now."""
    now = int(time.time())
    request.session[SIGNED_IN_AT], request.session[LAST_SEEN] = now, now


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            since, seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN)
            if since is None or seen is None:
                session[SIGNED_IN_AT], session[LAST_SEEN] = since or now, now
            elif now - int(seen) > settings.PEILI_SESSION_IDLE_MINUTES * 60:
                self._end(
                    request,
                    _("您已閒置超過 %(minutes)d 分鐘，已自動登出，請重新登入。")
                    % {"minutes": settings.PEILI_SESSION_IDLE_MINUTES},
                )
            elif now - int(since) > settings.PEILI_SESSION_MAX_HOURS * 3600:
                self._end(
                    request, _("登入已超過 %(hours)d 小時，請重新登入。") % {"hours": settings.PEILI_SESSION_MAX_HOURS}
                )
            elif now - int(seen) >= TOUCH_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _end(request: HttpRequest, message: str) -> None:
        logout(request)
        messages.warning(request, message)
