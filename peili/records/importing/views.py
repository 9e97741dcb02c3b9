"""The learning-records import pages: upload, progress, preview or result, load, the template and
the problem CSV.

Thin: the work is in `peili.records.importing.services`. A job is named by `?job=<id>` and only its
uploader (or an administrator) sees it; the load runs with the scope of whoever confirms it.
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
from peili.org.importing.enums import ImportStatus
from peili.records.importing import services
from peili.records.importing.columns import PORTAL_COLUMNS, TEMPLATE_COLUMNS
from peili.records.importing.forms import RecordsImportForm
from peili.records.importing.report import problems_csv
from peili.records.importing.selectors import import_jobs_for_user
from peili.records.importing.template import template_xlsx
from peili.records.models import RecordImportJob

PERMISSION = "records.import_records"
# The page shows this many problems; the CSV has them all (up to the report's limit).
SHOWN_PROBLEMS = 500


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _job_url(job: RecordImportJob) -> str:
    return f"{reverse('records:import_job')}?job={job.pk}"


def _job(request: HttpRequest) -> RecordImportJob | None:
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


@requires(PERMISSION)
def upload(request: HttpRequest) -> HttpResponse:
    form = RecordsImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                data=uploaded.read(),
                filename=uploaded.name or "upload",
                actor=request.user,
                source_system=form.cleaned_data["source_system"],
                skip_bad=form.cleaned_data["skip_bad"],
            )
        except PeiliError as error:  # a file refused before it is kept (tabular.check): shown on the form
            form.add_error("file", error.message)
        else:
            if _is_htmx(request):
                return HttpResponseClientRedirect(_job_url(job))
            return redirect(_job_url(job))
    if request.method == "POST" and _is_htmx(request):
        return render(request, "records/import_form.html", {"form": form})
    recent = import_jobs_for_user(request.user).filter(created_by_id=request.user.pk)[:10]
    return render(
        request,
        "records/import.html",
        {
            "form": form,
            "recent": recent,
            "template_columns": TEMPLATE_COLUMNS,
            "portal_columns": PORTAL_COLUMNS,
        },
    )


@requires(PERMISSION)
def job(request: HttpRequest) -> HttpResponse:
    found = _job(request)
    if found is None:
        return redirect("records:import")
    report: dict[str, Any] = found.report or {}
    problems = report.get("problems", [])
    return render(
        request,
        "records/import_job.html",
        {
            "job": found,
            "report": report,
            "problems": problems[:SHOWN_PROBLEMS],
            "problems_cut": report.get("problems_total", 0) > min(len(problems), SHOWN_PROBLEMS),
            "can_load": found.status == ImportStatus.PREVIEW,
        },
    )


@requires(PERMISSION)
def job_status(request: HttpRequest) -> HttpResponse:
    """The progress fragment, polled every second while the job runs; a finished job reloads the page."""
    found = _job(request)
    if found is None:
        return redirect("records:import")
    if not found.is_active:
        if _is_htmx(request):
            return HttpResponseClientRefresh()
        return redirect(_job_url(found))
    return render(request, "records/import_status.html", {"job": found})


@require_POST
@requires(PERMISSION)
def job_load(request: HttpRequest) -> HttpResponse:
    """Load a previewed file: it is checked again against the ledger as it is now, then written."""
    found = _job(request)
    if found is None:
        messages.error(request, _("請先上傳學習紀錄檔案。"))
        return redirect("records:import")
    try:
        services.import_job_load(job=found, actor=request.user)
    except PeiliError as error:
        messages.error(request, error.message)
    return redirect(_job_url(found))


@requires(PERMISSION)
def job_problems(request: HttpRequest) -> HttpResponse:
    """Every problem of a job as CSV (UTF-8 with BOM, so Excel shows the Chinese)."""
    found = _job(request)
    if found is None:
        return redirect("records:import")
    response = HttpResponse("\ufeff" + problems_csv(found.report or {}), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="records-import-{found.pk}-problems.csv"'
    return response


@requires(PERMISSION)
def template(request: HttpRequest) -> FileResponse:
    return FileResponse(
        io.BytesIO(template_xlsx()),
        as_attachment=True,
        filename=_("學習紀錄匯入範本.xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
