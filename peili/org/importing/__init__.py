"""The HR staff-list import (人員匯入).

An agency personnel officer uploads the staff list exported from the HR system (.xlsx or .csv,
UTF-8 or Big5); every row is checked and every problem reported in Chinese; only a clean file
is loaded, in one transaction, and a re-import reports what changed per person.

    reading.py   bytes → RawTable (read and bounded by peili.core.tabular; the header row)
    columns.py   the column layout and lenient header matching
    rules.py     pure validation: RawTable + Facts → PersonRecords + Problems (no ORM)
    plan.py      pure comparison with the people already stored: creates, updates, unchanged
    services.py  the database side: facts, existing people, the all-or-nothing write, audit, jobs
    bulk.py      PostgreSQL COPY / UPDATE … FROM for the write
    report.py    the outcome as JSON (ImportJob.report), text (the command) and CSV (problems)
    enums.py     job states and stages, problem codes with their Chinese messages
    problems.py  one problem: row, column, value, code, message
    selectors.py import jobs a user may see;  forms.py  the upload form
    template.py  the downloadable .xlsx template

The rules in words: docs/rules/hr-import.md.
This package's __init__ imports nothing, so that `peili.org.models` can use `importing.enums`.
"""
