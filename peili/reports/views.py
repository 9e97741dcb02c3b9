from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peili.core.permissions import requires
from peili.reports.selectors import home_for_user


@requires("accounts.signed_in")
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/home.html", {"summary": home_for_user(request.user)})
