"""The one import framework (匯入): what every spreadsheet import shares, whatever it loads.

An importer (the HR staff list in `peili.org.importing`, learning records in
`peili.records.importing`) declares its columns, row checks, matching and writer, and registers an
`Importer` (`registry.py`) from its app's `ready()`. This app sits just above `peili.core` and
imports no app above it: what it needs of an importer — the job model, the permission, the form,
the page's words — it finds in the registry.

    enums.py      job states and stages, problem severity, the base problem codes every importer shares
    models.py     `ImportJob`, the abstract job (uploaded file, choices, progress, report); each
                  importer's concrete job keeps its own table
    columns.py    column objects and lenient header matching
    problems.py   one problem: row, column, value, stable code, Chinese message, severity
    reading.py    bytes → rows through `peili.core.tabular` (CSV/XLSX/Big5, bounded), the header row found
    bulk.py       PostgreSQL COPY / UPDATE … FROM for the writers, one bound parameter for long IN lists
    services.py   the jobs: create, load (confirm), the runner with stage progress, failing, tidying
    tasks.py      the Celery task shape (ids in, run; a killed worker's job failed at once)
    report.py     the problems CSV and the shared lines of the command's text report
    template.py   the downloadable .xlsx template writer
    selectors.py  jobs a user may open
    views.py, urls.py, templates/imports/   one set of pages (upload, status with progress, load) per importer

docs/architecture.md, "Adding an importer", walks through the HR importer as the example.
"""
