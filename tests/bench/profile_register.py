"""Profile the accepted registration path in this process (cProfile), served as in production
(Redis cache and sessions): one warm request per person, `--people` people for a class that has
room for all of them. A tool for finding where a registration's CPU goes, not a benchmark.

    .venv/bin/python -m tests.bench.profile_register [--people 200] [--refused]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import time

from tests.bench import web, world


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--database", default="peili_bench_profile")
    parser.add_argument("--redis-db", type=int, default=5)
    parser.add_argument("--refused", action="store_true", help="profile refusals of a full class instead")
    parser.add_argument("--top", type=int, default=45)
    # PROFILE_CALLEES=registration_create,register: also print what those functions called.
    parser.add_argument("--no-profile", action="store_true", help="only the CPU and wall time per request")
    args = parser.parse_args(argv)
    os.environ["PEILI_CACHE_URL"] = f"redis://127.0.0.1:6379/{args.redis_db}"
    os.environ["CELERY_BROKER_URL"] = f"redis://127.0.0.1:6379/{args.redis_db + 1}"  # mail queued, not sent
    with web.bench_database(web.BASE_URL, args.database, keep=False) as url:
        web.setup_django(url)
        web.migrate()
        from django.core.cache import cache
        from django.test import Client

        cache.clear()
        _flush_broker(args.redis_db + 1)
        rng = random.Random(1)
        places = world.agencies()
        users = world.people_with_accounts(args.people, places.members, prefix="p", rng=rng)
        credentials = web.sign_in(users)
        capacity = 1 if args.refused else args.people
        course_class = world.registration_class(places.body, "量測班", days=30, capacity=capacity, waitlist_size=0)
        clients = []
        for cred in credentials:
            client = Client(enforce_csrf_checks=True, SERVER_NAME=web.LOOPBACK)
            client.cookies.load(cred.cookie)
            client.get("/api/v1/me")  # the session cached, the identity kept: as a served worker's
            clients.append((client, cred))
        body = json.dumps({"class_id": course_class.pk, "meal": "meat", "deputy_name": "王代理"})

        def post(client, cred):
            return client.post(
                "/api/v1/registrations", body, content_type="application/json", HTTP_X_CSRFTOKEN=cred.csrf_header
            )

        if args.refused:
            post(*clients[0])
            clients = clients[1:]
        profiler = cProfile.Profile()
        started, wall = time.process_time(), time.perf_counter()
        if not args.no_profile:
            profiler.enable()
        statuses = [post(client, cred).status_code for client, cred in clients]
        profiler.disable()
        cpu, wall = time.process_time() - started, time.perf_counter() - wall
        n = len(clients)
        print(
            f"{n} requests, statuses {sorted(set(statuses))}, "
            f"{cpu / n * 1000:.2f} ms CPU, {wall / n * 1000:.2f} ms wall each"
        )
        if not args.no_profile:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(args.top)
            for name in os.environ.get("PROFILE_CALLEES", "").split(","):
                if name:
                    stats.print_callees(name)
            print(out.getvalue())
        cache.clear()
        _flush_broker(args.redis_db + 1)


def _flush_broker(number: int) -> None:
    import redis

    redis.Redis.from_url(f"redis://127.0.0.1:6379/{number}").flushdb()


if __name__ == "__main__":
    main(sys.argv[1:])
