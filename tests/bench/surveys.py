"""Benchmark: survey results of a course with 200 classes and 30,000 responses, on PostgreSQL.

    .venv/bin/python -m tests.bench.surveys
    make bench BENCH=surveys

Creates a fresh database (peili_bench_surveys), migrates it and builds a world (not timed):
新竹市政府 with 人事處 as organizing body (`world.agencies`), an organizer, twelve instructors, one
course with --classes classes spread over --years years (one session each, three instructors drawn
from the twelve), the body's questionnaire — 12 questions: course (3 scale), instructor (2 scale,
1 text; repeated per instructor), venue (2 scale, 1 single choice), overall (1 scale, 1 multiple
choice, 1 text) — one version, and each class's anonymous survey with --responses responses in all
(spread evenly), their answers and their tallies, consistent with each other: the tallies are
counted from the generated answers, as `services.response_submit` would have kept them. Answers are
skewed towards 4 and 5 with a per-class mood, text is written by a fifth of the respondents.
Responses and answers are written with COPY, the rest with bulk_create; invitations are not
written (results read `Survey.invited_count`, set to the responses plus up to 20 %).

Then, signed in as the organizer (a session written directly, as the other web benchmarks do), it
probes each URL in-process (SQL count, SQL and CPU time) and serves the app with gunicorn (2 sync
workers, Redis cache) while wrk sends --requests GETs per URL at --connections connections (after a
warm-up of a tenth):

  course       the course's results page (all classes and years) — the target: p95 < 300 ms;
  class        one class's results page;
  course_api   /api/v1/surveys/results/courses/{id};
  class_api    /api/v1/surveys/results/classes/{id};
  index        the organizer's list of classes with a survey (first page of 50).

The database is dropped afterwards unless --keep-db. `main(argv) -> dict` returns the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tests.bench import web, world

TARGET = {"p95_ms": 300}
QUESTIONS = (
    (
        "course",
        "課程",
        (("scale", "課程內容符合工作需要"), ("scale", "課程內容深淺適中"), ("scale", "課程時間安排適當")),
    ),
    ("instructor", "講座", (("scale", "講座表達清楚"), ("scale", "講座回應學員問題"), ("text", "給講座的建議"))),
    ("venue", "場地與餐飲", (("scale", "場地設備"), ("scale", "行政服務"), ("single", "餐點份量"))),
    ("overall", "整體", (("scale", "整體滿意"), ("multiple", "得知本課程的管道"), ("text", "其他意見"))),
)
OPTIONS = {"single": ("太少", "剛好", "太多"), "multiple": ("公文", "網站", "同事", "主管")}
COMMENTS = (
    "內容實用，希望能再開進階班。",
    "時間稍嫌不足。",
    "講解清楚，案例豐富。",
    "冷氣太冷。",
    "希望提供講義電子檔。",
)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.surveys", description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=200)
    parser.add_argument("--responses", type=int, default=30_000, help="responses in all, spread over the classes")
    parser.add_argument("--years", type=int, default=5, help="years the classes are spread over, ending last year")
    parser.add_argument("--requests", type=int, default=400, help="requests per URL")
    parser.add_argument("--max-seconds", type=int, default=90, help="bound on each URL's run")
    parser.add_argument("--connections", type=int, default=2, help="concurrent connections (closed loop)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", default="course,class,course_api,class_api,index")
    parser.add_argument("--database", default="peili_bench_surveys")
    parser.add_argument("--base-url", default=os.environ.get("PEILI_BENCH_PG", web.BASE_URL))
    parser.add_argument("--redis", default=web.REDIS_URL, help="Redis for the cache ('' for the database cache)")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--reuse-db", action="store_true", help="measure a world kept by --keep-db (not rebuilt)")
    parser.add_argument("--seed", type=int, default=20261201)
    return parser.parse_args(argv)


# --- the world ------------------------------------------------------------------------------------


def _template(body: Any, organizer: Any) -> Any:
    from peili.surveys import services
    from peili.surveys.services import QuestionSpec, SectionSpec

    sections = [
        SectionSpec(
            kind,
            title,
            tuple(
                QuestionSpec(q_kind, text, required=q_kind != "text", options=OPTIONS.get(q_kind, ()))
                for q_kind, text in questions
            ),
        )
        for kind, title, questions in QUESTIONS
    ]
    return services.template_create(
        organizer=body, name="標準課後問卷", anonymous=True, sections=sections, actor=organizer
    )


def _classes(body: Any, count: int, years: int, instructors: list[Any], rng: random.Random) -> list[Any]:
    from peili.catalog.models import ClassSession, Course, CourseClass, Venue

    today = date.today()
    first_year = today.year - years
    course = Course.objects.create(organizer=body, title="公務倫理與服務品質", track="professional")
    venue = Venue.objects.create(agency=body, name="301 研習教室", capacity=60)
    per_year = -(-count // years)
    rows = []
    for n in range(count):
        year = first_year + n // per_year
        day = date(year, 1, 15) + timedelta(days=(n % per_year) * 340 // per_year)
        rows.append(
            CourseClass(
                course=course,
                term=n + 1,
                status="closed",
                start_date=day,
                end_date=day,
                certified_hours=Decimal(3),
                classroom_hours=Decimal(3),
                capacity=200,
                confirmed_count=150,
            )
        )
    classes = CourseClass.objects.bulk_create(rows, batch_size=500)
    sessions = ClassSession.objects.bulk_create(
        [
            ClassSession(
                course_class=c,
                date=c.start_date,
                starts_at=world.time(9),
                ends_at=world.time(16),
                venue=venue,
                hours=Decimal(6),
            )
            for c in classes
        ]
    )
    through = ClassSession.instructors.through
    through.objects.bulk_create(
        [through(classsession_id=s.pk, instructor_id=i.pk) for s in sessions for i in rng.sample(instructors, 3)]
    )
    return classes


def _copy(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _scale(rng: random.Random, mood: float) -> int:
    """A scale point skewed towards satisfied, shifted by the class's mood (−1 … 1)."""
    weights = [0.02, 0.05, 0.18, 0.40 - 0.1 * mood, 0.35 + 0.1 * mood]
    return rng.choices((1, 2, 3, 4, 5), weights)[0]


