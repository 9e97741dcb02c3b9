"""The staff-list import pages: upload, progress, report, load, the template and the problem CSV.

Thin: the work is in `peili.org.importing`. A job is named by `?job=<id>` and only its uploader
(or an administrator) sees it.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from peili.core.errors import PeiliError
from peili.core.permissions import requires
from peili.org.importing import services
from peili.org.importing.columns import COLUMNS, RATING_HINT
from peili.org.importing.enums import ImportStatus
from peili.org.importing.forms import ImportForm
from peili.org.importing.report import problems_csv
from peili.org.importing.selectors import import_jobs_for_user
from peili.org.importing.template import template_xlsx
from peili.org.models import ImportJob

# The page shows this many problems and changes; the CSV has every problem, the audit log every change.
SHOWN_PROBLEMS = 500
SHOWN_CHANGES = 500


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _job_url(job: ImportJob) -> str:
    return f"{reverse('org:import_job')}?job={job.pk}"


def _job(request: HttpRequest) -> ImportJob | None:
    """The job named by `job` in the query or form, if the user may see it; None when none is named."""
    raw = request.GET.get("job") or request.POST.get("job")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    job = import_jobs_for_user(request.user).filter(pk=int(raw)).first()
    if job is None:
        raise Http404
    return job


@requires("org.import_people")
def upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                data=uploaded.read(),
                filename=uploaded.name or "upload",
                actor=request.user,
                validate_only=form.cleaned_data["validate_only"],
                mark_missing_left=form.cleaned_data["mark_missing_left"],
            )
        except PeiliError as error:  # a file refused before it is kept (tabular.check): shown on the form
            form.add_error("file", error.message)
        else:
            if _is_htmx(request):
                return HttpResponseClientRedirect(_job_url(job))
            return redirect(_job_url(job))
    if request.method == "POST" and _is_htmx(request):
        return render(request, "org/import_form.html", {"form": form})
    recent = import_jobs_for_user(request.user).filter(created_by_id=request.user.pk)[:10]
    return render(
        request,
        "org/import.html",
        {"form": form, "recent": recent, "columns": COLUMNS, "rating_hint": RATING_HINT},
    )


@requires("org.import_people")
def job(request: HttpRequest) -> HttpResponse:
    found = _job(request)
    if found is None:
        return redirect("org:import")
    report: dict[str, Any] = found.report or {}
    problems = report.get("problems", [])
    changes = report.get("changes", [])
    return render(
        request,
        "org/import_job.html",
        {
            "job": found,
            "report": report,
            "problems": problems[:SHOWN_PROBLEMS],
            "problems_cut": len(problems) > SHOWN_PROBLEMS or report.get("problems_total", 0) > len(problems),
            "updates": [c for c in changes if c["action"] == "update"][:SHOWN_CHANGES],
            "creates": [c for c in changes if c["action"] == "create"][:SHOWN_CHANGES],
            "changes_cut": report.get("changes_total", 0) > min(len(changes), SHOWN_CHANGES),
            "can_load": found.status == ImportStatus.PREVIEW,
        },
    )


@requires("org.import_people")
def job_status(request: HttpRequest) -> HttpResponse:
    """The progress fragment, polled every second while the job runs; a finished job reloads the page."""
    found = _job(request)
    if found is None:
        return redirect("org:import")
    if not found.is_active:
        if _is_htmx(request):
            return HttpResponseClientRefresh()
        return redirect(_job_url(found))
    return render(request, "org/import_status.html", {"job": found})


@require_POST
@requires("org.import_people")
def job_load(request: HttpRequest) -> HttpResponse:
    """Load a previewed file: it is checked again against the data as it is now, then written."""
    found = _job(request)
    if found is None:
        messages.error(request, _("請先上傳名冊檔案。"))
        return redirect("org:import")
    try:
        services.import_job_load(job=found, actor=request.user)
    except PeiliError as error:
        messages.error(request, error.message)
    return redirect(_job_url(found))


@requires("org.import_people")
def job_problems(request: HttpRequest) -> HttpResponse:
    """Every problem of a job as CSV (UTF-8 with BOM, so Excel shows the Chinese)."""
    found = _job(request)
    if found is None:
        return redirect("org:import")
    response = HttpResponse(
        "\ufeff" + problems_csv(found.report or {}),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="import-{found.pk}-problems.csv"'
    return response


@requires("org.import_people")
def template(request: HttpRequest) -> FileResponse:
    return FileResponse(
        io.BytesIO(template_xlsx()),
        as_attachment=True,
        filename=_("人員名冊範本.xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
