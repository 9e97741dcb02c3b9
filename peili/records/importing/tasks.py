"""Background work of the learning-records import. The task takes an id and calls the service (run
eagerly, in process, when no broker is configured)."""

from __future__ import annotations

from celery import shared_task


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
