"""An import's outcome as plain data: JSON for `ImportJob.report` (the upload page), text for the
`import-people` command; the problem list as CSV is every importer's (`peili.imports.report`).
Values are shown as people read them: ROC dates, 是／否, Chinese labels, masked national IDs in
change lists (the full ID only where a problem is about the ID itself, so the officer can find the
row)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from peili.core import roc
from peili.imports.report import ENCODING_LABELS, problem_lines, problems_csv
from peili.org.enums import Gender
from peili.org.importing.columns import COLUMN_BY_KEY
from peili.org.importing.plan import RATING_PREFIX, PersonChange
from peili.org.rules import mask_national_id
from peili.policy.vocabulary import EducationLevel, PersonnelCategory

if TYPE_CHECKING:
    from peili.org.importing.services import ImportOutcome

__all__ = ["outcome_report", "problems_csv", "report_text"]

REPORT_VERSION = 1
# The report keeps this many problems and changes for the page; counts are always complete and the
# audit log holds every change.
MAX_PROBLEMS = 20_000
MAX_CHANGES = 2_000
MAX_ABSENT = 2_000


def field_label(name: str) -> str:
    if name.startswith(RATING_PREFIX):
        return _("考績%(year)s") % {"year": int(name.removeprefix(RATING_PREFIX)) - roc.ROC_OFFSET}
    column = COLUMN_BY_KEY.get(name)
    return column.header if column else name


def shown(name: str, value: Any, outcome: ImportOutcome, agency: str = "") -> str:
    """One stored value as a person reads it."""
    if value is None or value == "":
        return _("（空白）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, date):
        return roc.format_short(value)
    if name == "gender":
        return str(Gender(value).label)
    if name == "category":
        return str(PersonnelCategory(value).label)
    if name == "education_level":
        return f"{value} {EducationLevel(value).label}"
    if name == "agency":
        return f"{outcome.agency_names.get(value, '')}（{value}）"
    if name == "unit":
        unit_name = outcome.unit_names.get((agency, value))
        return f"{unit_name}（{value}）" if unit_name and unit_name != value else str(value)
    if name == "grade":
        return _("第 %(grade)s 職等") % {"grade": value}
    return str(value)


def _summary(change: PersonChange, outcome: ImportOutcome) -> str:
    record = change.record
    parts = [outcome.agency_names.get(record.agency, record.agency)]
    if record.unit:
        parts.append(outcome.unit_names.get((record.agency, record.unit), record.unit))
    if record.job_title:
        parts.append(record.job_title)
    category = str(PersonnelCategory(record.category).label)
    parts.append(f"{category}{record.grade}" if record.grade else category)
    return " ".join(parts)


def _change(change: PersonChange, outcome: ImportOutcome) -> dict[str, Any]:
    record = change.record
    old_agency = next((str(c.old) for c in change.changes if c.field == "agency"), record.agency)
    return {
        "row": record.row,
        "action": "create" if change.is_create else "update",
        "name": record.name,
        "national_id": mask_national_id(record.national_id),
        "summary": _summary(change, outcome),
        "fields": [
            {
                "field": c.field,
                "label": field_label(c.field),
                "old": shown(c.field, c.old, outcome, old_agency),
                "new": shown(c.field, c.new, outcome, record.agency),
            }
            for c in change.changes
        ],
    }


def outcome_report(outcome: ImportOutcome) -> dict[str, Any]:
    errors = [p for p in outcome.problems if p.is_error]
    return {
        "version": REPORT_VERSION,
        "filename": outcome.filename,
        "file_kind": outcome.file_kind,
        "encoding": ENCODING_LABELS.get(outcome.encoding, outcome.encoding),
        "rows": outcome.row_count,
        "dry_run": outcome.dry_run,
        "written": outcome.written,
        "ok": not errors,
        "error_count": len(errors),
        "warning_count": len(outcome.problems) - len(errors),
        "problems": [p.as_dict() for p in outcome.problems[:MAX_PROBLEMS]],
        "problems_total": len(outcome.problems),
        "counts": outcome.counts.as_dict(),
        "changes": [_change(c, outcome) for c in outcome.changes[:MAX_CHANGES]],
        "changes_total": len(outcome.changes),
        "not_in_file": [
            {
                "name": a.name,
                "national_id": mask_national_id(a.national_id),
                "agency": outcome.agency_names.get(a.agency, a.agency),
            }
            for a in outcome.not_in_file[:MAX_ABSENT]
        ],
        "not_in_file_total": len(outcome.not_in_file),
        "new_units": [
            {"agency": outcome.agency_names.get(agency, agency), "code": code, "name": name}
            for (agency, code), name in sorted(outcome.new_units.items())
        ],
    }


def report_text(report: dict[str, Any], *, verbose: bool = False) -> str:
    """The report for a terminal, in Chinese."""
    lines: list[str] = []
    source = report["encoding"] or report["file_kind"].upper()
    lines.append(
        _("檔案：%(file)s（%(source)s，%(rows)s 列資料）")
        % {"file": report["filename"], "source": source, "rows": f"{report['rows']:,}"}
    )
    if "error" in report:
        lines.append(report["error"])
        return "\n".join(lines)
    if not report["ok"]:
        lines.append(
            _("發現 %(errors)s 項錯誤，未匯入任何資料。請修正後重新匯入：") % {"errors": f"{report['error_count']:,}"}
        )
    elif report["warning_count"]:
        lines.append(_("提醒 %(n)s 項（不影響匯入）：") % {"n": report["warning_count"]})
    lines.extend(problem_lines(report))
    if not report["ok"]:
        return "\n".join(lines)
    counts = report["counts"]
    if report["written"]:
        lines.append(_("匯入完成。"))
    else:
        lines.append(_("檢查通過（試算，未寫入任何資料）。匯入後將："))
    lines.append(
        _("  新增 %(created)s 人、更新 %(updated)s 人、未變更 %(unchanged)s 人；檔案未列出的在職人員 %(absent)s 人")
        % {
            "created": f"{counts['created']:,}",
            "updated": f"{counts['updated']:,}",
            "unchanged": f"{counts['unchanged']:,}",
            "absent": f"{counts['not_in_file']:,}",
        }
    )
    if counts["units_created"]:
        lines.append(_("  新增單位 %(n)s 個") % {"n": counts["units_created"]})
    if counts["marked_left"]:
        lines.append(_("  標記為離職 %(n)s 人") % {"n": counts["marked_left"]})
    for change in report["changes"]:
        if change["action"] == "create":
            if verbose:
                lines.append(
                    _("  第 %(row)s 列 新增 %(name)s（%(id)s）%(summary)s")
                    % {
                        "row": change["row"],
                        "name": change["name"],
                        "id": change["national_id"],
                        "summary": change["summary"],
                    }
                )
            continue
        lines.append(
            _("  第 %(row)s 列 %(name)s（%(id)s）")
            % {"row": change["row"], "name": change["name"], "id": change["national_id"]}
        )
        for f in change["fields"]:
            lines.append(f"    {f['label']}：{f['old']} → {f['new']}")
    if report["changes_total"] > len(report["changes"]):
        lines.append(_("  （變更明細僅列出前 %(n)s 筆，完整內容見稽核紀錄）") % {"n": f"{len(report['changes']):,}"})
    if report["not_in_file"]:
        lines.append(_("檔案未列出的在職人員（未變更）：") if not counts["marked_left"] else _("已標記為離職："))
        for a in report["not_in_file"]:
            lines.append(f"  {a['name']}（{a['national_id']}）{a['agency']}")
    return "\n".join(lines)
