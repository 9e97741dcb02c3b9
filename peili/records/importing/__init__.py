"""Importing learning records from elsewhere (學習紀錄匯入): the national portal's export or another
platform's, CSV (UTF-8 or Big5) or .xlsx.

Every row is checked and every problem reported in Chinese with its row, column and value; the
rows of one course split across category codes become one record; records are matched to people
by national ID within the importer's scope and de-duplicated by key; only a clean file is loaded
(or, on request, only its clean records), in one transaction.

    reading.py   bytes → Table (read by peili.core.tabular; rows streamed)
    columns.py   the two layouts (the portal's 25 columns, Peili's template) and header matching
    rules.py     pure: rows → records + problems (parse); people, scope and duplicates (resolve)
    services.py  the database side: people and existing keys, COPY / bulk_create, standings, audit;
                 the job services around it
    report.py    the outcome as JSON (RecordImportJob.report) and text (the command)
    enums.py     layouts and this import's problem codes;  problems.py  `problem` for them
    template.py  the downloadable .xlsx template;  forms.py  the upload form
    importer.py  the declaration registered with peili.imports (RecordsConfig.ready);  tasks.py  its tasks

Jobs, progress, the pages, the problems CSV and the base problem codes are the import framework's
(`peili.imports`).

`services.records_import(source, *, actor, filename, dry_run=False, source_system="")` is the
entry point. The rules in words: docs/rules/records-import.md.
"""
