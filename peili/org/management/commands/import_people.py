"""`peili import-people FILE [--dry-run] [--as USERNAME] [--mark-left]`: check and load a staff list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from peili.core.permissions import allowed
from peili.core.tabular import Limits
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
        try:
            with path.open("rb") as handle:
                # One byte past the bound is enough to refuse it (file.too_large), without reading it all.
                data = handle.read(limits.max_bytes + 1)
        except OSError as error:
            raise CommandError(
                _("無法讀取檔案 %(file)s：%(error)s") % {"file": path, "error": error.strerror}
            ) from None
        actor = None
        if options["username"]:
            actor = get_user_model().objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(_("找不到帳號 %(name)s。") % {"name": options["username"]})
            if not allowed(actor, "org.import_people"):
                raise CommandError(_("帳號 %(name)s 沒有匯入人員的權限。") % {"name": options["username"]})
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
