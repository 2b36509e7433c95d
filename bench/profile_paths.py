"""Where a request's time goes: `.venv/bin/python -m bench.profile_paths`.

Loads the benchmark's data into its own database (`canting_bench_profile`), then
sends requests in-process through Django's real WSGI handler (every middleware,
the request signals, persistent connections with health checks, as under
gunicorn) and reports, per path:

- the database round trips of one request, from a libpq protocol trace (so
  BEGIN, COMMIT and the connection health check count too), with each
  statement's time as Django saw it;
- the time per request in-process, and under cProfile how it splits between
  the database, the cache, DRF (parsing, validation, serializers, rendering),
  middleware and the rest;
- for the catalogue list, EXPLAIN ANALYZE of its two queries.

Nothing here changes production code; the database is dropped and the Redis
database (BENCH_PROFILE_REDIS_URL, default db 10) flushed at the end.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import redis

from bench.database import Server
from bench.harness import say

PROFILE_DATABASE = "canting_bench_profile"
REDIS_URL = os.environ.get("BENCH_PROFILE_REDIS_URL", "redis://127.0.0.1:6379/10")
ROOT = Path(__file__).resolve().parent.parent
BROWSE = "/api/v1/sessions/?available=true"


# --------------------------------------------------------------------------- requests


class Wsgi:
    """Requests through django.core.handlers.wsgi.WSGIHandler, as gunicorn makes them."""

    def __init__(self) -> None:
        from django.core.handlers.wsgi import WSGIHandler
        from django.test.client import RequestFactory

        self.handler = WSGIHandler()
        self.factory = RequestFactory(SERVER_NAME="127.0.0.1", HTTP_HOST="127.0.0.1")
        self.email_serial = 0

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        if method == "GET":
            environ = self.factory.get(path).environ
        else:
            environ = self.factory.post(path, data=json.dumps(body), content_type="application/json").environ
        status_holder = []

        def start_response(status, headers, exc_info=None):
            status_holder.append(int(status.split()[0]))

        chunks = self.handler(environ, start_response)
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()  # fires request_finished, as a WSGI server does
        return status_holder[0], content

    def book(self, session_id: int) -> tuple[int, bytes]:
        self.email_serial += 1
        email = f"profile-{self.email_serial}@bench.example"
        body = {"session": session_id, "seats": 1, "contact": {"name": "Profil", "email": email, "phone": ""}}
        return self.call("POST", "/api/v1/bookings/", body)


# ----------------------------------------------------------------- database round trips


@contextmanager
def libpq_trace(path: Path):
    """Every protocol message of the default connection (opened if needed) into `path`."""
    import psycopg
    from django.db import connection

    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with path.open("w") as out:
        pgconn.trace(out.fileno())
        pgconn.set_trace_flags(psycopg.pq.Trace.REGRESS_MODE)
        try:
            yield
        finally:
            pgconn.untrace()


def round_trips(trace: str) -> list[tuple[str, float]]:
    """(statement, milliseconds) per round trip to ReadyForQuery: a simple Query, Parse … Sync, or
    Bind … Sync (a statement prepared earlier on the connection, run again by name)."""
    trips, pending, started = [], None, None
    for line in trace.splitlines():
        parts = line.split("\t")
        if len(parts) < 4:
            continue
        stamp, direction, kind = parts[0], parts[1], parts[3]
        text = parts[4].strip() if len(parts) > 4 else ""
        moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f").timestamp()
        if direction == "F" and pending is None and kind in ("Query", "Parse", "Bind"):
            started = moment
            if kind == "Query":
                pending = text[1:-1] if text.startswith('"') and text.endswith('"') else text
            elif kind == "Parse":
                match = re.match(r'"[^"]*" "(.*)" \d', text)
                pending = match.group(1) if match else text
            else:
                match = re.match(r'"[^"]*" "([^"]*)"', text)
                pending = f"(prepared statement {match.group(1) if match else text})"
        elif direction == "B" and kind == "ReadyForQuery" and pending is not None:
            trips.append((pending, 1000 * (moment - started)))
            pending = None
    return trips


@contextmanager
def timed_queries(log: list):
    """Django's view of each query: (seconds, sql)."""
    from django.db import connection

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            log.append((time.perf_counter() - start, sql))

    with connection.execute_wrapper(wrapper):
        yield


