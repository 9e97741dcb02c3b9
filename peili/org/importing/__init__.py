"""The HR staff-list import (人員匯入).

An agency personnel officer uploads the staff list exported from the HR system (.xlsx or .csv,
UTF-8 or Big5); every row is checked and every problem reported in Chinese; only a clean file
is loaded, in one transaction, and a re-import reports what changed per person.

    columns.py   the column objects (`peili.imports.columns.Column`) and lenient header matching
    reading.py   bytes → RawTable (read and bounded by peili.core.tabular; the header row)
    rules.py     pure validation: RawTable + Facts → PersonRecords + Problems (no ORM)
    plan.py      pure comparison with the people already stored: creates, updates, unchanged
    services.py  the database side: facts, existing people, the all-or-nothing write (COPY through
                 peili.imports.bulk), audit; the job services around it
    report.py    the outcome as JSON (ImportJob.report) and text (the command)
    enums.py     this import's problem codes;  problems.py  `problem` for them
    forms.py     the upload form;  template.py  the downloadable .xlsx template
    importer.py  the declaration registered with peili.imports (OrgConfig.ready)

Jobs, progress, the pages, the problems CSV and the base problem codes are the import framework's
(`peili.imports`); this package holds only the staff list's columns and rules.
The rules in words: docs/rules/hr-import.md.
This package's __init__ imports nothing.
"""
