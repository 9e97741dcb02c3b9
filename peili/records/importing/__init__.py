"""Importing learning records from elsewhere (學習紀錄匯入): the national portal's export or another
platform's, CSV (UTF-8 or Big5) or .xlsx.

Every row is checked and every problem reported in Chinese with its row, column and value; the
rows of one course split across category codes become one record; records are matched to people
by national ID within the importer's scope and de-duplicated by key; only a clean file is loaded
(or, on request, only its clean records), in one transaction.

    reading.py   bytes → Table (read by peili.core.tabular, shared with the HR import; rows streamed)
    columns.py   the two layouts (the portal's 25 columns, Peili's template) and header matching
    rules.py     pure: rows → records + problems (parse); people, scope and duplicates (resolve)
    services.py  the database side: people and existing keys, COPY / bulk_create, standings, audit, jobs
    report.py    the outcome as JSON (RecordImportJob.report) and text (the command)
    enums.py     layouts and problem codes with their Chinese messages;  problems.py  one problem
    template.py  the downloadable .xlsx template;  forms.py, selectors.py, views.py, urls.py  the page
    tasks.py     the Celery task

`records_import(source, *, actor, filename, dry_run=False, source_system="")` is the entry point
(re-exported here, loaded on first use). The rules in words: docs/rules/records-import.md.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "records_import":
        from peili.records.importing.services import records_import

        return records_import
    raise AttributeError(name)