def _short(sql: str, width: int = 150) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= width else sql[: width - 1] + "…"


# ------------------------------------------------------------------------- profiling

BUCKETS = [
    ("database (psycopg + Django ORM)", ("psycopg", "django/db/")),
    ("cache (redis)", ("redis/", "django/core/cache")),
    (
        "DRF serializers + fields",
        ("rest_framework/serializers", "rest_framework/fields", "rest_framework/relations"),
    ),
    ("DRF request/parsing/rendering", ("rest_framework/",)),
    ("django-filter", ("django_filters/",)),
    ("middleware + auth + sessions", ("django/middleware", "django/contrib/", "allauth/", "whitenoise/")),
    ("URL resolving + request/response", ("django/urls", "django/http", "django/core/handlers")),
    ("i18n + templates + utils", ("django/utils", "django/template", "modeltranslation/")),
    ("project code (bookings, workshops, core)", ("/bookings/", "/workshops/", "/core/", "/tourism/")),
    ("python stdlib", ("/lib/python3",)),
]


def bucket_of(filename: str) -> str:
    for name, needles in BUCKETS:
        if any(needle in filename for needle in needles):
            return name
    return "other"


def profile_requests(send, n: int) -> tuple[float, dict[str, float], str]:
    """(seconds per request, self time per bucket in %, top functions by cumulative time)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        send()
    profiler.disable()
    stats = pstats.Stats(profiler)
    buckets: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        buckets[bucket_of(filename)] += tottime
        total += tottime
    shares = {name: 100 * seconds / total for name, seconds in sorted(buckets.items(), key=lambda i: -i[1])}
    out = io.StringIO()
    listing = pstats.Stats(profiler, stream=out)
    listing.sort_stats("cumulative").print_stats(
        r"(bookings|workshops|core|tourism)/|rest_framework/|django/", 40
    )
    cumulative = out.getvalue()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
    return total / n, shares, cumulative + "\nby self time:\n" + out.getvalue()


def time_requests(send, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        send()
    return (time.perf_counter() - start) / n


# ------------------------------------------------------------------------ the report


def examine(name: str, send, n: int, workdir: Path, report: list[str]) -> None:
    """Trace one request, time n, profile n; append what was found to `report`."""
    send()  # warm
    log: list = []
    trace_path = workdir / (re.sub(r"\W+", "-", name) + ".trace")
    with libpq_trace(trace_path), timed_queries(log):
        start = time.perf_counter()
        status = send()
        traced_ms = 1000 * (time.perf_counter() - start)
    trips = [(_prepared_text(statement), ms) for statement, ms in round_trips(trace_path.read_text())]
    per_request = time_requests(send, n)
    profiled, shares, top = profile_requests(send, max(n // 2, 20))
    report.append(f"\n## {name}\n")
    report.append(f"status of the traced request: {status}")
    report.append(f"in-process time: {per_request * 1000:.2f} ms/request over {n} requests (no HTTP server)")
    waited = sum(ms for _statement, ms in trips)
    report.append(
        f"database round trips of one request: {len(trips)}, {waited:.2f} ms waiting on them"
        f" out of {traced_ms:.2f} ms for the request (libpq trace)"
    )
    for statement, ms in trips:
        report.append(f"  {ms:7.2f} ms  {_short(statement, 120)}")
    if log:
        db_ms = 1000 * sum(seconds for seconds, _sql in log)
        report.append(f"ORM queries (Django's timing, one request): {len(log)}, {db_ms:.2f} ms in all")
        for seconds, sql in sorted(log, key=lambda item: -item[0]):
            report.append(f"  {seconds * 1000:7.2f} ms  {_short(sql)}")
    report.append(f"\ncProfile self time by area ({profiled * 1000:.2f} ms/request with the profiler on):")
    for area, share in shares.items():
        if share >= 0.5:
            report.append(f"  {share:5.1f}%  {area}")
    lines = [
        line.replace(str(ROOT) + "/", "").replace(sys.prefix + "/lib/python3.11/site-packages/", "")
        for line in top.splitlines()
    ]
    report.append("\ntop functions by cumulative time (n calls over the profiled requests):")
    report.extend(line for line in lines if line.strip() and not line.startswith(("   Ordered", "   List")))


def _prepared_text(statement: str) -> str:
    """A prepared statement's SQL, looked up on the connection that prepared it."""
    match = re.fullmatch(r"\(prepared statement (.+)\)", statement)
    if not match:
        return statement
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [match.group(1)])
        row = cursor.fetchone()
    return f"(prepared) {' '.join(row[0].split())}" if row else statement


