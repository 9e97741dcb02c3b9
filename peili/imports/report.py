"""What every import's report shares: the encoding's label, the problems as CSV (the page's
download) and as lines of the command's text. Each importer writes the rest of its report (counts,
changes) itself."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from peili.core.spreadsheets import csv_writer

ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8（含 BOM）",
    "utf-16": "UTF-16",
    "cp950": "Big5（cp950）",
}


def row_label(row: int) -> str:
    return str(row) if row > 0 else _("整個檔案")


def problems_csv(report: dict[str, Any]) -> str:
    """The problem list as CSV text (write it with a BOM so Excel reads the Chinese)."""
    out = io.StringIO()
    writer = csv_writer(out)  # a cell's value as typed in the file may look like a formula
    writer.writerow([_("列"), _("欄位"), _("內容"), _("代碼"), _("說明"), _("類別")])
    for p in report.get("problems", []):
        severity = _("提醒") if p["severity"] == "warning" else _("錯誤")
        writer.writerow([row_label(p["row"]), p["column"], p["value"], p["code"], p["message"], severity])
    return out.getvalue()


def problem_lines(report: dict[str, Any]) -> list[str]:
    """The report's problems for a terminal, one line each, and a note when the list is cut."""
    lines: list[str] = []
    for p in report["problems"]:
        value = f"「{p['value']}」" if p["value"] else ""
        tag = _("提醒") if p["severity"] == "warning" else _("錯誤")
        lines.append(
            _("  第 %(row)s 列　%(column)s%(value)s：%(message)s〔%(tag)s %(code)s〕")
            % {
                "row": row_label(p["row"]),
                "column": p["column"],
                "value": value,
                "message": p["message"],
                "tag": tag,
                "code": p["code"],
            }
        )
    if report["problems_total"] > len(report["problems"]):
        lines.append(_("  （僅列出前 %(n)s 項）") % {"n": f"{len(report['problems']):,}"})
    return lines
