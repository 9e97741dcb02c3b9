"""Benchmark: the hours ledger at national scale on PostgreSQL (issue 4's proof).

    make bench BENCH=compliance                                   # full scale: 400,000 people, 20,000,000 records
    make bench BENCH=compliance BENCH_ARGS="--scale 0.05"         # a quick run
    make bench BENCH=compliance BENCH_ARGS="--keep-db"            # keep the generated world ...
    make bench BENCH=compliance BENCH_ARGS="--reuse-db"           # ... and measure again without generating it

World (tests/bench/compliance_data.py, not timed): 2,000 agencies of the national jurisdiction in a
two-level tree, 400,000 people, five learning years of about 10 records a person with their
category splits (20,000,000 records), written with COPY. Then, timed:

  a. `standings_recompute(year=Y)` — every person's compliance for the last full year, into an
     empty summary, and again over a full one (nothing changed);
  b. an agency dashboard over HTTP (gunicorn, signed in as a personnel officer whose scope covers
     a 5,000-person subtree): `--dashboard-path` (the page `/records/compliance/` once it exists)
     and the API `/api/v1/records/compliance`, for the 5,000-person subtree of 100 agencies and for
     one agency of 5,000 people;
  c. one person's transcript over the API (`/api/v1/records/mine?year=Y`), signed in as learners
     linked to people with about 10 records that year;
  d. `peili.records.importing.services.records_import` on 1,000,000 records (a portal-layout Big5 file made
     beforehand, outside the timing) — skipped with a message while the importer does not exist;
  e. the ledger grows by another year (this year, by COPY, with the indexes in place), and a–c are
     measured again for that year.

The world is generated into the run's database and dropped afterwards, unless `--keep-db`: then it
is generated once into `--world-database`, cloned (`CREATE DATABASE … TEMPLATE`) into the run's
database, and both are kept; `--reuse-db` clones a kept world of the same shape instead of
generating it. `main(argv) -> dict` returns the figures (tests/bench/run.py saves them).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import inspect
import io
import json
import logging
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from tests.bench import compliance_data as gen
from tests.bench import web

TARGET = {
    "import_seconds": 60,  # 1,000,000 records through the importer
    "recompute_seconds": 30,  # a year, 400,000 people
    "dashboard_p95_ms": 150,  # 5,000 people, over HTTP
    "transcript_p95_ms": 30,  # one person, over the API
}
DEFAULT_PAGE = "/records/compliance/?agency={agency}&year={year}"
API_DASHBOARD = "/api/v1/records/compliance?agency={agency}&year={year}"
API_TRANSCRIPT = "/api/v1/records/mine?year={year}"


def _parse(argv: list[str]) -> argparse.Namespace:
    today = date.today()
    parser = argparse.ArgumentParser(prog="python -m tests.bench.compliance", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="people and records × this (0.05 for a quick run)")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--year", type=int, default=today.year - 1, help="the last generated year, measured first")
    parser.add_argument("--import-records", type=int, default=None, help="records in the import (1,000,000 × scale)")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--dashboard-path", default=DEFAULT_PAGE, help="the dashboard page ({agency}, {year})")
    parser.add_argument("--requests", type=int, default=400, help="requests per measured URL")
    parser.add_argument("--max-seconds", type=int, default=90, help="bound on each URL's run")
    parser.add_argument("--connections", type=int, default=2, help="concurrent connections (closed loop)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--learners", type=int, default=6)
    parser.add_argument("--database", default="peili_bench_compliance")
    parser.add_argument("--world-database", default="peili_bench_compliance_world")
    parser.add_argument("--base-url", default=os.environ.get("PEILI_BENCH_PG", web.BASE_URL))
    parser.add_argument("--redis", default=web.REDIS_URL, help="Redis for the cache ('' for the database cache)")
    parser.add_argument("--keep-db", action="store_true", help="keep the generated world and the run's database")
    parser.add_argument("--reuse-db", action="store_true", help="clone a kept world instead of generating one")
    return parser.parse_args(argv)


def _elapsed(started: float) -> float:
    return round(time.perf_counter() - started, 2)


# --- databases ------------------------------------------------------------------------------------


def _sql(base_url: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(statement, params)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


def _comment(base_url: str, name: str) -> str | None:
    rows = _sql(
        base_url,
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        (name,),
    )
    return rows[0][0] if rows else None


def _close_django() -> None:
    with contextlib.suppress(Exception):
        from django.db import connections

        connections.close_all()


def _generate(args: argparse.Namespace, shape: gen.Shape, name: str) -> dict[str, Any]:
    web._check_loopback(urlparse(args.base_url).hostname)
    _sql(args.base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _sql(args.base_url, f'CREATE DATABASE "{name}"')
    url = f"{args.base_url}/{name}"
    web.setup_django(url)
    started = time.perf_counter()
    web.migrate()
    figures = gen.world(url, shape, web.say)
    figures["seconds"] = _elapsed(started)
    figures["database_bytes"] = _sql(args.base_url, "SELECT pg_database_size(%s)", (name,))[0][0]
    _close_django()
    _sql(args.base_url, f"COMMENT ON DATABASE \"{name}\" IS '{json.dumps(shape.as_dict())}'")
    return figures


def _clone(args: argparse.Namespace) -> float:
    started = time.perf_counter()
    _close_django()
    _sql(args.base_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    _sql(args.base_url, f'CREATE DATABASE "{args.database}" TEMPLATE "{args.world_database}" STRATEGY FILE_COPY')
    return _elapsed(started)


@contextlib.contextmanager
def _databases(args: argparse.Namespace, shape: gen.Shape, figures: dict[str, Any]) -> Iterator[str]:
    """The run's database with the world in it (generated, or cloned from a kept one)."""
    if args.reuse_db:
        found = _comment(args.base_url, args.world_database)
        if found is None or json.loads(found) != shape.as_dict():
            raise SystemExit(
                f"--reuse-db: no kept world {args.world_database} of this shape ({shape.as_dict()}); found {found}"
            )
        figures["world"] = {"reused": args.world_database, "shape": shape.as_dict()}
    elif args.keep_db:
        figures["world"] = _generate(args, shape, args.world_database)
    else:
        figures["world"] = _generate(args, shape, args.database)
    if args.reuse_db or args.keep_db:
        figures["world"]["clone_seconds"] = _clone(args)
        web.say(f"cloned {args.world_database} into {args.database} in {figures['world']['clone_seconds']} s")
    url = f"{args.base_url}/{args.database}"
    web.setup_django(url)
    try:
        yield url
    finally:
        _close_django()
        if args.keep_db:
            web.say(f"kept databases {args.world_database} (the world) and {args.database} (after this run)")
        else:
            _sql(args.base_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            if args.reuse_db:
                web.say(f"kept the world {args.world_database}")


# --- accounts -------------------------------------------------------------------------------------


def _accounts(year: int, learners: int) -> dict[str, Any]:
    """A personnel officer scoped to the dashboard's two agencies, and learners linked to active
    people with 10 records in `year` (from different agencies)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from peili.accounts.models import User
    from peili.org.models import Agency, Person, RoleAssignment

    unusable = make_password(None)
    officer = User.objects.create(username="bench-officer", password=unusable, email="officer@bench.gov.tw")
    for code in (gen.SUBTREE_AGENCY, gen.BIG_AGENCY):
        RoleAssignment.objects.create(user=officer, role="personnel_officer", agency=Agency.objects.get(code=code))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.id FROM org_person p
            WHERE p.is_active AND p.user_id IS NULL AND p.id %% 97 = 0 AND (
                SELECT count(*) FROM records_learningrecord r
                WHERE r.person_id = p.id AND r.year = %s AND r.superseded_by_id IS NULL) = 10
            ORDER BY p.id LIMIT %s
            """,
            [year, learners],
        )
        ids = [row[0] for row in cursor.fetchall()]
    users = []
    for person in Person.objects.filter(pk__in=ids).order_by("pk"):
        user = User.objects.create(username=f"bench-learner-{person.pk}", password=unusable, email=person.email)
        person.user = user
        person.save(update_fields=["user"])
        users.append(user)
    return {"officer": officer, "learners": users}


