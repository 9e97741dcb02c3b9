"""The learning-records import as the import framework runs and shows it (registered by
`RecordsConfig.ready`).

What is the records import's own is named here — its job model, its work (`services.records_import`
through `import_job_work`), its report, its permission, form, template and page partials;
everything else (jobs, progress, pages, problems CSV) is `peili.imports`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from peili.imports.enums import BaseProblemCode
from peili.imports.registry import Importer
from peili.org.scopes import grants_for
from peili.records.codes import Action, Error
from peili.records.importing import services
from peili.records.importing.columns import PORTAL_COLUMNS, TEMPLATE_COLUMNS
from peili.records.importing.enums import ProblemCode
from peili.records.importing.forms import RecordsImportForm
from peili.records.importing.report import outcome_report
from peili.records.importing.tasks import run_records_import_job
from peili.records.importing.template import template_xlsx
from peili.records.models import RecordImportJob


def _sees_every_job(user: Any) -> bool:
    return grants_for(user).is_admin


def _job_options(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {"source_system": cleaned["source_system"], "skip_bad": cleaned["skip_bad"]}


RECORDS = Importer(
    key=services.IMPORTER,
    namespace="records",
    job_model=RecordImportJob,
    permission="records.import_records",
    work=services.import_job_work,
    status_of=services.import_job_status,
    report_of=outcome_report,
    stage_start=services.STAGE_START,
    stage_span=services.STAGE_SPAN,
    task=run_records_import_job,
    sees_every_job=_sees_every_job,
    upload_action=Action.IMPORT_UPLOAD,
    load_action=Action.IMPORT_LOAD_REQUESTED,
    not_loadable_code=Error.RECORDS_IMPORT_NOT_LOADABLE,
    codes=(BaseProblemCode, ProblemCode),
    create=services.import_job_create,
    form=RecordsImportForm,
    job_options=_job_options,
    title=_("學習紀錄匯入"),
    lead=_(
        "上傳終身學習入口網站或其他學習平臺匯出的學習紀錄，或依範本填寫的檔案。系統會逐列檢查並以列號與欄位列出所有問題，"
        "依身分證字號比對人員，已匯入過的紀錄自動略過；檢查無誤後先顯示預覽，確認後才匯入，整份檔案一次寫入。"
    ),
    report_title=_("學習紀錄匯入報告"),
    back_label=_("回學習紀錄匯入"),
    no_file_message=_("請先上傳學習紀錄檔案。"),
    template_filename=_("學習紀錄匯入範本.xlsx"),
    template_xlsx=template_xlsx,
    problems_filename="records-import",
    columns_template="records/import_columns.html",
    options_template="records/import_options.html",
    verdict_template="records/import_verdict.html",
    outcome_template="records/import_outcome.html",
    page_context=lambda: {"template_columns": TEMPLATE_COLUMNS, "portal_columns": PORTAL_COLUMNS},
)
