"""Background work of the learning-records import. The task takes an id and calls the service (run
eagerly, in process, when no broker is configured)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import task_failure


@shared_task(name="records.run_import_job", ignore_result=True)
def run_records_import_job(job_id: int) -> None:
    """Check (and load, once confirmed) an uploaded learning-records file. Safe to run twice."""
    from peili.records.importing.services import import_job_run

    import_job_run(job_id=job_id)


@shared_task(name="records.tidy_import_jobs", ignore_result=True)
def tidy_records_import_jobs() -> None:
    """Fail jobs whose worker died and delete uploaded files past their keeping period."""
    from peili.records.importing.services import import_jobs_tidy

    import_jobs_tidy()


@task_failure.connect
def records_import_job_task_failed(
    sender: Any = None, args: Any = None, exception: BaseException | None = None, **_: Any
) -> None:
    """A records task whose worker process was killed at the hard time limit or lost has its job
    failed at once (see `peili.org.tasks.import_job_task_failed`)."""
    if getattr(sender, "name", "") != "records.run_import_job" or not args:
        return
    # Models and services load with the task, as in the tasks above (this module loads with Celery).
    from peili.org.importing.services import job_abandon
    from peili.records.models import RecordImportJob

    job_abandon(RecordImportJob, int(args[0]), exception)