def explain(report: list[str]) -> None:
    """EXPLAIN ANALYZE of the catalogue list's COUNT and page queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wsgi = Wsgi()
    with CaptureQueriesContext(connection) as captured:
        wsgi.call("GET", BROWSE + f"&nocache={uuid.uuid4().hex}")
    report.append("\n## EXPLAIN ANALYZE of the session list's queries\n")
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if "workshops_classsession" not in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            report.append(_short(sql, 400))
            report.append("\n".join("    " + line for line in plan))
            report.append("")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.profile_paths", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("-n", type=int, default=200, help="requests per timing (default 200)")
    args = parser.parse_args(argv)

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    if client.dbsize():
        say(f"profile: Redis database {REDIS_URL} is not empty; set BENCH_PROFILE_REDIS_URL to an empty one.")
        return 2
    pg = Server.from_env()
    workdir = Path(tempfile.mkdtemp(prefix="canting-profile-"))
    try:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": pg.recreate(PROFILE_DATABASE),
                "DATABASE_CONN_MAX_AGE": "600",
                "REDIS_URL": REDIS_URL,
                "CANTING_VAR_DIR": str(workdir / "var"),
            }
        )
        import logging

        import django

        django.setup()
        # Django logs every 4xx as a warning (as it does under gunicorn); not wanted in this report.
        logging.getLogger("django.request").setLevel(logging.ERROR)
        from django.core.management import call_command
        from django.db import connections

        from bench import data as bench_data

        call_command("migrate", verbosity=0)
        say("profile: loading data …")
        data = bench_data.load()
        connections.close_all()

        wsgi = Wsgi()
        report: list[str] = [
            f"# Canting request profile, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores",
            f"data: {data.sessions:,} sessions, {data.bookings:,} bookings",
        ]
        free = data.warmup_sessions + data.spread_sessions
        seats = {pk: (200 if pk in data.warmup_sessions else 20) for pk in free}

        def book_free():
            for pk in free:
                if seats[pk] > 0:
                    seats[pk] -= 1
                    return wsgi.book(pk)[0]
            raise RuntimeError("out of seats")

        # Fill the contention session, then every further attempt is refused.
        for _ in range(data.bench_capacity):
            wsgi.book(data.contention_session)

        steps = [
            ("ping (floor)", lambda: wsgi.call("GET", "/api/v1/ping/")[0]),
            ("booking: POST /api/v1/bookings/ that succeeds", book_free),
            (
                "booking: POST /api/v1/bookings/ refused (session full)",
                lambda: wsgi.book(data.contention_session)[0],
            ),
            ("browse: GET /api/v1/sessions/?available=true (cached)", lambda: wsgi.call("GET", BROWSE)[0]),
            (
                "browse: the same list, cache missed",
                lambda: wsgi.call("GET", BROWSE + f"&nocache={uuid.uuid4().hex}")[0],
            ),
        ]
        for name, send in steps:
            say(f"profile: {name}")
            n = min(args.n, 500) if "succeeds" in name else args.n
            examine(name, send, n, workdir, report)
        explain(report)

        text = "\n".join(report) + "\n"
        results = ROOT / "bench" / "results"
        results.mkdir(parents=True, exist_ok=True)
        out = results / f"profile-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md"
        out.write_text(text)
        say(text)
        say(f"profile: written to {out.relative_to(ROOT)}")
        return 0
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        pg.drop(PROFILE_DATABASE)
        client.flushdb()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
