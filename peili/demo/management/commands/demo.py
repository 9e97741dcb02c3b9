from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from peili.demo import data
from peili.demo.loader import demo_load
from peili.org.enums import Role
from peili.org.models import Agency


class Command(BaseCommand):
    help = "載入示範資料（轄區與政策參數包、機關樹、約 300 位人員、各角色示範帳號）。可重複執行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="資料庫已有機關資料時只印出示範帳號")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Agency.objects.exists():
            self.stdout.write("資料庫已有資料，未重新載入示範資料。")
            self._print_accounts()
            return
        result = demo_load()
        self.stdout.write(self.style.SUCCESS(f"示範資料就緒：{result.agencies} 個機關、{result.people} 位人員。"))
        self._print_accounts()

    def _print_accounts(self) -> None:
        self.stdout.write(f"\n示範帳號（密碼皆為 {data.DEMO_PASSWORD}）：")
        for username, display, role, _scope, _person in data.ACCOUNTS:
            self.stdout.write(f"  {username:<16} {Role(role).label:<8} {display}")
        self.stdout.write("\n請開啟 http://127.0.0.1:8000/ 並以上列帳號登入。\n")
