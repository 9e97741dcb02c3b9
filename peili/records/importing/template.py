"""The downloadable learning-records template (`peili.imports.template`): the headers (required
ones marked *), two example records (one split written 201:2;303:1, one split over two rows), and a
sheet describing each column. Cells are formatted as text so Excel keeps 111-02-07 and codes such
as 0101 as written."""

from __future__ import annotations

from django.utils.translation import gettext as _

from peili.imports.template import template_xlsx as workbook
from peili.records.importing.columns import TEMPLATE_COLUMNS

# Two example records: one with its split in one cell, one split over two rows.
_EXAMPLES = (
    {"codes": "201:2;303:1", "certified_hours": "3", "classroom_hours": "3", "title": "環境教育與性別主流化"},
    {
        "codes": "101",
        "code_hours": "1",
        "certified_hours": "2",
        "mode": "數位",
        "digital_hours": "2",
        "classroom_hours": "0",
        "title": "當前政府重大政策",
        "provider": "e等公務園+學習平臺",
    },
    {
        "codes": "522",
        "code_hours": "1",
        "certified_hours": "2",
        "mode": "數位",
        "digital_hours": "2",
        "classroom_hours": "0",
        "title": "當前政府重大政策",
        "provider": "e等公務園+學習平臺",
    },
)


def template_xlsx() -> bytes:
    return workbook(
        title=_("學習紀錄"),
        columns=TEMPLATE_COLUMNS,
        examples=[[example.get(c.key, c.example) for c in TEMPLATE_COLUMNS] for example in _EXAMPLES],
        width=16,
    )
