"""Background work for people and agencies: the staff-list import's tasks, in the shape every
import's take (`peili.imports.tasks`: ids in, the job run, a killed worker's job failed at once).
Run eagerly, in process, when no broker is configured."""

from __future__ import annotations

from peili.imports.tasks import job_task, tidy_task

# Check (and load, unless validate-only) an uploaded staff list. Safe to run twice.
run_import_job = job_task("org.run_import_job")
# Fail jobs whose worker died and delete uploaded files past their keeping period.
tidy_import_jobs = tidy_task("org.tidy_import_jobs", "people")
