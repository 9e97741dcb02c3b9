"""The jobs of every importer: an uploaded file kept and queued, a preview confirmed for loading,
the runner with stage progress, failing a job whose work stopped, and the periodic tidy-up.

The importer's own work — read, check, match, write — is `Importer.work`; everything around it is
here, the same for each importer. Each importer's services call these with its `Importer`
(`peili.imports.registry`), and keep their own names (`import_job_create`, `import_job_run`, …).
"""

from __future__ import annotations

import gc
import logging
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.core import audit, locking, tabular
from peili.core.errors import Conflict
from peili.core.tabular import Limits
from peili.imports.enums import ImportStage, ImportStatus
from peili.imports.models import ImportJob
from peili.imports.registry import Importer, StageCallback

logger = logging.getLogger(__name__)

__all__ = [
    "StageCallback",
    "abandoned_reason",
    "collector_paused",
    "job_abandon",
    "job_create",
    "job_finish",
    "job_load",
    "job_run",
    "jobs_tidy",
    "progress_writer",
]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: an import allocates a few million small, acyclic
    objects (cells, records, rows), and the collector's repeated passes over them cost a third of the
    time of a 100,000-row import. Reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _authenticated(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def job_create(
    *,
    importer: Importer,
    data: bytes,
    filename: str,
    actor: Any,
    options: Mapping[str, Any],
    audited: Mapping[str, Any],
) -> ImportJob:
    """Keep an uploaded file with the uploader's `options` (job fields) and queue it. A file that
    cannot be read, or goes past an upload's bounds where that shows without reading it all
    (`tabular.check`), is refused here with a `tabular.Refusal`, before anything is kept. The audit
    entry has the file's name and size and `audited`."""
    tabular.check(data, filename, Limits.for_uploads())
    job = importer.job_model._default_manager.create(
        created_by=_authenticated(actor), filename=filename[:200], size=len(data), content=data, **options
    )
    audit.record(
        actor=actor,
        action=importer.upload_action,
        target=job,
        after={"filename": job.filename, "size": job.size, **audited},
    )
    task = importer.task
    transaction.on_commit(lambda: task.delay(job.pk))
    return job


def job_load(*, importer: Importer, job: ImportJob, actor: Any) -> ImportJob:
    """Queue a previewed job for loading: the file is checked again and then written."""
    with transaction.atomic():
        job = locking.lock_row(importer.job_model._default_manager.defer("content"), pk=job.pk)
        if job.status != ImportStatus.PREVIEW:
            raise Conflict(importer.not_loadable_code, _("這份檔案目前無法匯入：請重新上傳。"))
        job.validate_only = False
        job.status = ImportStatus.QUEUED
        job.stage = ImportStage.WAITING
        job.progress = 0
        # The load runs with the scope of whoever pressed the button, and the audit names them.
        job.loaded_by = _authenticated(actor)
        job.save(update_fields=["validate_only", "status", "stage", "progress", "loaded_by", "updated_at"])
        audit.record(actor=actor, action=importer.load_action, target=job, after={"filename": job.filename})
        task = importer.task
        queued = job.pk
        transaction.on_commit(lambda: task.delay(queued))
    return job


def progress_writer(
    model: type[ImportJob], job_id: int, start: Mapping[ImportStage, int], span: Mapping[ImportStage, int]
) -> StageCallback:
    """A job's progress writer: each stage starts at `start` percent and spans `span` percent; a
    write every 2 % at most."""
    last: dict[str, Any] = {"stage": None, "percent": -1}

    def write(stage: ImportStage, fraction: float) -> None:
        percent = start.get(stage, 0) + int(span.get(stage, 0) * min(fraction, 1.0))
        if stage == last["stage"] and percent - last["percent"] < 2:
            return
        last.update(stage=stage, percent=percent)
        model._default_manager.filter(pk=job_id).update(stage=stage, progress=percent, updated_at=timezone.now())

    return write


def job_process(importer: Importer, job_id: int) -> None:
    """Process a queued job of `importer` (its Celery task calls this; see `job_run`)."""
    job_run(
        importer.job_model,
        job_id,
        work=importer.work,
        status_of=importer.status_of,
        report_of=importer.report_of,
        on_stage=progress_writer(importer.job_model, job_id, importer.stage_start, importer.stage_span),
    )


def job_run(
    model: type[ImportJob],
    job_id: int,
    *,
    work: Callable[[Any, Any, StageCallback], Any],
    status_of: Callable[[Any], ImportStatus],
    report_of: Callable[[Any], dict[str, Any]],
    on_stage: StageCallback,
) -> None:
    """Process a queued import job of `model`. A job runs once per queueing; one still "running" long
    after its last progress write lost its worker (the broker delivers the task again after a crash)
    and may be claimed again. `work(job, actor, on_stage)` imports and returns the outcome. Whatever
    stops the work — an error, the task's soft time limit, the process being stopped (a web server's
    worker timeout when tasks run in the request) — leaves the job failed with a Chinese reason and
    nothing written; what stops the process itself is raised again once the job is marked."""
    stale = timezone.now() - timedelta(minutes=settings.PEILI_IMPORT_STALE_MINUTES)
    claimable = Q(status=ImportStatus.QUEUED) | Q(status=ImportStatus.RUNNING, updated_at__lt=stale)
    claimed = model._default_manager.filter(claimable, pk=job_id).update(
        status=ImportStatus.RUNNING, stage=ImportStage.READING, progress=0, updated_at=timezone.now()
    )
    if not claimed:
        return
    job = model._default_manager.select_related("created_by", "loaded_by").get(pk=job_id)
    actor = job.loaded_by if not job.validate_only and job.loaded_by else job.created_by
    if actor is None:
        # Never fall back to a system import's full scope for an upload whose account is gone.
        job_finish(job, ImportStatus.FAILED, {"error": _("上傳者的帳號已不存在，未匯入任何資料；請重新上傳。")})
        return
    label = model._meta.label
    try:
        outcome = work(job, actor, on_stage)
    except IntegrityError:
        logger.warning("%s %s: conflicting concurrent change", label, job_id, exc_info=True)
        job_finish(
            job, ImportStatus.FAILED, {"error": _("資料在檢查期間已被其他作業變更，未匯入任何資料；請重新上傳。")}
        )
        return
    except (SoftTimeLimitExceeded, MemoryError) as stopped:
        logger.warning("%s %s stopped: %r", label, job_id, stopped)
        job_abandon(model, job_id, stopped)
        return
    except Exception:
        logger.exception("%s %s failed", label, job_id)
        job_finish(job, ImportStatus.FAILED, {"error": _("處理時發生錯誤，未匯入任何資料；請稍後再試或洽系統管理者。")})
        return
    except BaseException as stopping:  # the process is being stopped: mark the job while it still can
        job_abandon(model, job_id, stopping)
        raise
    job_finish(job, status_of(outcome), report_of(outcome))


def abandoned_reason(exception: BaseException | None) -> str:
    """Why a job stopped without finishing, in words for its uploader."""
    if isinstance(exception, SoftTimeLimitExceeded | TimeLimitExceeded):
        return _("處理超過時間上限（%(minutes)s 分鐘），已停止，未匯入任何資料；請分檔，或另存為 CSV 後重新上傳。") % {
            "minutes": f"{math.ceil(settings.PEILI_IMPORT_TASK_SOFT_TIME_LIMIT / 60):,}"
        }
    if isinstance(exception, MemoryError):
        return _("檔案過大，處理時記憶體不足，未匯入任何資料；請分檔後重新上傳。")
    return _("處理程序意外中止，未匯入任何資料；請重新上傳，若再發生請分檔或洽系統管理者。")


def job_abandon(model: type[ImportJob], job_id: int, exception: BaseException | None) -> int:
    """Fail a job that is still queued or running because its work stopped without finishing — a time
    limit, memory, its process stopped or lost (Celery's failure signal: `peili.imports.tasks`).
    Writes nothing else; 1 when the job was marked, 0 when it had already finished. Safe to call from
    another process than the one that ran the job."""
    now = timezone.now()
    fields = {
        "status": ImportStatus.FAILED,
        "stage": ImportStage.FINISHED,
        "progress": 100,
        "content": b"",
        "finished_at": now,
        "updated_at": now,
        "report": {"error": abandoned_reason(exception)},
    }
    active = Q(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
    for attempt in (1, 2):
        try:
            return int(model._default_manager.filter(active, pk=job_id).update(**fields))
        except DatabaseError:
            # The interrupted work may have left this connection unusable: once more on a new one.
            if attempt == 2:
                logger.exception("%s %s could not be marked failed", model._meta.label, job_id)
                return 0
            connection.close()
    return 0


def jobs_tidy(model: type[ImportJob]) -> dict[str, int]:
    """Periodic clean-up (Celery beat) of `model`'s import jobs: jobs whose worker died are failed,
    and uploaded files (personal data) are not kept past PEILI_IMPORT_KEEP_DAYS, even for a preview
    never loaded."""
    now = timezone.now()
    stale = now - timedelta(minutes=settings.PEILI_IMPORT_STALE_MINUTES)
    failed = model._default_manager.filter(status=ImportStatus.RUNNING, updated_at__lt=stale).update(
        status=ImportStatus.FAILED,
        stage=ImportStage.FINISHED,
        progress=100,
        content=b"",
        finished_at=now,
        updated_at=now,
        report={"error": _("處理逾時中斷，未匯入任何資料；請重新上傳。")},
    )
    expired = now - timedelta(days=settings.PEILI_IMPORT_KEEP_DAYS)
    cleared = (
        model._default_manager.filter(created_at__lt=expired)
        .exclude(content=b"")
        .exclude(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
        .update(
            content=b"", status=ImportStatus.FAILED, report={"error": _("預覽已逾保存期限，檔案已刪除；請重新上傳。")}
        )
    )
    return {"failed": failed, "cleared": cleared}


def job_finish(job: ImportJob, status: ImportStatus, report: dict[str, Any]) -> None:
    job.status = status
    job.stage = ImportStage.FINISHED
    job.progress = 100
    job.report = report
    job.finished_at = timezone.now()
    fields = ["status", "stage", "progress", "report", "finished_at", "updated_at"]
    if status != ImportStatus.PREVIEW:
        job.content = b""  # the file (personal data) is kept only while a preview waits to be loaded
        fields.append("content")
    job.save(update_fields=fields)
