"""The Celery task shape of every import: ids in, run, the job marked failed on a kill.

Each importer's app makes its two tasks with `job_task` and `tidy_task` in its own `tasks.py`, under
its own names (the settings give the job task its time limits). Run eagerly, in process, when no
broker is configured."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from celery.signals import task_failure

from peili.imports import registry, services


def job_task(name: str) -> Task:
    """The task that checks (and loads, once confirmed) one uploaded file. Safe to run twice."""

    @shared_task(name=name, ignore_result=True)
    def run_import_job(job_id: int) -> None:
        importer = registry.by_task(name)
        assert importer is not None, name  # registered by its app's ready() before any task runs
        services.job_process(importer, job_id)

    return run_import_job


def tidy_task(name: str, importer_key: str) -> Task:
    """The periodic task that fails jobs whose worker died and deletes uploaded files past their
    keeping period."""

    @shared_task(name=name, ignore_result=True)
    def tidy_import_jobs() -> None:
        services.jobs_tidy(registry.get(importer_key).job_model)

    return tidy_import_jobs


@task_failure.connect
def import_job_task_failed(
    sender: Any = None, args: Any = None, exception: BaseException | None = None, **_: Any
) -> None:
    """An import task that failed where the job runner could not mark its job — its worker process
    killed at the hard time limit, or lost (out of memory) — has the job failed at once by the
    worker's main process (Celery signals those there), not half an hour later by the stale-job
    sweep. Celery's failure signal is the one place a lost worker is told of."""
    importer = registry.by_task(getattr(sender, "name", ""))
    if importer is None or not args:
        return
    services.job_abandon(importer.job_model, int(args[0]), exception)
