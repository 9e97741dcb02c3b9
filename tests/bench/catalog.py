"""Benchmark: the catalog, served by gunicorn on PostgreSQL, under 50 concurrent connections.

    .venv/bin/python -m tests.bench.catalog
    make bench BENCH=catalog

Creates a fresh database (peili_bench_catalog), migrates it and builds a world: 新竹市政府 with its
人事處 as organizing body and 48 other agencies, --people civil servants with accounts, and
--classes published classes (400 courses × 5 terms by default) over the next twelve months:
the hsinchu-city pack's tracks, classroom / digital / blended, one or two learning categories each,
and eligibility restrictions on about half of them (agencies, personnel categories, grade ranges,
supervisors only, newcomers only, a named list). A few learners (different agencies and grades) are
signed in by writing Django sessions directly. The app is served by gunicorn (2 sync workers) and
wrk sends, at 50 connections, --requests GETs (cycling through the learners; at most --max-seconds
per page, after a short warm-up) of:

  browse  the eligible-first catalog page (HTML, `catalog:browse`, first page);
  search  the same page with a title search and a delivery-mode filter;
  api     the JSON class list (`/api/v1/classes`, first page of 50).

The database is dropped afterwards unless --keep-db. `main(argv) -> dict` returns the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from tests.bench import web, world

TARGET = {"requests_per_second": 500, "p95_ms": 150}
TOPICS = [
    "資通安全通識",
    "資安專職人員進階",
    "性別主流化",
    "環境教育",
    "當前政府重大政策",
    "廉政與服務倫理",
    "人權教育",
    "行政中立",
    "主管核心職能",
    "溝通與協調",
    "公文寫作",
    "數位工具運用",
    "資料視覺化",
    "政策行銷",
    "危機管理",
    "英語簡報",
    "情緒管理",
    "法制作業",
    "採購實務",
    "會計實務",
]
FLAVOURS = ["基礎班", "進階班", "實務工作坊", "專題講座", "研習班"]
SEARCH = {"q": "資安", "mode": "classroom"}


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.catalog", description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=2000)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--learners", type=int, default=8, help="signed-in learners the requests cycle through")
    parser.add_argument("--requests", type=int, default=3000, help="requests per page")
    parser.add_argument(
        "--max-seconds", type=int, default=90, help="bound on each page's run (fewer requests if the page is slow)"
    )
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=0, help="threads per gthread worker (0: sync workers)")
    parser.add_argument("--pages", default="browse,search,api,floor", help="which of browse, search, api, floor")
    parser.add_argument("--database", default="peili_bench_catalog")
    parser.add_argument("--base-url", default=os.environ.get("PEILI_BENCH_PG", web.BASE_URL))
    parser.add_argument("--redis", default=web.REDIS_URL, help="Redis for the cache ('' for the database cache)")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--seed", type=int, default=20260401)
    return parser.parse_args(argv)


# Learning categories of the hsinchu-city pack the generated classes split their hours across.
CATEGORY_KEYS = (
    "information_security_general",
    "information_security_specialist",
    "major_policy",
    "environmental_education",
    "gender_mainstreaming",
    "integrity_ethics",
    "business",
    "leadership",
)


def _classes(places: world.Agencies, count: int, rng: random.Random) -> dict[str, Any]:
    """`count` published classes (terms of count/5 courses), written in bulk; returns a tally."""
    from django.utils import timezone

    from peili.catalog.models import ClassCategoryHours, ClassSession, Course, CourseClass, Venue
    from peili.catalog.selectors import track_choices
    from peili.org.models import Person

    today = timezone.localdate()
    tracks = [key for key, _name in track_choices(places.body.jurisdiction_id, today.year)] or ["professional"]
    categories = list(CATEGORY_KEYS)
    venue = Venue.objects.create(agency=places.body, name="301 研習教室", capacity=60)
    terms = 5
    courses = Course.objects.bulk_create(
        [
            Course(
                organizer=places.body,
                title=f"{TOPICS[n % len(TOPICS)]}{FLAVOURS[(n // len(TOPICS)) % len(FLAVOURS)]}{n // 100 or ''}",
                track=tracks[n % len(tracks)],
                summary="效能測試用課程。",
            )
            for n in range((count + terms - 1) // terms)
        ]
    )
    named = list(Person.objects.order_by("?").values_list("pk", flat=True)[:200])
    rows, restrictions = [], []
    tally = {"agencies": 0, "categories": 0, "grade": 0, "supervisors": 0, "newcomers": 0, "named": 0, "open": 0}
    for n in range(count):
        start = today + timedelta(days=3 + rng.randrange(360))
        mode = rng.choices(["classroom", "digital", "blended"], [6, 2, 2])[0]
        hours = Decimal(rng.choice([2, 3, 3, 6]))
        fields: dict[str, Any] = {}
        roll = rng.random()
        kind = "open"
        if roll < 0.15:
            kind = "agencies"
        elif roll < 0.25:
            kind, fields["eligible_categories"] = "categories", rng.choice([["junior"], ["senior", "selected"]])
        elif roll < 0.40:
            kind, fields["grade_min"] = "grade", rng.choice([6, 7, 9])
        elif roll < 0.46:
            kind, fields["supervisors_only"] = "supervisors", True
        elif roll < 0.50:
            kind, fields["newcomers_only"] = "newcomers", True
        elif roll < 0.52:
            kind = "named"
        tally[kind] += 1
        rows.append(
            CourseClass(
                course=courses[n // terms],
                term=n % terms + 1,
                status="published",
                start_date=start,
                end_date=start + timedelta(days=rng.choice([0, 0, 1, 2])),
                delivery_mode=mode,
                certified_hours=hours,
                classroom_hours=hours if mode == "classroom" else Decimal(0),
                digital_hours=hours if mode == "digital" else Decimal(0),
                capacity=rng.choice([30, 40, 60]),
                waitlist_size=10,
                confirmed_count=rng.randrange(0, 30),
                registration_opens_at=timezone.now() - timedelta(days=1),
                registration_closes_at=world.aware(start - timedelta(days=2), 17),
                cancellation_deadline=world.aware(start - timedelta(days=1), 17),
                needs_supervisor_consent=rng.random() < 0.5,
                city="新竹市",
                **fields,
            )
        )
        restrictions.append(kind)
    made = CourseClass.objects.bulk_create(rows, batch_size=500)
    through_agencies = CourseClass.eligible_agencies.through
    through_people = CourseClass.eligible_people.through
    agency_rows, people_rows, hours_rows, sessions = [], [], [], []
    for course_class, kind in zip(made, restrictions, strict=True):
        if kind == "agencies":
            for agency in rng.sample(places.members, rng.randint(1, 3)):
                agency_rows.append(through_agencies(courseclass_id=course_class.pk, agency_id=agency.pk))
        elif kind == "named":
            for pk in rng.sample(named, 20):
                people_rows.append(through_people(courseclass_id=course_class.pk, person_id=pk))
        split = rng.sample(categories, rng.choice([1, 1, 2]))
        each = course_class.certified_hours / len(split)
        hours_rows += [ClassCategoryHours(course_class=course_class, category=c, hours=each) for c in split]
        sessions.append(
            ClassSession(
                course_class=course_class,
                date=course_class.start_date,
                starts_at=world.time(9),
                ends_at=world.time(12),
                venue=venue if course_class.delivery_mode != "digital" else None,
                hours=course_class.certified_hours,
            )
        )
    through_agencies.objects.bulk_create(agency_rows, batch_size=1000)
    through_people.objects.bulk_create(people_rows, batch_size=1000)
    ClassCategoryHours.objects.bulk_create(hours_rows, batch_size=1000)
    ClassSession.objects.bulk_create(sessions, batch_size=1000)
    return tally


def _learners(users: list[Any], count: int) -> list[Any]:
    """Signed-in learners from different agencies and ranks (a supervisor among them)."""
    from peili.org.models import Person

    people = Person.objects.filter(user__in=users).select_related("agency").order_by("pk")
    chosen: dict[tuple[str, bool], Any] = {}
    for person in people:
        key = (person.category, person.is_supervisor)
        if key not in chosen:
            chosen[key] = person
    picked = list(chosen.values())[:count]
    picked += [p for p in people[: count * 3 : 3] if p not in picked][: max(0, count - len(picked))]
    return [p.user for p in picked]


def _probe(path: str, credentials: web.Credentials) -> dict[str, Any]:
    """One GET in this process through Django's test client: its status, SQL count and CPU time."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME=web.LOOPBACK)
    client.cookies.load(credentials.cookie)
    client.get(path)  # warm (templates, caches)
    with CaptureQueriesContext(connection) as captured:
        started = time.process_time()
        reply = client.get(path)
        cpu = time.process_time() - started
    return {
        "status": reply.status_code,
        "bytes": len(reply.content),
        "queries": len(captured),
        "cpu_ms": round(cpu * 1000, 1),
        "sql": [q["sql"][:200] for q in captured],
    }


