"""Shared parts of the web benchmarks (`registration_burst`, `catalog`): a throwaway PostgreSQL
database, Django set up against it, signed-in sessions made without logging in, the app served by
gunicorn, and wrk driving it with a Lua script. Not a benchmark itself (not in `run.py`'s list).

Everything started here is stopped in `finally` blocks; only loopback addresses are targeted; every
loop and wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

BASE_URL = "postgres://postgres@127.0.0.1:5432"
# Served as in production: Django's cache (version stamps, sessions are still in the database) and
# Celery's broker in Redis, these two database numbers only (emptied before each run), and a Celery
# worker taking the e-mails off the request.
REDIS_URL = "redis://127.0.0.1:6379"
# PEILI_BENCH_REDIS_DBS="CACHE,BROKER" picks other numbers, so that two benchmarks on one machine
# (one Redis) do not empty each other's databases. The cache's keys and the broker's never clash,
# so both may be one number.
REDIS_CACHE_DB, REDIS_BROKER_DB = (int(n) for n in os.environ.get("PEILI_BENCH_REDIS_DBS", "12,13").split(",", 1))
ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LOOPBACK = "127.0.0.1"


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _admin_sql(base_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def _check_loopback(host: str | None) -> None:
    if not host or not (host == "localhost" or host.startswith("127.")):
        raise SystemExit(f"the web benchmarks only target loopback addresses, not {host!r}")


@contextlib.contextmanager
def bench_database(base_url: str, name: str, *, keep: bool) -> Iterator[str]:
    """A fresh database `name` (dropped first if left over), dropped afterwards unless `keep`."""
    _check_loopback(urlparse(base_url).hostname)
    _admin_sql(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_sql(base_url, f'CREATE DATABASE "{name}"')
    url = f"{base_url}/{name}"
    try:
        yield url
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if keep:
            say(f"kept database {name} ({url})")
        else:
            _admin_sql(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str) -> None:
    """Django against `url`, in this process. Sessions are signed with SECRET_KEY, so the server is
    given this process's key (`server_env`); a throwaway key is made up when none is set."""
    os.environ["PEILI_DATABASE_URL"] = url
    os.environ.setdefault("PEILI_SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
    os.environ.setdefault("PEILI_DEBUG", "0")  # no query log growing in this process
    os.environ.setdefault("PEILI_HTTPS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    if settings.configured and "default" in getattr(settings, "DATABASES", {}):
        from django.db import connections

        from config.settings import _database

        connections["default"].close()
        connections["default"].settings_dict.update(_database(url))
    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)


# --- signed-in sessions without logging in --------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """What a signed-in browser sends: the session and CSRF cookies and the CSRF header."""

    session_key: str
    csrf_secret: str  # the csrftoken cookie (unmasked, 32 characters)
    csrf_header: str  # X-CSRFToken: the secret masked afresh, as a page's form token is

    @property
    def cookie(self) -> str:
        from django.conf import settings

        return f"{settings.SESSION_COOKIE_NAME}={self.session_key}; {settings.CSRF_COOKIE_NAME}={self.csrf_secret}"


def sign_in(users: Sequence[Any]) -> list[Credentials]:
    """A database session per user, as `django.contrib.auth.login` would store it, written in bulk,
    and a CSRF secret with a masked token for the header (Django 5.2 accepts a masked 64-character
    or an unmasked 32-character token and compares it with the cookie's secret)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    store = SessionStore()
    expire = timezone.now() + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    backend = settings.AUTHENTICATION_BACKENDS[-1]  # the sign-in backend, as a real login records
    rows, out = [], []
    for user in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: user.get_session_auth_hash()}
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        secret = _get_new_csrf_string()
        out.append(Credentials(key, secret, _mask_cipher_secret(secret)))
    Session.objects.bulk_create(rows, batch_size=1000)
    return out


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def redis_urls(redis: str | None) -> dict[str, str]:
    """The environment that points the app at Redis (nothing for the embedded default)."""
    if not redis:
        return {}
    base = redis.rstrip("/")
    _check_loopback(urlparse(base).hostname)
    return {"PEILI_CACHE_URL": f"{base}/{REDIS_CACHE_DB}", "CELERY_BROKER_URL": f"{base}/{REDIS_BROKER_DB}"}


def empty_redis(redis: str | None) -> None:
    """Empty the benchmark's two Redis databases (no other database is touched)."""
    if not redis:
        return
    import redis as redis_client

    for number in sorted({REDIS_CACHE_DB, REDIS_BROKER_DB}):
        client = redis_client.Redis.from_url(f"{redis.rstrip('/')}/{number}")
        try:
            client.flushdb()
        finally:
            client.close()


def server_env(url: str, redis: str | None = None) -> dict[str, str]:
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEILI_", "CELERY_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PEILI_DATABASE_URL": url,
            "PEILI_SECRET_KEY": settings.SECRET_KEY,
            "PEILI_DEBUG": "0",
            "PEILI_HTTPS": "0",
            "PEILI_ALLOWED_HOSTS": LOOPBACK,
            "PEILI_LOG_LEVEL": "ERROR",
            "PEILI_BASE_URL": f"http://{LOOPBACK}",
            "PYTHONDONTWRITEBYTECODE": "1",
            **redis_urls(redis),
        }
    )
    return env


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the process group it leads (gunicorn's or celery's workers)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@contextlib.contextmanager
def celery_worker(url: str, *, redis: str | None, log_dir: Path) -> Iterator[None]:
    """A Celery worker (one process) for the served app when it has a broker; nothing otherwise."""
    if not redis:
        yield
        return
    command = [
        str(Path(sys.executable).with_name("celery")),
        "--app",
        "config",
        "worker",
        "--concurrency",
        "1",
        "--loglevel",
        "WARNING",
        "--without-gossip",
        "--without-mingle",
    ]
    log = (log_dir / "celery.log").open("wb")
    process = subprocess.Popen(
        command, cwd=ROOT, env=server_env(url, redis), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield
    finally:
        _stop(process)
        log.close()


def queued_tasks(redis: str | None) -> int:
    """Tasks still waiting in the broker's default queue (0 without a broker)."""
    if not redis:
        return 0
    import redis as redis_client

    client = redis_client.Redis.from_url(f"{redis.rstrip('/')}/{REDIS_BROKER_DB}")
    try:
        return int(client.llen("celery"))
    finally:
        client.close()


@contextlib.contextmanager
def gunicorn(url: str, *, workers: int = 2, threads: int = 0, log_dir: Path, redis: str | None = None) -> Iterator[str]:
    """The app under gunicorn on a free loopback port; yields its base URL. Sync workers, or gthread
    workers with `threads` threads each; with `redis`, its cache and Celery broker in Redis. The
    server's output (including the console e-mail backend's mails) goes to `log_dir`. Stopped (TERM,
    then KILL) on the way out."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi:application",
        "--bind",
        f"{LOOPBACK}:{port}",
        "--workers",
        str(workers),
        "--no-control-socket",
        "--log-level",
        "warning",
        "--backlog",
        "256",
        "--timeout",
        "60",
    ]
    if threads:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    log = (log_dir / f"gunicorn-{port}.log").open("wb")
    process = subprocess.Popen(
        command, cwd=ROOT, env=server_env(url, redis), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://{LOOPBACK}:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{base}/accounts/login/", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within 30 s; see {log.name}")
            time.sleep(0.2)
        yield base
    finally:
        _stop(process)
        log.close()


def wait_idle(base: str, *, bound_seconds: float = 120) -> float:
    """Wait until the server answers a cheap page quickly (requests a load generator gave up on may
    still be queued in the workers); returns the seconds waited. Bounded."""
    started = time.monotonic()
    while time.monotonic() - started < bound_seconds:
        asked = time.monotonic()
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=bound_seconds) as reply:
                reply.read()
        except OSError:
            pass
        if time.monotonic() - asked < 0.2:
            break
    return round(time.monotonic() - started, 1)


# --- the load -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    cookie: str
    csrf: str = ""
    body: str = ""


def write_requests(path: Path, requests: Sequence[Req]) -> None:
    """One request a line, tab-separated: method, path, cookie, csrf header (or -), body (or -)."""
    with path.open("w", encoding="utf-8") as out:
        for r in requests:
            fields = [r.method, r.path, r.cookie, r.csrf or "-", r.body or "-"]
            if any("\t" in f or "\n" in f for f in fields):
                raise ValueError("request fields must not contain tabs or newlines")
            out.write("\t".join(fields) + "\n")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["sh", str(HERE / "ensure_wrk.sh")], check=True, timeout=600)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed (tests/bench/ensure_wrk.sh)")
    return found


def wrk(
    base: str,
    requests: Sequence[Req],
    *,
    total: int | None = None,
    connections: int = 50,
    threads: int = 2,
    bound_seconds: int = 300,
    work_dir: Path,
) -> dict[str, Any]:
    """Send `total` repeatable requests (GETs; cycling through `requests`) over `connections`
    connections with wrk and return its figures: latency percentiles (ms), requests per second
    (first request sent to last counted response), status codes and socket errors.

    wrk runs for a duration, not a count: the Lua script (wrk_bench.lua) gives each wrk thread a
    quota of responses, stops the thread at its last one and leaves a marker file; once every
    thread has, wrk is interrupted (SIGINT ends it and prints the summary). Requests still in flight
    on a stopped thread's other connections are not counted: fine for GETs, wrong for requests that
    must each be sent exactly once (use `http_load`). `bound_seconds` bounds the run in any case."""
    _check_loopback(urlparse(base).hostname)
    total = len(requests) if total is None else total
    req_file = work_dir / f"requests-{secrets.token_hex(4)}.tsv"
    write_requests(req_file, requests)
    marker = work_dir / f"done-{secrets.token_hex(4)}-"
    command = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{bound_seconds}s",
        "--timeout",
        "60s",
        "-s",
        str(HERE / "wrk_bench.lua"),
        base,
        "--",
        str(req_file),
        str(total),
        str(threads),
        str(marker),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + bound_seconds + 30
        while process.poll() is None and time.monotonic() < deadline:
            if all(Path(f"{marker}{n}").exists() for n in range(threads)):
                process.send_signal(signal.SIGINT)
                break
            time.sleep(0.01)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for n in range(threads):
            Path(f"{marker}{n}").unlink(missing_ok=True)
    line = next((ln for ln in stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no figures:\n{stdout}\n{stderr}")
    raw = json.loads(line.removeprefix("BENCHJSON "))
    seconds = max(raw["last_us"] - raw["first_us"], 1) / 1e6
    return {
        "requests": raw["responses"],
        "seconds": round(seconds, 3),
        "requests_per_second": round(raw["responses"] / seconds, 1),
        "latency_ms": {k: round(v / 1000, 1) for k, v in raw["latency_us"].items()},
        "status": {str(k): v for k, v in sorted(raw["status"].items())},
        "socket_errors": raw["errors"],
        "connections": connections,
        "load_generator": f"wrk, {threads} threads",
    }


def _raw(r: Req) -> bytes:
    body = r.body.encode()
    head = [f"{r.method} {r.path} HTTP/1.1", f"Host: {LOOPBACK}", f"Cookie: {r.cookie}", "Accept: */*"]
    if r.csrf:
        head.append(f"X-CSRFToken: {r.csrf}")
    if body:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _exchange(
    host: str, port: int, raw: bytes, conn: list[Any], timeout: float
) -> tuple[int, float, float, bool]:
    """One request on the connection held in `conn` ([reader, writer] or empty: connect first).
    Returns (status, started, finished, connection kept)."""
    started = time.perf_counter()
    if not conn:
        conn.extend(await asyncio.wait_for(asyncio.open_connection(host, port), timeout))
    reader, writer = conn
    writer.write(raw)
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout)
    if not status_line:
        raise ConnectionResetError("closed before answering")
    status = int(status_line.split()[1])
    length, keep = 0, True
    while True:
        line = await asyncio.wait_for(reader.readline(), timeout)
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection" and value.strip().lower() == "close":
            keep = False
    if length:
        await asyncio.wait_for(reader.readexactly(length), timeout)
    return status, started, time.perf_counter(), keep


def _close(conn: list[Any]) -> None:
    if conn:
        conn[1].close()
        conn.clear()


async def _load(base: str, raws: list[bytes], connections: int, timeout: float) -> list[tuple[int, float, float]]:
    parsed = urlparse(base)
    host, port = parsed.hostname or LOOPBACK, parsed.port or 80
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(len(raws)):
        queue.put_nowait(n)
    results: list[tuple[int, float, float]] = []

    async def client() -> None:
        conn: list[Any] = []
        try:
            while not queue.empty():
                raw = raws[queue.get_nowait()]
                reused = bool(conn)
                try:
                    status, started, finished, keep = await _exchange(host, port, raw, conn, timeout)
                except (ConnectionError, asyncio.IncompleteReadError) as error:
                    _close(conn)
                    if not reused:
                        results.append((-1, 0.0, 0.0))
                        say(f"request failed: {error!r}")
                        continue
                    # A kept-alive connection the server had already closed: send again, once, afresh.
                    status, started, finished, keep = await _exchange(host, port, raw, conn, timeout)
                results.append((status, started, finished))
                if not keep:
                    _close(conn)
        finally:
            _close(conn)

    await asyncio.gather(*(client() for _ in range(connections)))
    return results


def _percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _by_status(answered: list[tuple[int, float, float]]) -> dict[str, dict[str, float]]:
    """Latency percentiles per status, and when (seconds from the first request sent) the last
    answer with that status came."""
    first = min(started for _s, started, _f in answered)
    out: dict[str, dict[str, float]] = {}
    for status in sorted({s for s, _a, _b in answered}):
        mine = [(started, finished) for s, started, finished in answered if s == status]
        latencies = sorted((finished - started) * 1000 for started, finished in mine)
        out[str(status)] = {
            **{f"p{p}": round(_percentile(latencies, p), 1) for p in (50, 95)},
            "last_answered_s": round(max(finished for _st, finished in mine) - first, 3),
        }
    return out


def http_load(
    base: str, requests: Sequence[Req], *, connections: int = 50, timeout: float = 60.0, bound_seconds: float = 600
) -> dict[str, Any]:
    """Send each of `requests` exactly once, over `connections` concurrent connections (each
    connection takes the next unsent request when its previous one is answered; kept alive when
    the server allows, else reconnected), and return the same figures as `wrk`. Latency runs from
    connecting (or writing, on a kept connection) to the last byte of the body."""
    _check_loopback(urlparse(base).hostname)
    raws = [_raw(r) for r in requests]
    results = asyncio.run(asyncio.wait_for(_load(base, raws, connections, timeout), bound_seconds))
    answered = [r for r in results if r[0] > 0]
    latencies = sorted((finished - started) * 1000 for _s, started, finished in answered)
    seconds = max(r[2] for r in answered) - min(r[1] for r in answered)
    return {
        "requests": len(answered),
        "seconds": round(seconds, 3),
        "requests_per_second": round(len(answered) / seconds, 1),
        "latency_ms": {
            **{f"p{p}": round(_percentile(latencies, p), 1) for p in (50, 90, 95, 99)},
            "max": round(latencies[-1], 1),
            "mean": round(sum(latencies) / len(latencies), 1),
        },
        "status": dict(sorted(Counter(str(s) for s, _a, _b in answered).items())),
        # Per status: under a burst the accepted requests (201) and the refused (400) cost very
        # different work, and a p95 over all of them hides which one makes it.
        "by_status": _by_status(answered),
        "socket_errors": len(results) - len(answered),
        "connections": connections,
        "load_generator": "asyncio client (tests/bench/web.py)",
    }


@contextlib.contextmanager
def work_dir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def summary_line(name: str, figures: dict[str, Any]) -> str:
    lat = figures["latency_ms"]
    return (
        f"{name}: {figures['requests']} requests in {figures['seconds']} s = {figures['requests_per_second']} req/s; "
        f"p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, max {lat['max']} ms; "
        f"status {figures['status']}"
    )
