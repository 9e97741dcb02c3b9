"""An import's outcome as plain data: JSON for `RecordImportJob.report` (the upload page), text for
the `import-records` command; the problem list as CSV is every importer's (`peili.imports.report`).
National IDs of skipped records are masked; a problem about an ID shows it in full so the importer
can find the row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from peili.core import roc
from peili.imports.report import ENCODING_LABELS, problem_lines, problems_csv
from peili.org.rules import mask_national_id
from peili.records.importing.enums import Layout
from peili.records.rules import hours_text

if TYPE_CHECKING:
    from peili.records.importing.services import RecordsImportOutcome

__all__ = ["outcome_report", "problems_csv", "report_text"]

REPORT_VERSION = 1
# The report keeps this many problems and skipped records for the page; the counts are complete.
MAX_PROBLEMS = 20_000
MAX_SKIPPED = 500


def outcome_report(outcome: RecordsImportOutcome) -> dict[str, Any]:
    layout = Layout(outcome.layout).label if outcome.layout else ""
    return {
        "version": REPORT_VERSION,
        "filename": outcome.filename,
        "file_kind": outcome.file_kind,
        "encoding": ENCODING_LABELS.get(outcome.encoding, outcome.encoding),
        "layout": str(layout),
        "source_system": outcome.source_system,
        "rows": outcome.counts.rows,
        "dry_run": outcome.dry_run,
        "skip_bad": outcome.skip_bad,
        "written": outcome.written,
        "ok": outcome.ok,
        "loadable": outcome.loadable,
        "error_count": outcome.error_count,
        "warning_count": outcome.warning_count,
        "problems": [p.as_dict() for p in outcome.problems[:MAX_PROBLEMS]],
        "problems_total": outcome.error_count + outcome.warning_count,
        "counts": outcome.counts.as_dict(),
        "years": [
            {"year": year, "roc_year": year - roc.ROC_OFFSET, "records": n} for year, n in sorted(outcome.years.items())
        ],
        "skipped": [
            {
                "row": e.row,
                "name": e.name,
                "national_id": mask_national_id(e.national_id),
                "title": e.title,
                "start": roc.format_short(e.start),
                "end": roc.format_short(e.end),
                "hours": hours_text(e.certified),
            }
            for e in outcome.duplicates[:MAX_SKIPPED]
        ],
        "skipped_total": outcome.counts.duplicates,
        "timings": outcome.timings,
    }


def report_text(report: dict[str, Any]) -> str:
    """The report for a terminal, in Chinese."""
    lines: list[str] = []
    source = report["encoding"] or report["file_kind"].upper()
    lines.append(
        _("檔案：%(file)s（%(source)s，%(layout)s，%(rows)s 列資料）")
        % {
            "file": report["filename"],
            "source": source or "-",
            "layout": report.get("layout") or _("格式不明"),
            "rows": f"{report['rows']:,}",
        }
    )
    if "error" in report:
        lines.append(report["error"])
        return "\n".join(lines)
    if report["error_count"]:
        if report["loadable"]:
            lines.append(
                _("發現 %(errors)s 項錯誤：有錯誤的紀錄不匯入，其餘照常匯入。")
                % {"errors": f"{report['error_count']:,}"}
            )
        else:
            lines.append(
                _("發現 %(errors)s 項錯誤，未匯入任何資料。請修正後重新匯入：")
                % {"errors": f"{report['error_count']:,}"}
            )
    elif report["warning_count"]:
        lines.append(_("提醒 %(n)s 項（不影響匯入）：") % {"n": f"{report['warning_count']:,}"})
    lines.extend(problem_lines(report))
    if not report["loadable"]:
        return "\n".join(lines)
    counts = report["counts"]
    if report["written"]:
        lines.append(_("匯入完成："))
    else:
        lines.append(_("檢查通過（試算，未寫入任何資料）。匯入後將："))
    lines.append(
        _("  新增學習紀錄 %(new)s 筆（%(people)s 人，共 %(hours)s 小時）；已匯入過而略過 %(dup)s 筆")
        % {
            "new": f"{counts['new']:,}",
            "people": f"{counts['people']:,}",
            "hours": counts["hours"],
            "dup": f"{counts['duplicates']:,}",
        }
    )
    if counts["bad"]:
        lines.append(_("  有錯誤而不匯入 %(n)s 筆") % {"n": f"{counts['bad']:,}"})
    for year in report["years"]:
        lines.append(_("  %(year)s 年度 %(n)s 筆") % {"year": year["roc_year"], "n": f"{year['records']:,}"})
    return "\n".join(lines)