def _surveys(classes: list[Any], template: Any, total: int, rng: random.Random) -> dict[str, int]:
    """Each class's survey, its responses, their answers and the tallies counted from them."""
    from django.db import transaction

    from peili.catalog.models import ClassSession
    from peili.surveys import selectors
    from peili.surveys.models import Answer, Response, Survey, Tally

    version = selectors.latest_version(template)
    sections = selectors.version_sections(version)
    teachers: dict[int, list[int]] = {}
    for class_id, instructor_id in ClassSession.instructors.through.objects.filter(
        classsession__course_class__in=classes
    ).values_list("classsession__course_class_id", "instructor_id"):
        teachers.setdefault(class_id, []).append(instructor_id)
    per_class = [total // len(classes) + (1 if n < total % len(classes) else 0) for n in range(len(classes))]
    surveys = Survey.objects.bulk_create(
        [
            Survey(
                course_class=c,
                version=version,
                anonymous=True,
                opens_at=world.aware(c.end_date, 16),
                closes_at=world.aware(c.end_date + timedelta(days=7), 23),
                invited_at=world.aware(c.end_date, 16),
                invited_count=n + rng.randrange(0, max(1, n // 5)),
                response_count=n,
                tallied_count=n,  # every answer in the results (no batch waiting)
            )
            for c, n in zip(classes, per_class, strict=True)
        ]
    )
    responses: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    tallies: list[Tally] = []
    for survey, course_class, n in zip(surveys, classes, per_class, strict=True):
        mood = rng.uniform(-1, 1)
        counts: Counter[tuple[int, str, int | None, int | None]] = Counter()
        for _ in range(n):
            response_id = uuid.uuid4()
            responses.append((response_id, survey.pk, version.pk, None, None))
            for section in sections:
                repeats: list[int | None] = list(teachers[course_class.pk]) if section.kind == "instructor" else [None]
                for instructor_id in repeats:
                    for question in section.questions.all():
                        values: list[int | None] = []
                        text = ""
                        if question.kind == "scale":
                            values = [_scale(rng, mood)]
                        elif question.kind == "single":
                            values = [rng.choices((0, 1, 2), (0.1, 0.8, 0.1))[0]]
                        elif question.kind == "multiple":
                            values = sorted(rng.sample(range(4), rng.choice((1, 1, 2))))
                        elif rng.random() < 0.2:
                            values, text = [None], rng.choice(COMMENTS)
                        for value in values:
                            answers.append((uuid.uuid4(), response_id, question.pk, instructor_id, value, text))
                            counts[(question.pk, question.key, instructor_id, value)] += 1
        tallies += [
            Tally(survey=survey, question_id=q, question_key=key, instructor_id=i, value=v, count=c)
            for (q, key, i, v), c in counts.items()
        ]
    with transaction.atomic():
        _copy(
            Response._meta.db_table,
            ["id", "survey_id", "version_id", "person_id", "submitted_at"],
            responses,
        )
        _copy(
            Answer._meta.db_table,
            ["id", "response_id", "question_id", "instructor_id", "value", "text"],
            answers,
        )
        Tally.objects.bulk_create(tallies, batch_size=2000)
    return {"surveys": len(surveys), "responses": len(responses), "answers": len(answers), "tallies": len(tallies)}


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- measuring ------------------------------------------------------------------------------------


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


def _explain(statements: list[str]) -> list[str]:
    """EXPLAIN ANALYZE of the slowest statements (for the README's notes)."""
    from django.db import connection

    plans = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def _slow_statements(path: str, credentials: web.Credentials, count: int = 3) -> list[tuple[float, str]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME=web.LOOPBACK, raise_request_exception=False)
    client.cookies.load(credentials.cookie)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    timed = sorted(((float(q["time"]), q["sql"]) for q in captured), reverse=True)
    return timed[:count]


@contextlib.contextmanager
def _database(args: argparse.Namespace) -> Iterator[str]:
    if args.reuse_db:
        yield f"{args.base_url}/{args.database}"
        return
    with web.bench_database(args.base_url, args.database, keep=args.keep_db) as url:
        yield url


def _world(url: str, args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    web.setup_django(url)
    web.migrate()
    started = time.perf_counter()
    from peili.accounts.models import User
    from peili.catalog.models import Instructor
    from tests.factories import grant

    places = world.agencies()
    organizer = User.objects.create(username="bench-organizer", email="organizer@bench.gov.tw")
    organizer.set_unusable_password()
    organizer.save()
    grant(organizer, "organizer", places.body)
    instructors = Instructor.objects.bulk_create(
        [Instructor(name=f"講座{n + 1:02d}", affiliation="國家文官學院") for n in range(12)]
    )
    template = _template(places.body, organizer)
    classes = _classes(places.body, args.classes, args.years, instructors, rng)
    figures = _surveys(classes, template, args.responses, rng)
    _analyze()
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures


def main(argv: list[str]) -> dict[str, Any]:
    args = _parse(argv)
    rng = random.Random(args.seed)
    figures: dict[str, Any] = {"classes": args.classes, "responses": args.responses, "years": args.years}
    with (
        _database(args) as url,
        web.work_dir("peili-surveys-") as work,
    ):
        if args.reuse_db:
            web.setup_django(url)
            figures["world"] = "reused"
        else:
            figures["world"] = _world(url, args, rng)
            web.say(f"world: {figures['world']}")
        from peili.accounts.models import User
        from peili.catalog.models import CourseClass

        organizer = User.objects.get(username="bench-organizer")
        classes = list(CourseClass.objects.order_by("pk"))
        course_id = classes[0].course_id
        middle = classes[len(classes) // 2].pk
        paths = {
            "course": f"/surveys/courses/{course_id}/results/",
            "class": f"/surveys/classes/{middle}/results/",
            "course_api": f"/api/v1/surveys/results/courses/{course_id}",
            "class_api": f"/api/v1/surveys/results/classes/{middle}",
            "index": "/surveys/results/",
        }
        chosen = [p.strip() for p in args.pages.split(",") if p.strip()]
        figures["paths"] = {name: paths[name] for name in chosen}
        credentials = web.sign_in([organizer] * 4)
        figures["one_request"] = {name: _probe(paths[name], credentials[0]) for name in chosen}
        for name in chosen:
            probe = figures["one_request"][name]
            web.say(
                f"{name}: {probe['status']}, {probe['queries']} queries ({probe['sql_ms']} ms SQL), "
                f"{probe['cpu_ms']} ms CPU, {probe['wall_ms']} ms in-process, {probe['bytes']:,} bytes"
            )
        slow = _slow_statements(paths["course"], credentials[0])
        figures["course_slowest_sql"] = [{"ms": round(ms * 1000, 1), "sql": sql[:400]} for ms, sql in slow]
        figures["course_explain"] = _explain([sql for _ms, sql in slow[:2]])
        with io.StringIO() as out:
            for plan in figures["course_explain"]:
                out.write(plan + "\n\n")
            web.say("EXPLAIN of the course page's slowest statements:\n" + out.getvalue())
        web.empty_redis(args.redis)
        with web.gunicorn(url, workers=args.workers, log_dir=work, redis=args.redis) as base:
            for name in chosen:
                requests = [web.Req("GET", paths[name], c.cookie) for c in credentials]
                load = {"connections": args.connections, "work_dir": work}
                web.wrk(base, requests, total=max(20, args.requests // 10), bound_seconds=30, **load)  # warm-up
                web.wait_idle(base)
                result = web.wrk(base, requests, total=args.requests, bound_seconds=args.max_seconds, **load)
                result["path"] = paths[name]
                result["bounded_by_time"] = result["requests"] < args.requests
                result["meets_target"] = (
                    set(result["status"]) == {"200"} and result["latency_ms"]["p95"] < TARGET["p95_ms"]
                )
                figures[name] = result
                web.say(web.summary_line(name, result))
                web.wait_idle(base)
        figures["server"] = f"gunicorn, {args.workers} sync workers, wrk at {args.connections} connections"
        figures["target"] = TARGET
    return figures


if __name__ == "__main__":
    import sys

    print(json.dumps(main(sys.argv[1:]), ensure_ascii=False, indent=2))
