"""Background work for people and agencies. Tasks take ids and call a service (run eagerly, in
process, when no broker is configured)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import task_failure


@shared_task(name="org.run_import_job", ignore_result=True)
def run_import_job(job_id: int) -> None:
    """Check (and load, unless validate-only) an uploaded staff list. Safe to run twice."""
    from peili.org.importing.services import import_job_run

    import_job_run(job_id=job_id)


@shared_task(name="org.tidy_import_jobs", ignore_result=True)
def tidy_import_jobs() -> None:
    """Fail jobs whose worker died and delete uploaded files past their keeping period."""
    from peili.org.importing.services import import_jobs_tidy

    import_jobs_tidy()


@task_failure.connect
def import_job_task_failed(
    sender: Any = None, args: Any = None, exception: BaseException | None = None, **_: Any
) -> None:
    """A staff-list task that failed where the job runner could not mark its job — its worker process
    killed at the hard time limit, or lost (out of memory) — has the job failed at once by the
    worker's main process (Celery signals those there), not half an hour later by the stale-job
    sweep. Celery's failure signal is the one place a lost worker is told of."""
    if getattr(sender, "name", "") != "org.run_import_job" or not args:
        return
    # Models and services load with the task, as in the tasks above (this module loads with Celery).
    from peili.org.importing.services import job_abandon
    from peili.org.models import ImportJob

    job_abandon(ImportJob, int(args[0]), exception)
