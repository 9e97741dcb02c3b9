"""Background work of the learning-records import, in the shape every import's tasks take
(`peili.imports.tasks`: ids in, the job run, a killed worker's job failed at once). Run eagerly, in
process, when no broker is configured."""

from __future__ import annotations

from peili.imports.tasks import job_task, tidy_task

# Check (and load, once confirmed) an uploaded learning-records file. Safe to run twice.
run_records_import_job = job_task("records.run_import_job")
# Fail jobs whose worker died and delete uploaded files past their keeping period.
tidy_records_import_jobs = tidy_task("records.tidy_import_jobs", "records")
