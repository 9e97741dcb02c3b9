"""Every Celery task of the project carries a soft and a hard time limit (settings with defaults);
the import jobs have their own, longer ones."""

from __future__ import annotations

from config.celery import app

PROJECT_TASKS = {
    "enrolment.notify_registration",
    "enrolment.send_class_reminders",
    "org.run_import_job",
    "org.tidy_import_jobs",
    "records.run_import_job",
    "records.send_hours_reminders",
    "records.tidy_import_jobs",
    "surveys.flush_pools",
    "surveys.notify_reflection",
    "surveys.open_due",
    "surveys.send_reminders",
}


def project_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_has_a_soft_and_a_hard_time_limit():
    tasks = project_tasks()
    assert set(tasks) == PROJECT_TASKS
    limits = {name: (task.soft_time_limit, task.time_limit) for name, task in tasks.items()}
    imports = {"org.run_import_job", "records.run_import_job"}
    others = {name: limit for name, limit in limits.items() if name not in imports}
    assert others == dict.fromkeys(PROJECT_TASKS - imports, (600, 660))
    assert {name: limits[name] for name in imports} == dict.fromkeys(imports, (900, 960))


def test_the_limits_are_settings():
    from config import settings

    assert (settings.CELERY_TASK_SOFT_TIME_LIMIT, settings.CELERY_TASK_TIME_LIMIT) == (
        settings.PEILI_TASK_SOFT_TIME_LIMIT,
        settings.PEILI_TASK_TIME_LIMIT,
    )
    assert settings.CELERY_TASK_ANNOTATIONS["org.run_import_job"] == {
        "soft_time_limit": settings.PEILI_IMPORT_TASK_SOFT_TIME_LIMIT,
        "time_limit": settings.PEILI_IMPORT_TASK_TIME_LIMIT,
    }
    # A hard limit after the soft one, and a job killed at it is failed long before the stale sweep.
    assert settings.PEILI_IMPORT_TASK_SOFT_TIME_LIMIT < settings.PEILI_IMPORT_TASK_TIME_LIMIT
    assert settings.PEILI_IMPORT_TASK_TIME_LIMIT < settings.PEILI_IMPORT_STALE_MINUTES * 60
