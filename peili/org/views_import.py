"""The staff-list upload (placeholder until the importer lands)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peili.core.permissions import requires


@requires("org.import_people")
def upload(request: HttpRequest) -> HttpResponse:
    return render(request, "org/import.html", {})
