from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from peili.core.permissions import requires
from peili.notifications import selectors, services


@requires("notifications.view_own")
def notification_list(request: HttpRequest) -> HttpResponse:
    """我的通知: the latest 100; POST marks all read, or the one named in `notification`."""
    if request.method == "POST":
        one = request.POST.get("notification", "")
        services.notifications_mark_read(actor=request.user, notification_id=int(one) if one.isdigit() else None)
        return redirect("notifications:list")
    items = list(selectors.notifications_for_user(request.user)[:100])
    return render(request, "notifications/list.html", {"items": items})
