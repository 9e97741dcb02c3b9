"""`peili import-records FILE [--dry-run] [--as USERNAME] [--source-system NAME] [--skip-bad]`: check
and load learning records from the national portal's or another platform's export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from peili.core.errors import PeiliError
from peili.core.tabular import Limits
from peili.imports.commands import actor_named, read_file
from peili.records.importing.report import outcome_report, report_text
from peili.records.importing.services import records_import


class Command(BaseCommand):
    help = _("匯入學習紀錄（入口網站或其他平臺的匯出檔、或 Peili 範本；.xlsx 或 .csv）：逐列檢查，全部正確才寫入。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("學習紀錄檔案（.xlsx 或 UTF-8／Big5 的 .csv）"))
        parser.add_argument("--dry-run", action="store_true", help=_("只檢查並列出將匯入的內容，不寫入"))
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help=_("以此帳號的權限範圍匯入（預設：系統匯入，不限範圍）"),
        )
        parser.add_argument(
            "--source-system",
            default="",
            metavar="NAME",
            help=_("檔案中「外部紀錄編號」所屬的來源系統名稱（以編號判斷是否已匯入過）"),
        )
        parser.add_argument(
            "--skip-bad", action="store_true", help=_("略過有錯誤的紀錄，其餘照常匯入（預設：有任何錯誤就不匯入）")
        )
        parser.add_argument("--timings", action="store_true", help=_("列出各階段所花的秒數"))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        limits = Limits.for_commands()
        data = read_file(path, limits)
        actor = actor_named(options["username"], "records.import_records", _("帳號 %(name)s 沒有匯入學習紀錄的權限。"))
        try:
            outcome = records_import(
                data,
                actor=actor,
                filename=path.name,
                dry_run=options["dry_run"],
                source_system=options["source_system"],
                skip_bad=options["skip_bad"],
                limits=limits,
            )
        except PeiliError as error:
            raise CommandError(error.message) from None
        report = outcome_report(outcome)
        self.stdout.write(report_text(report))
        if options["timings"]:
            self.stdout.write(", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in outcome.timings.items()))
        if not outcome.loadable:
            raise CommandError(
                _("檔案有 %(n)s 項問題，未匯入任何資料。") % {"n": f"{outcome.error_count:,}"}, returncode=1
            )
