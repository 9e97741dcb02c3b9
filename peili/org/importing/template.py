"""The downloadable staff-list template (`peili.imports.template`): the columns, then two rating
columns, one example row, and a sheet describing each column."""

from __future__ import annotations

from django.utils.translation import gettext as _

from peili.imports.template import template_xlsx as workbook
from peili.org.importing.columns import COLUMNS, RATING_EXAMPLE_YEARS, RATING_HINT

_RATING_EXAMPLES = ("甲", "乙")


def template_xlsx() -> bytes:
    return workbook(
        title=_("人員名冊"),
        columns=COLUMNS,
        examples=[[c.example for c in COLUMNS] + list(_RATING_EXAMPLES)],
        width=14,
        extra_headers=[f"考績{year}" for year in RATING_EXAMPLE_YEARS],
        extra_notes=[[f"考績{RATING_EXAMPLE_YEARS[0]}", "", str(RATING_HINT), _RATING_EXAMPLES[0]]],
    )
