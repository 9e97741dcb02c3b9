"""The staff-list import as the import framework runs and shows it (registered by `OrgConfig.ready`).

What is the staff list's own is named here — its job model, its work (`services.people_import`
through `import_job_work`), its report, its permission, form, template and page partials;
everything else (jobs, progress, pages, problems CSV) is `peili.imports`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from peili.imports.enums import BaseProblemCode
from peili.imports.registry import Importer
from peili.org.codes import Action, Error
from peili.org.importing import services
from peili.org.importing.columns import COLUMNS, RATING_HINT
from peili.org.importing.enums import ProblemCode
from peili.org.importing.forms import ImportForm
from peili.org.importing.report import outcome_report
from peili.org.importing.template import template_xlsx
from peili.org.models import ImportJob
from peili.org.scopes import grants_for
from peili.org.tasks import run_import_job

# The page shows this many changes; the audit log has every change.
SHOWN_CHANGES = 500


def _sees_every_job(user: Any) -> bool:
    return grants_for(user).is_admin


def _job_options(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {"validate_only": cleaned["validate_only"], "mark_missing_left": cleaned["mark_missing_left"]}


def _job_context(report: dict[str, Any]) -> dict[str, Any]:
    changes = report.get("changes", [])
    return {
        "updates": [c for c in changes if c["action"] == "update"][:SHOWN_CHANGES],
        "creates": [c for c in changes if c["action"] == "create"][:SHOWN_CHANGES],
        "changes_cut": report.get("changes_total", 0) > min(len(changes), SHOWN_CHANGES),
    }


PEOPLE = Importer(
    key=services.IMPORTER,
    namespace="org",
    job_model=ImportJob,
    permission="org.import_people",
    work=services.import_job_work,
    status_of=services.import_job_status,
    report_of=outcome_report,
    stage_start=services.STAGE_START,
    stage_span=services.STAGE_SPAN,
    task=run_import_job,
    sees_every_job=_sees_every_job,
    upload_action=Action.IMPORT_UPLOAD,
    load_action=Action.IMPORT_LOAD_REQUESTED,
    not_loadable_code=Error.IMPORT_NOT_LOADABLE,
    codes=(BaseProblemCode, ProblemCode),
    create=services.import_job_create,
    form=ImportForm,
    job_options=_job_options,
    title=_("人員匯入"),
    lead=_(
        "上傳人事系統匯出的人員名冊。系統會逐列檢查，以列號與欄位列出所有問題；整份檔案都正確才會匯入，"
        "重新匯入時會列出每位人員變更的欄位。"
    ),
    report_title=_("匯入報告"),
    back_label=_("回人員匯入"),
    no_file_message=_("請先上傳名冊檔案。"),
    template_filename=_("人員名冊範本.xlsx"),
    template_xlsx=template_xlsx,
    problems_filename="import",
    columns_template="org/import_columns.html",
    options_template="org/import_options.html",
    verdict_template="org/import_verdict.html",
    outcome_template="org/import_outcome.html",
    page_context=lambda: {"columns": COLUMNS, "rating_hint": RATING_HINT},
    job_context=_job_context,
)
