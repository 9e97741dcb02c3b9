"""Background work for people and agencies. Tasks take ids and call a service (run eagerly, in
process, when no broker is configured)."""

from __future__ import annotations

from celery import shared_task


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
