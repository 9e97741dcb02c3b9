from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peili.core.permissions import requires
from peili.policy.models import PolicyPack


@requires("policy.view_packs")
def packs(request: HttpRequest) -> HttpResponse:
    return render(request, "policy/packs.html", {"packs": PolicyPack.objects.select_related("jurisdiction")})
