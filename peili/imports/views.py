"""The pages of every import: upload, progress, report with the load (confirm) button, the template
and the problem CSV — one set, each page given the importer's key by its URL (`urls.importer_urls`).

Thin: the work is in the importer's services. A job is named by `?job=<id>` and only its uploader
(or whoever the importer lets see every upload) sees it; a load runs with the scope of whoever
confirms it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from peili.core.errors import PeiliError
from peili.core.permissions import requires
from peili.imports import registry, services
from peili.imports.enums import ImportStatus
from peili.imports.models import ImportJob
from peili.imports.registry import Importer
from peili.imports.report import problems_csv
from peili.imports.selectors import import_job_for_user, import_jobs_for_user

# The page shows this many problems; the CSV has them all (up to the report's limit).
SHOWN_PROBLEMS = 500

ImporterView = Callable[..., HttpResponseBase]


def importer_view(page: Callable[..., HttpResponseBase], *, post_only: bool = False) -> Callable[[str], ImporterView]:
    """`page(request, importer)` as the view of one importer, guarded by its permission (named on
    the view, so the role matrix knows it); `post_only`: any other method is refused first (405)."""

    def for_importer(key: str) -> ImporterView:
        importer = registry.get(key)

        @wraps(page)
        def view(request: HttpRequest) -> HttpResponseBase:
            return page(request, importer)

        guarded = requires(importer.permission)(view)
        return require_POST(guarded) if post_only else guarded

    return for_importer


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _urls(importer: Importer) -> dict[str, str]:
    return {page: reverse(importer.url_name(page)) for page in registry.PAGES}


def _job_url(importer: Importer, job: ImportJob) -> str:
    return f"{reverse(importer.url_name('import_job'))}?job={job.pk}"


def _job(request: HttpRequest, importer: Importer) -> ImportJob | None:
    """The job named by `job` in the query or form, if the user may see it; None when none is named."""
    raw = request.GET.get("job") or request.POST.get("job")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    job = import_job_for_user(importer, request.user, int(raw))
    if job is None:
        raise Http404
    return job


def _upload(request: HttpRequest, importer: Importer) -> HttpResponse:
    assert importer.form is not None  # an importer with pages has a form
    form = importer.form(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"importer": importer, "urls": _urls(importer)}
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            assert importer.create is not None  # an importer with pages keeps uploads
            job = importer.create(
                data=uploaded.read(),
                filename=uploaded.name or "upload",
                actor=request.user,
                **importer.job_options(form.cleaned_data),
            )
        except PeiliError as error:  # a file refused before it is kept (tabular.check): shown on the form
            form.add_error("file", error.message)
        else:
            if _is_htmx(request):
                return HttpResponseClientRedirect(_job_url(importer, job))
            return redirect(_job_url(importer, job))
    if request.method == "POST" and _is_htmx(request):
        return render(request, "imports/import_form.html", {**context, "form": form})
    recent = import_jobs_for_user(importer, request.user).filter(created_by_id=request.user.pk)[:10]
    return render(
        request, "imports/import.html", {**context, "form": form, "recent": recent, **importer.page_context()}
    )


def _job_page(request: HttpRequest, importer: Importer) -> HttpResponse:
    found = _job(request, importer)
    if found is None:
        return redirect(importer.url_name("import"))
    report: dict[str, Any] = found.report or {}
    problems = report.get("problems", [])
    return render(
        request,
        "imports/import_job.html",
        {
            "importer": importer,
            "urls": _urls(importer),
            "job": found,
            "report": report,
            "problems": problems[:SHOWN_PROBLEMS],
            "problems_cut": len(problems) > SHOWN_PROBLEMS or report.get("problems_total", 0) > len(problems),
            "can_load": found.status == ImportStatus.PREVIEW,
            **importer.job_context(report),
        },
    )


def _job_status(request: HttpRequest, importer: Importer) -> HttpResponse:
    """The progress fragment, polled every second while the job runs; a finished job reloads the page."""
    found = _job(request, importer)
    if found is None:
        return redirect(importer.url_name("import"))
    if not found.is_active:
        if _is_htmx(request):
            return HttpResponseClientRefresh()
        return redirect(_job_url(importer, found))
    return render(request, "imports/import_status.html", {"importer": importer, "urls": _urls(importer), "job": found})


def _job_load(request: HttpRequest, importer: Importer) -> HttpResponse:
    """Load a previewed file: it is checked again against the data as it is now, then written."""
    found = _job(request, importer)
    if found is None:
        messages.error(request, str(importer.no_file_message))
        return redirect(importer.url_name("import"))
    try:
        services.job_load(importer=importer, job=found, actor=request.user)
    except PeiliError as error:
        messages.error(request, error.message)
    return redirect(_job_url(importer, found))


def _job_problems(request: HttpRequest, importer: Importer) -> HttpResponse:
    """Every problem of a job as CSV (UTF-8 with BOM, so Excel shows the Chinese)."""
    found = _job(request, importer)
    if found is None:
        return redirect(importer.url_name("import"))
    response = HttpResponse("\ufeff" + problems_csv(found.report or {}), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{importer.problems_filename}-{found.pk}-problems.csv"'
    return response


def _template(request: HttpRequest, importer: Importer) -> FileResponse:
    assert importer.template_xlsx is not None  # an importer with pages has a template
    return FileResponse(
        io.BytesIO(importer.template_xlsx()),
        as_attachment=True,
        filename=str(importer.template_filename),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


upload = importer_view(_upload)
job = importer_view(_job_page)
job_status = importer_view(_job_status)
job_load = importer_view(_job_load, post_only=True)
job_problems = importer_view(_job_problems)
template = importer_view(_template)