def main(argv: list[str]) -> dict[str, Any]:
    args = _parse(argv)
    rng = random.Random(args.seed)
    paths = {
        "browse": "/classes/",
        "search": "/classes/?" + urlencode(SEARCH),
        "api": "/api/v1/classes?page=1",
        # The floor: a signed-in API call that does nothing but sign in and read the account's roles
        # — what every signed-in request costs on this machine before any work of its own.
        "floor": "/api/v1/me",
    }
    chosen = [p.strip() for p in args.pages.split(",") if p.strip()]
    figures: dict[str, Any] = {"classes": args.classes, "people": args.people, "paths": paths}
    with (
        web.bench_database(args.base_url, args.database, keep=args.keep_db) as url,
        web.work_dir("peili-catalog-") as work,
    ):
        web.setup_django(url)
        web.migrate()
        places = world.agencies()
        users = world.people_with_accounts(args.people, places.members, prefix="c", rng=rng)
        figures["restrictions"] = _classes(places, args.classes, rng)
        learners = _learners(users, args.learners)
        credentials = web.sign_in(learners)
        web.say(f"world: {args.classes} classes {figures['restrictions']}, {args.people} people")
        figures["one_request"] = {name: _probe(paths[name], credentials[0]) for name in chosen}
        for name in chosen:
            probe = figures["one_request"][name]
            web.say(f"{name}: {probe['queries']} queries, {probe['cpu_ms']} ms CPU in-process, {probe['bytes']} bytes")
        web.empty_redis(args.redis)
        figures["redis"] = bool(args.redis)
        with web.gunicorn(url, workers=args.workers, threads=args.threads, log_dir=work, redis=args.redis) as base:
            for name in chosen:
                requests = [web.Req("GET", paths[name], c.cookie) for c in credentials]
                load = {"connections": args.connections, "work_dir": work}
                web.wrk(base, requests, total=min(300, args.requests), bound_seconds=15, **load)  # warm-up
                web.wait_idle(base)
                result = web.wrk(base, requests, total=args.requests, bound_seconds=args.max_seconds, **load)
                result["drain_seconds_after"] = web.wait_idle(base)
                result["bounded_by_time"] = result["requests"] < args.requests
                result["meets_target"] = (
                    set(map(str, result["status"])) == {"200"}
                    and result["requests_per_second"] >= TARGET["requests_per_second"]
                    and result["latency_ms"]["p95"] < TARGET["p95_ms"]
                )
                figures[name] = result
                web.say(web.summary_line(name, result))
        figures["server"] = f"gunicorn, {args.workers} workers" + (
            f", gthread × {args.threads} threads" if args.threads else ", sync"
        )
        figures["target"] = TARGET
    return figures


if __name__ == "__main__":
    import sys

    print(json.dumps(main(sys.argv[1:]), ensure_ascii=False, indent=2))