def _probe(path: str, credentials: web.Credentials) -> dict[str, Any]:
    """One GET in this process through Django's test client: status, SQL count, CPU and wall time."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME=web.LOOPBACK, raise_request_exception=False)
    client.cookies.load(credentials.cookie)
    client.get(path)  # warm
    with CaptureQueriesContext(connection) as captured:
        cpu, wall = time.process_time(), time.perf_counter()
        reply = client.get(path)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {
        "status": reply.status_code,
        "bytes": len(reply.content),
        "queries": len(captured),
        "cpu_ms": round(cpu * 1000, 1),
        "wall_ms": round(wall * 1000, 1),
        "sql_ms": round(sum(float(q["time"]) for q in captured) * 1000, 1),
        "sql": [q["sql"][:240] for q in captured],
    }


def _page_exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?", maxsplit=1)[0])
    except Resolver404:
        return False
    return True


# --- the timed parts ------------------------------------------------------------------------------


class _BulkLog(logging.Handler):
    """The stages `records.bulk` logs (aggregate, rules, write), caught while in use."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.figures: dict[str, Any] = {}
        self.logger = logging.getLogger("peili.records.bulk")

    def emit(self, record: logging.LogRecord) -> None:
        for name in ("written", "aggregate_seconds", "rules_seconds", "write_seconds"):
            if hasattr(record, name):
                self.figures[name] = getattr(record, name)

    def __enter__(self) -> _BulkLog:
        self.level_before = self.logger.level
        self.logger.setLevel(logging.INFO)
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self)
        self.logger.setLevel(self.level_before)


