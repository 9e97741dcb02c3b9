from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peili.core import audit, selectors, services
from peili.core.forms import CalendarOverrideForm
from peili.core.pages import perform
from peili.core.permissions import requires
from peili.core.selectors import working_calendar


@requires("core.view_audit")
def audit_log(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "").strip()
    obj = request.GET.get("object", "").strip()
    entries = selectors.audit_entries(action, obj)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.action_label = audit.action_label(entry.action)  # type: ignore[attr-defined]
    return render(request, "core/audit.html", {"page": page, "action": action, "object": obj})


@requires("core.manage_calendar")
def calendar(request: HttpRequest) -> HttpResponse:
    form = CalendarOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.calendar_override_set(
            day=form.cleaned_data["day"],
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(request, _("已儲存行事曆調整。"))
        return redirect("core:calendar")
    cal = working_calendar()
    today = timezone.localdate()
    upcoming = [(today + timedelta(days=i)) for i in range(21)]
    days = [{"date": d, "working": cal.is_working_day(d), "holiday": cal.holiday_name(d)} for d in upcoming]
    return render(
        request,
        "core/calendar.html",
        {
            "form": form,
            "overrides": selectors.calendar_overrides(),
            "days": days,
            "next_working_day": cal.nth_working_day_after(today, 1),
            "today": today,
        },
    )


@require_POST
@requires("core.manage_calendar")
def calendar_delete(request: HttpRequest, pk: int) -> HttpResponse:
    perform(
        request, lambda: services.calendar_override_delete(override_id=pk, actor=request.user), _("已刪除行事曆調整。")
    )
    return redirect("core:calendar")
