"""`peili compliance --year Y [--agency CODE] [--format csv|xlsx|json] [--recompute] [--output FILE]`:
who meets the yearly hours rule, who is short and of what — the list a personnel office works from."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from peili.org.models import Agency
from peili.records import exports, selectors, services

FORMATS = ("csv", "xlsx", "json")
WRITERS = {"csv": exports.compliance_csv, "xlsx": exports.compliance_xlsx, "json": exports.compliance_json}


class Command(BaseCommand):
    help = _("列出某年度各人員的學習時數達成情形（可限定機關及所屬），輸出 CSV、Excel 或 JSON。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help=_("西元年度，例如 2026"))
        parser.add_argument("--agency", metavar="CODE", help=_("機關代碼：只列此機關及所屬機關"))
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--recompute", action="store_true", help=_("先依目前的學習紀錄與政策參數重算"))
        parser.add_argument("--output", metavar="FILE", help=_("寫入檔案（xlsx 必須指定；預設輸出到畫面）"))

    def handle(self, *args: Any, **options: Any) -> None:
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(_("找不到機關「%(code)s」。") % {"code": options["agency"]})
        if options["format"] == "xlsx" and not options["output"]:
            raise CommandError(_("Excel 格式須以 --output 指定檔案。"))
        if options["recompute"]:
            written = services.standings_recompute(year=options["year"], agency_path=agency.path if agency else "")
            self.stderr.write(_("已重算 %(n)s 人。") % {"n": f"{written:,}"})
        rows = selectors.compliance_rows(options["year"], agency=agency)
        data = self._render(rows, options["format"])
        if options["output"]:
            Path(options["output"]).write_bytes(data)
        else:
            self.stdout.write(data.decode("utf-8"), ending="")

    def _render(self, rows: Iterable[selectors.ComplianceRow], fmt: str) -> bytes:
        return WRITERS[fmt](rows)