def _recompute(year: int, label: str) -> dict[str, Any]:
    from django.db import connection

    from peili.records import services
    from peili.records.models import YearStanding

    before = YearStanding.objects.filter(year=year).count()
    stages = _BulkLog()
    started = time.perf_counter()
    with stages:
        written = services.standings_recompute(year=year)
    seconds = _elapsed(started)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE meets), count(*) FILTER (WHERE records = 0), "
            "round(avg(total), 1) FROM records_yearstanding WHERE year = %s",
            [year],
        )
        stored, meets, none, mean = cursor.fetchone()
    figures = {
        "year": year,
        "seconds": seconds,
        "people": written,
        "standings_before": before,
        "standings_after": stored,
        "meets_share": round(meets / max(1, stored), 3),
        "no_learning": none,
        "mean_hours": float(mean or 0),
        "meets_target": seconds < TARGET["recompute_seconds"],
        "stages": stages.figures,
    }
    web.say(
        f"recompute {year} ({label}): {written:,} people in {seconds} s {stages.figures}; "
        f"{figures['meets_share']:.0%} meet"
    )
    return figures


def _http(
    args: argparse.Namespace, url: str, paths: dict[str, tuple[str, list[web.Credentials]]], work: Path
) -> dict[str, Any]:
    """Each path under gunicorn with wrk: a warm-up, then `--requests` GETs at `--connections`."""
    out: dict[str, Any] = {}
    web.empty_redis(args.redis)
    with web.gunicorn(url, workers=args.workers, log_dir=work, redis=args.redis) as base:
        for name, (path, credentials) in paths.items():
            requests = [web.Req("GET", path, c.cookie) for c in credentials]
            load = {"connections": args.connections, "work_dir": work}
            web.wrk(base, requests, total=max(20, args.requests // 10), bound_seconds=30, **load)  # warm-up
            web.wait_idle(base)
            result = web.wrk(base, requests, total=args.requests, bound_seconds=args.max_seconds, **load)
            result["path"] = path
            result["bounded_by_time"] = result["requests"] < args.requests
            target = TARGET["transcript_p95_ms" if name.startswith("transcript") else "dashboard_p95_ms"]
            result["meets_target"] = set(result["status"]) == {"200"} and result["latency_ms"]["p95"] < target
            out[name] = result
            web.say(web.summary_line(f"  {name}", result))
            web.wait_idle(base)
    return out


def _measure(
    args: argparse.Namespace, url: str, year: int, accounts: dict[str, Any], work: Path, label: str
) -> dict[str, Any]:
    figures: dict[str, Any] = {"recompute": _recompute(year, label)}
    figures["recompute_again"] = _recompute(year, label + ", again, nothing changed")
    officer = web.sign_in([accounts["officer"]])
    learners = web.sign_in(accounts["learners"])
    paths: dict[str, tuple[str, list[web.Credentials]]] = {
        "transcript": (API_TRANSCRIPT.format(year=year), learners),
    }
    page = args.dashboard_path.format(agency=gen.SUBTREE_AGENCY, year=year)
    if _page_exists(page):
        paths["dashboard_page_subtree"] = (page, officer)
        paths["dashboard_page_agency"] = (args.dashboard_path.format(agency=gen.BIG_AGENCY, year=year), officer)
    else:
        figures["dashboard_page"] = f"{page.split('?')[0]} does not exist yet: measured the API only"
        web.say(figures["dashboard_page"])
    paths["dashboard_api_subtree"] = (API_DASHBOARD.format(agency=gen.SUBTREE_AGENCY, year=year), officer)
    paths["dashboard_api_agency"] = (API_DASHBOARD.format(agency=gen.BIG_AGENCY, year=year), officer)
    figures["one_request"] = {name: _probe(path, creds[0]) for name, (path, creds) in paths.items()}
    for name, probe in figures["one_request"].items():
        web.say(
            f"  {name}: {probe['status']}, {probe['queries']} queries ({probe['sql_ms']} ms SQL), "
            f"{probe['cpu_ms']} ms CPU, {probe['wall_ms']} ms in-process, {probe['bytes']:,} bytes"
        )
        if probe["status"] != 200:  # e.g. the page still being built: say so, measure the rest
            figures.setdefault("not_measured", {})[name] = f"status {probe['status']} in-process"
            del paths[name]
    figures["http"] = _http(args, url, paths, work)
    return figures


# --- the import -----------------------------------------------------------------------------------


def _importer() -> Any:
    try:
        from peili.records.importing import services
    except ImportError:
        return None
    return getattr(services, "records_import", None)


def _portal_file(count: int, year: int, until: date, rng: random.Random) -> tuple[bytes, dict[str, Any]]:
    """`count` records (10 a person, for count/10 active people) in the national portal's upload
    layout, one row per category code, Big5, as one file (`portal.cells` and `portal.clean`; the
    first 3,000 rows are checked against `portal.upload_files`)."""
    from peili.org.models import Person
    from peili.policy.models import Jurisdiction
    from peili.policy.selectors import effective_pack
    from peili.records import portal

    fmt = effective_pack(Jurisdiction.objects.get(code="national"), year).portal
    assert fmt is not None
    people = list(
        Person.objects.filter(is_active=True).order_by("?").values_list("national_id", "name")[: max(1, count // 10)]
    )
    codes = gen._code_table()
    days = (until - date(year, 1, 1)).days + 1
    rows: list[portal.PortalRow] = []
    n = 0
    split_rows = 0
    while n < count:
        national_id, name = people[n % len(people)]
        round_number = n // len(people)
        offset = round_number * days // 10 + rng.randrange(max(1, days // 10))
        day = date(year, 1, 1) + timedelta(days=min(days - 1, offset))
        hours = gen.HOURS_TENTHS[rng.randrange(len(gen.HOURS_TENTHS))]
        mode = rng.choice(("digital", "digital", "classroom", "classroom", "blended"))
        split = gen._split(hours, 1 if rng.random() < 0.75 else 2 if rng.random() < 0.8 else 3, codes, rng.random)
        starts = datetime.combine(day, datetime.min.time()).replace(hour=9)
        ends = starts.replace(hour=9 + max(1, hours // 10))
        title = f"{gen.TITLES[n % len(gen.TITLES)]}（匯入{n:07d}）"
        for code, part in split:
            tenths = Decimal(part) / 10
            digital = {"digital": tenths, "blended": (tenths / 2).quantize(Decimal("0.5"))}.get(mode, Decimal(0))
            rows.append(
                portal.PortalRow(
                    national_id=national_id,
                    name=name,
                    course_title=title,
                    starts=starts,
                    ends=ends,
                    category="",
                    category_name="",
                    category_code=code,
                    city_code="10",
                    term=1 + n % 9,
                    hours=tenths,
                    mode=mode,
                    digital_hours=digital,
                    classroom_hours=tenths - digital,
                    attended_from=starts,
                    attended_to=ends,
                    course_code=f"BENCH{n:07d}",
                )
            )
            split_rows += 1
        n += 1
    header = (",".join(portal.HEADER) + "\r\n").encode(portal.ENCODING)
    out = io.BytesIO()
    out.write(header)
    for row in rows:
        out.write((",".join(portal.clean(v) for v in portal.cells(row, fmt)) + "\r\n").encode(portal.ENCODING))
    data = out.getvalue()
    first = portal.upload_files(rows[:3000], fmt)[0]
    if not data.startswith(first):
        raise RuntimeError("the benchmark's portal file differs from portal.upload_files")
    return data, {"records": count, "rows": split_rows, "people": len(people), "megabytes": round(len(data) / 1e6, 1)}


def _import(args: argparse.Namespace, shape: gen.Shape, year: int, until: date) -> dict[str, Any]:
    records_import = _importer()
    if records_import is None:
        message = "skipped: peili.records.importing.services.records_import does not exist yet"
        web.say(f"import: {message}")
        return {"skipped": message}
    count = args.import_records or max(1000, round(1_000_000 * shape.scale))
    started = time.perf_counter()
    data, figures = _portal_file(count, year, until, random.Random(args.seed + 1))
    figures["file_seconds"] = _elapsed(started)
    web.say(f"import file: {figures['records']:,} records, {figures['rows']:,} rows, {figures['megabytes']} MB")
    from django.contrib.auth.hashers import make_password

    from peili.accounts.models import User
    from peili.records.models import LearningRecord

    actor = User.objects.create(username="bench-admin", password=make_password(None), is_superuser=True, is_staff=True)
    before = LearningRecord.objects.count()
    kwargs = {"actor": actor, "filename": "bench-portal.csv"}
    if "source_system" in inspect.signature(records_import).parameters:
        kwargs["source_system"] = "portal"
    if "limits" in inspect.signature(records_import).parameters:
        from peili.core.tabular import Limits

        kwargs["limits"] = Limits.for_commands()  # the 210 MB file is a command's, past an upload's bound
    gc.collect()
    started = time.perf_counter()
    try:
        outcome = records_import(data, **kwargs)
    except TypeError:
        started = time.perf_counter()
        outcome = records_import(io.BytesIO(data), **kwargs)
    figures["seconds"] = _elapsed(started)
    figures["records_added"] = LearningRecord.objects.count() - before
    figures["stages"] = getattr(outcome, "timings", None)
    counts = getattr(outcome, "counts", None)
    figures["counts"] = {k: str(v) for k, v in vars(counts).items()} if counts is not None else None
    figures["errors"] = getattr(outcome, "error_count", None)
    figures["first_problems"] = [repr(p)[:300] for p in list(getattr(outcome, "problems", []))[:5]]
    figures["meets_target"] = figures["seconds"] < TARGET["import_seconds"] and figures["records_added"] == count
    web.say(f"import: {figures['records_added']:,} records in {figures['seconds']} s")
    return figures


# --- growth ---------------------------------------------------------------------------------------


def _grow(url: str, shape: gen.Shape, year: int, until: date) -> dict[str, Any]:
    started = time.perf_counter()
    persons = gen.persons_of(url)
    stats = gen.learning_year(url, year, persons, shape.seed, until=until, key_prefix="G")
    gen.analyze(url, gen.LEDGER_TABLES, vacuum=False)
    figures = {
        "year": year,
        "records": stats.records,
        "splits": stats.splits,
        "seconds": _elapsed(started),
        "copy_seconds": round(stats.seconds, 1),
    }
    web.say(f"grew the ledger by {stats.records:,} records of {year} in {figures['seconds']} s (indexes in place)")
    return figures


def _ledger_size(url: str) -> dict[str, Any]:
    conn = gen.raw_connection(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT (SELECT count(*) FROM records_learningrecord), (SELECT count(*) FROM records_recordhours), "
                "pg_total_relation_size('records_learningrecord'), pg_total_relation_size('records_recordhours'), "
                "pg_database_size(current_database())"
            )
            records, splits, rec_bytes, split_bytes, db_bytes = cur.fetchone()
    finally:
        conn.close()
    return {
        "records": records,
        "splits": splits,
        "records_table_gb": round(rec_bytes / 1e9, 2),
        "splits_table_gb": round(split_bytes / 1e9, 2),
        "database_gb": round(db_bytes / 1e9, 2),
    }


def main(argv: list[str]) -> dict[str, Any]:
    args = _parse(argv)
    shape = gen.Shape(scale=args.scale, seed=args.seed, last_year=args.year)
    today = date.today()
    growth_year = args.year + 1
    until = min(today, date(growth_year, 12, 31))
    figures: dict[str, Any] = {"target": TARGET, "shape": shape.as_dict()}
    started = time.perf_counter()
    with _databases(args, shape, figures) as url, web.work_dir("peili-compliance-") as work:
        figures["ledger"] = _ledger_size(url)
        web.say(f"ledger: {figures['ledger']}")
        accounts = _accounts(args.year, args.learners)
        figures["learners"] = len(accounts["learners"])
        figures["first"] = _measure(args, url, args.year, accounts, work, "an empty summary")
        figures["import"] = (
            {"skipped": "--skip-import"} if args.skip_import else _import(args, shape, growth_year, until)
        )
        if not args.skip_growth:
            figures["growth"] = _grow(url, shape, growth_year, until)
            figures["ledger_grown"] = _ledger_size(url)
            figures["grown"] = _measure(args, url, growth_year, accounts, work, "after growth")
            figures["grown"]["recompute_previous_year"] = _recompute(args.year, "after growth")
        from django.db import connection

        figures["postgres"] = connection.cursor().connection.info.server_version
    figures["server"] = f"gunicorn, {args.workers} sync workers, wrk at {args.connections} connections"
    figures["seconds"] = _elapsed(started)
    return figures


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:]), ensure_ascii=False, indent=2, default=str))
