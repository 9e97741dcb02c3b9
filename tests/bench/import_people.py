"""Benchmark: the HR staff-list import on PostgreSQL.

    .venv/bin/python -m tests.bench.import_people --rows 100000

Creates a fresh database (peili_bench_import), migrates it, builds a few hundred agencies,
generates a synthetic staff list (valid national IDs, ROC dates, two rating columns), then times
  1. the first import (everyone created),
  2. a dry run of a file with ~5 % of the rows changed (what the upload page's preview does),
  3. the re-import of that file (~5 % updated, the rest unchanged),
each end to end through `people_import` (read, check, compare, write, audit). The database is
dropped afterwards unless --keep-db. `main(argv) -> dict` returns the figures (tests/bench/run.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from typing import Any

BASE_URL = "postgres://postgres@127.0.0.1:5432"
SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴范方宋鄧"
)
GIVEN = "怡君雅婷淑芬美玲志明俊傑家豪建宏冠宇承恩宗翰佳穎欣怡靜宜國華文雄碁銹"
TITLES = ["科員", "專員", "科長", "技士", "技正", "組員", "辦事員", "視察", "秘書", "約聘人員"]
UNIT_NAMES = ["秘書室", "人事室", "會計室", "政風室", "第一科", "第二科", "第三科"]
HEADER = [
    "身分證字號*",
    "員工編號",
    "姓名*",
    "性別*",
    "出生日期*",
    "機關代碼*",
    "單位代碼",
    "單位名稱",
    "職稱",
    "人員類別*",
    "職等",
    "主管",
    "機要",
    "初任公職日期",
    "到職日期",
    "學歷代碼",
    "電子郵件",
    "在職",
    "考績112",
    "考績113",
]


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.import_people", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--agencies", type=int, default=300, help="agencies in the tree (a root, 20 bureaus, the rest under them)"
    )
    parser.add_argument("--changed", type=float, default=0.05, help="share of rows changed for the re-import")
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--database", default="peili_bench_import")
    parser.add_argument("--base-url", default=os.environ.get("PEILI_BENCH_PG", BASE_URL))
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--seed", type=int, default=20260101)
    return parser.parse_args(argv)


def _admin_sql(base_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _setup_django(url: str) -> None:
    os.environ["PEILI_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    if settings.configured and "default" in getattr(settings, "DATABASES", {}):
        from django.db import connections

        from config.settings import _database

        connections["default"].close()
        connections["default"].settings_dict.update(_database(url))
    django.setup()


def _agencies(count: int) -> list[tuple[str, str, str, str | None]]:
    """(code, name, path, parent code): a root, 20 bureaus, the rest spread under the bureaus."""
    root = "379000000A"
    rows: list[tuple[str, str, str, str | None]] = [(root, "臺灣測試市政府", f"{root}/", None)]
    bureaus = [f"3790{b:02d}000A" for b in range(1, 21)]
    rows += [(code, f"第{i}局", f"{root}/{code}/", root) for i, code in enumerate(bureaus, start=1)]
    for n in range(count - len(rows)):
        bureau = bureaus[n % len(bureaus)]
        code = f"3790{(n % 20) + 1:02d}{(n // 20) + 1:03d}A"
        rows.append((code, f"第{(n % 20) + 1}局所屬機關{n // 20 + 1}", f"{root}/{bureau}/{code}/", bureau))
    return rows


def _build_world(agency_rows: list[tuple[str, str, str, str | None]]) -> None:
    from peili.org.models import Agency
    from peili.policy.models import Jurisdiction

    jurisdiction = Jurisdiction.objects.create(code="bench", name="效能測試市")
    by_code: dict[str, Agency] = {}
    for code, name, path, parent in agency_rows:  # a few hundred: created level by level
        by_code[code] = Agency.objects.create(
            code=code,
            name=name,
            path=path,
            depth=path.count("/") - 1,
            parent=by_code.get(parent) if parent else None,
            jurisdiction=jurisdiction,
        )


def _people(rows: int, agency_codes: list[str], rng: random.Random) -> list[dict[str, str]]:
    from peili.org.rules import make_national_id

    people = []
    letters = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
    for n in range(rows):
        female = n % 2 == 1
        national_id = make_national_id(letters[n % 26], f"{2 if female else 1}{n:07d}")
        agency = agency_codes[n % len(agency_codes)]
        unit = rng.randrange(len(UNIT_NAMES))
        kind = rng.random()
        if kind < 0.25:
            category, grade = "委任", str(rng.randint(1, 5))
        elif kind < 0.7:
            category, grade = "薦任", str(rng.randint(6, 9))
        elif kind < 0.8:
            category, grade = "簡任", str(rng.randint(10, 14))
        else:
            category, grade = rng.choice(["約聘", "約僱", "技工工友", "教師"]), ""
        birth_year = rng.randint(45, 80)  # ROC
        start_year = birth_year + rng.randint(22, 30)
        people.append(
            {
                "身分證字號": national_id,
                "員工編號": f"E{n:06d}",
                "姓名": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "性別": "女" if female else "男",
                "出生日期": f"{birth_year:03d}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}",
                "機關代碼": agency,
                "單位代碼": f"U{unit + 1:02d}",
                "單位名稱": UNIT_NAMES[unit],
                "職稱": rng.choice(TITLES),
                "人員類別": category,
                "職等": grade,
                "主管": "是" if rng.random() < 0.1 else "否",
                "機要": "否",
                "初任公職日期": f"{start_year:03d}/{rng.randint(1, 12):02d}/01",
                "到職日期": f"{start_year + rng.randint(1, 8):03d}{rng.randint(1, 12):02d}15",
                "學歷代碼": rng.choice(["40", "50", "50", "60", "70"]),
                "電子郵件": f"p{n}@bench.gov.tw",
                "在職": "是",
                "考績112": rng.choice("甲甲乙"),
                "考績113": rng.choice("甲甲乙"),
            }
        )
    return people


def _change(people: list[dict[str, str]], share: float, rng: random.Random) -> int:
    changed = rng.sample(range(len(people)), int(len(people) * share))
    for n in changed:
        row = people[n]
        what = n % 3
        if what == 0:
            row["職稱"] = "專門委員" if row["職稱"] != "專門委員" else "科長"
        elif what == 1:
            row["考績113"] = "乙" if row["考績113"] == "甲" else "甲"
        else:
            row["電子郵件"] = f"new{n}@bench.gov.tw"
            row["主管"] = "否" if row["主管"] == "是" else "是"
    return len(changed)


def _file(people: list[dict[str, str]], kind: str) -> bytes:
    keys = [h.rstrip("*") for h in HEADER]
    if kind == "xlsx":
        from openpyxl import Workbook

        # Not write-only: that writes inline strings, while Excel (and most HR exports) use the shared
        # string table, which openpyxl reads about twice as fast.
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(HEADER)
        for p in people:
            sheet.append([p[k] for k in keys])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(HEADER)
    for p in people:
        writer.writerow([p[k] for k in keys])
    return text.getvalue().encode("utf-8")


def _timed_import(data: bytes, kind: str, *, dry_run: bool) -> tuple[float, Any, dict[str, float]]:
    from peili.org.importing.services import people_import

    stages: dict[str, float] = {}
    started = time.perf_counter()
    last = {"stage": "", "at": started}

    def on_stage(stage: Any, _fraction: float) -> None:
        now = time.perf_counter()
        if stage != last["stage"]:
            if last["stage"]:
                stages[str(last["stage"])] = round(now - float(last["at"]), 2)
            last.update(stage=stage, at=now)

    from peili.core.tabular import Limits

    outcome = people_import(
        data=data,
        filename=f"bench.{kind}",
        actor=None,
        dry_run=dry_run,
        on_stage=on_stage,
        limits=Limits.for_commands(),  # a large list is a command's file
    )
    elapsed = time.perf_counter() - started
    if last["stage"]:
        stages[str(last["stage"])] = round(started + elapsed - float(last["at"]), 2)
    if not outcome.ok:
        raise SystemExit(f"benchmark file has problems: {outcome.problems[:5]}")
    return elapsed, outcome, stages


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = _parse(list(sys.argv[1:] if argv is None else argv))
    rng = random.Random(args.seed)
    url = f"{args.base_url}/{args.database}"
    _admin_sql(args.base_url, f'DROP DATABASE IF EXISTS "{args.database}"')
    _admin_sql(args.base_url, f'CREATE DATABASE "{args.database}"')
    try:
        _setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        from peili.core.models import AuditEntry
        from peili.org.models import Person

        call_command("migrate", verbosity=0)
        agency_rows = _agencies(args.agencies)
        _build_world(agency_rows)
        people = _people(args.rows, [code for code, *_ in agency_rows], rng)
        first_file = _file(people, args.format)
        _say(f"{args.rows:,} rows, {len(agency_rows)} agencies, {args.format} file {len(first_file) / 1e6:.1f} MB")

        first_seconds, first, first_stages = _timed_import(first_file, args.format, dry_run=False)
        _say(f"first import: {first_seconds:.1f} s {first.counts.as_dict()} {first_stages}")

        changed = _change(people, args.changed, rng)
        second_file = _file(people, args.format)
        dry_seconds, _dry, dry_stages = _timed_import(second_file, args.format, dry_run=True)
        _say(f"dry run of the re-import: {dry_seconds:.1f} s {dry_stages}")
        again_seconds, again, again_stages = _timed_import(second_file, args.format, dry_run=False)
        _say(f"re-import: {again_seconds:.1f} s {again.counts.as_dict()} {again_stages}")

        figures: dict[str, Any] = {
            "rows": args.rows,
            "agencies": len(agency_rows),
            "format": args.format,
            "file_megabytes": round(len(first_file) / 1e6, 1),
            "first_import_seconds": round(first_seconds, 2),
            "first_import_stages": first_stages,
            "first_import_counts": first.counts.as_dict(),
            "reimport_rows_changed": changed,
            "reimport_dry_run_seconds": round(dry_seconds, 2),
            "reimport_seconds": round(again_seconds, 2),
            "reimport_stages": again_stages,
            "reimport_counts": again.counts.as_dict(),
            "people_stored": Person.objects.count(),
            "audit_entries": AuditEntry.objects.count(),
            "postgres": connection.cursor().connection.info.server_version,
        }
        connection.close()
        return figures
    finally:
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            _admin_sql(args.base_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    import json

    _say(json.dumps(main(), ensure_ascii=False, indent=2))
