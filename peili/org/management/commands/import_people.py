"""`peili import-people FILE [--dry-run] [--as USERNAME] [--mark-left]`: check and load a staff list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from peili.core.tabular import Limits
from peili.imports.commands import actor_named, read_file
from peili.org.importing.report import outcome_report, report_text
from peili.org.importing.services import people_import


class Command(BaseCommand):
    help = _("匯入人事系統匯出的人員名冊（.xlsx 或 .csv）：逐列檢查，全部正確才寫入。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("名冊檔案（.xlsx 或 UTF-8／Big5 的 .csv）"))
        parser.add_argument("--dry-run", action="store_true", help=_("只檢查並列出將變更的內容，不寫入"))
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help=_("以此帳號的權限範圍匯入（預設：系統匯入，不限範圍）"),
        )
        parser.add_argument(
            "--mark-left", action="store_true", help=_("把檔案所列機關中、未列於檔案的在職人員標記為離職")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        limits = Limits.for_commands()
        data = read_file(path, limits)
        actor = actor_named(options["username"], "org.import_people", _("帳號 %(name)s 沒有匯入人員的權限。"))
        outcome = people_import(
            data=data,
            filename=path.name,
            actor=actor,
            dry_run=options["dry_run"],
            mark_missing_left=options["mark_left"],
            limits=limits,
        )
        self.stdout.write(report_text(outcome_report(outcome), verbose=options["verbosity"] > 1))
        if not outcome.ok:
            raise CommandError(
                _("檔案有 %(n)s 項問題，未匯入任何資料。") % {"n": f"{len(outcome.errors):,}"}, returncode=1
            )
