"""`make bench`: Canting under load, on this machine, in one run of about a minute.

1. A fresh PostgreSQL database `canting_bench` (on DATABASE_URL's server, else
   127.0.0.1:5432 as postgres), migrated and filled (bench/data.py).
2. gunicorn as production runs it: 2 sync workers, bench/settings.py.
3. wrk (bench/wrk/bench.lua), 20 connections, a warm-up before each run:
   floor       GET /api/v1/ping/ (or /api/v1/villages/, with a warning), in slices
               before and after every run below (this machine's speed drifts)
   contention  200 bookings of one 20-seat session: 20 succeed, 180 are refused, none
               oversold; 5 rounds, each on a session of its own, the median counts
   spread      1,000 bookings over 50 sessions of 20 seats: all succeed
   browse      GET /api/v1/sessions/?available=true over 20,000 sessions / 200,000 bookings
   browse-cold the same list with a query parameter that misses the list cache (no target)
4. Each rate as a ratio to the floor (the mean of the slices just before and just
   after it), against its target; PASS or FAIL.

Exit status: 0 every target passed, 1 some target failed, 2 the benchmark could not run.
gunicorn is stopped, the database dropped and the Redis database flushed on every way out.
"""

import argparse
import json
import os
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.database import BENCH_DATABASE
from bench.harness import World, check_redis, run_in_world, say
from bench.load import WrkMissing, WrkResult, run_wrk, wrk_path
from bench.server import ROOT, Gunicorn, get

BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
PING = "/api/v1/ping/"
FALLBACK_FLOOR = "/api/v1/villages/"
BOOKINGS = "/api/v1/bookings/"
BROWSE = "/api/v1/sessions/?available=true"
CONTENTION_REQUESTS = 200
SPREAD_REQUESTS = 1_000
WARMUP_REQUESTS = 100
WARMUP_SECONDS = 2.0
RESULTS = ROOT / "bench" / "results"

TARGETS = {"contention": 0.5, "spread": 0.25, "browse": 0.5}
# More CPU than this (% of one core) outside the server, PostgreSQL and wrk marks a run as noisy.
NOISY = 25


@dataclass
class Measurement:
    name: str
    what: str
    requests: int
    seconds: float
    rate: float
    statuses: str
    server_cpu_pct: float
    postgres_cpu_pct: float
    wrk_cpu_pct: float
    machine_cpu_pct: float
    other_cpu_pct: float = 0.0  # the machine's CPU that was not the server, PostgreSQL or wrk
    others: str = ""  # other processes that took CPU during the run
    clean: bool = True  # no socket errors, only the statuses the run expects
    ratio: float | None = None
    target: float | None = None
    passed: bool | None = None
    note: str = ""


def _pct(seconds: float, wall: float) -> float:
    return round(100 * seconds / wall, 1) if wall else 0.0


def _measurement(name: str, what: str, result: WrkResult, expected: set[int]) -> Measurement:
    return Measurement(
        name=name,
        what=what,
        requests=result.responses,
        seconds=round(result.elapsed, 3),
        rate=round(result.rate, 1),
        statuses=result.describe_statuses(),
        server_cpu_pct=_pct(result.server_cpu, result.wall),
        postgres_cpu_pct=_pct(result.postgres_cpu, result.wall),
        wrk_cpu_pct=_pct(result.wrk_cpu, result.wall),
        machine_cpu_pct=_pct(result.machine_cpu, result.wall),
        other_cpu_pct=_pct(
            result.machine_cpu - result.server_cpu - result.postgres_cpu - result.wrk_cpu, result.wall
        ),
        others=", ".join(
            f"{name} {_pct(seconds, result.wall):.0f}%"
            for name, seconds in result.others
            if _pct(seconds, result.wall) >= 5
        ),
        clean=not result.socket_errors and set(result.statuses) <= expected,
    )


def _booking_outcome(session_ids: list[int]) -> dict:
    """Seats as the database has them after a run: the counter, the bookings, the capacity."""
    from django.db.models import Sum

    from bookings.models import SEAT_HOLDING_STATUSES, Booking
    from workshops.models import ClassSession

    sessions = {s.pk: s for s in ClassSession.objects.filter(pk__in=session_ids)}
    active = dict(
        Booking.objects.filter(session_id__in=session_ids, status__in=SEAT_HOLDING_STATUSES)
        .values("session_id")
        .annotate(seats=Sum("seats"))
        .values_list("session_id", "seats")
    )
    oversold = drifted = 0
    for pk, session in sessions.items():
        booked = active.get(pk, 0)
        oversold += max(0, session.seats_taken - session.capacity, booked - session.capacity)
        drifted += session.seats_taken != booked
    return {
        "capacity": sum(s.capacity for s in sessions.values()),
        "seats_taken": sum(s.seats_taken for s in sessions.values()),
        "booked_seats": sum(active.values()),
        "oversold": oversold,
        "counter_drift_sessions": drifted,
    }


def _floor_path(server: Gunicorn) -> tuple[str, str]:
    status = get(server.base_url + PING)
    if status == 200:
        return PING, ""
    say(f"WARNING: GET {PING} answered {status}; the floor falls back to GET {FALLBACK_FLOOR}.")
    say("         Ratios are then to a heavier floor than intended (they look better than they are).")
    return FALLBACK_FLOOR, f"fallback: {PING} answered {status}"


def _floor_slice(server: Gunicorn, floor_path: str, seconds: float, tag: str, label: str) -> Measurement:
    result = _measurement(
        "floor",
        f"GET {floor_path}",
        run_wrk(server, mode="get", path=floor_path, seconds=seconds, tag=tag),
        {200},
    )
    say(f"[floor {label}] {result.rate:.1f} req/s ({result.statuses})")
    return result


def _floor_of(slices: list[Measurement]) -> float:
    return sum(m.rate for m in slices) / len(slices)


def _contention(server: Gunicorn, data, tag: str) -> tuple[Measurement, Measurement]:
    """Rounds of 200 bookings, 20 at a time, each on a 20-seat session of its own."""
    rounds: list[Measurement] = []
    succeeded = rejected = oversold = drift = 0
    for n, session in enumerate(data.contention_sessions):
        raw = run_wrk(
            server,
            mode="book",
            path=BOOKINGS,
            limit=CONTENTION_REQUESTS,
            sessions=[session],
            tag=f"{tag}c{n}",
        )
        outcome = _booking_outcome([session])
        ok, no = raw.count(201), raw.codes.get("session_full", 0)
        succeeded, rejected = succeeded + ok, rejected + no
        oversold, drift = oversold + outcome["oversold"], drift + outcome["counter_drift_sessions"]
        measured = _measurement("contention", f"POST {BOOKINGS}, 1 session", raw, {201, 409})
        measured.clean = measured.clean and ok == data.bench_capacity and outcome["oversold"] == 0
        rounds.append(measured)
        say(
            f"        round {n + 1}: {measured.rate:.1f} req/s; succeeded {ok} / rejected {no}"
            f" / oversold {outcome['oversold']} (counter {outcome['seats_taken']},"
            f" booked {outcome['booked_seats']}, capacity {outcome['capacity']})"
        )
    # The median round stands for the run; every round is printed and must come out right.
    median = sorted(rounds, key=lambda m: m.rate)[len(rounds) // 2]
    contention = Measurement(**{**asdict(median), "requests": sum(m.requests for m in rounds)})
    contention.seconds = round(sum(m.seconds for m in rounds), 3)
    contention.clean = all(m.clean for m in rounds)
    count = len(rounds)
    expected = (data.bench_capacity * count, (CONTENTION_REQUESTS - data.bench_capacity) * count)
    contention.note = (
        f"median of {count} rounds ({', '.join(f'{m.rate:.0f}' for m in rounds)} req/s);"
        f" in all succeeded {succeeded} / rejected {rejected} / oversold {oversold}"
    )
    outcome_ok = (succeeded, rejected) == expected and oversold == 0 and drift == 0 and contention.clean
    check = Measurement(
        name="oversold",
        what="contention outcome in the database",
        requests=contention.requests,
        seconds=0,
        rate=0,
        statuses=", ".join(m.statuses for m in rounds),
        server_cpu_pct=0,
        postgres_cpu_pct=0,
        wrk_cpu_pct=0,
        machine_cpu_pct=0,
        passed=outcome_ok,
        note=f"{succeeded} / {rejected} / {oversold} over {count} rounds (must be"
        f" {expected[0]} / {expected[1]} / 0, each round {data.bench_capacity}"
        f" / {CONTENTION_REQUESTS - data.bench_capacity} / 0)",
    )
    return contention, check


def measure(server: Gunicorn, data, args: argparse.Namespace) -> list[Measurement]:
    """Each run between two slices of the floor: its ratio is to their mean.

    This machine's speed drifts by 10-20 % from one minute to the next (a shared
    virtual machine), so a floor measured once, at the start, says little about
    the moment of a run a minute later.
    """
    tag = uuid.uuid4().hex[:8]
    results: list[Measurement] = []
    slice_seconds = args.seconds / 2

    floor_path, floor_note = _floor_path(server)
    say(
        f"\n[floor] GET {floor_path}: warm-up {WARMUP_SECONDS:g} s,"
        f" then slices of {slice_seconds:g} s around each run"
    )
    run_wrk(server, mode="get", path=floor_path, seconds=WARMUP_SECONDS, tag=tag + "w0")
    slices = [_floor_slice(server, floor_path, slice_seconds, tag + "f0", "before contention")]

    rounds = len(data.contention_sessions)
    say(
        f"\n[contention] {rounds} rounds of {CONTENTION_REQUESTS} bookings of one"
        f" {data.bench_capacity}-seat session"
    )
    run_wrk(
        server,
        mode="book",
        path=BOOKINGS,
        limit=WARMUP_REQUESTS,
        sessions=data.warmup_sessions,
        tag=tag + "w1",
    )
    contention, check = _contention(server, data, tag)
    results += [contention, check]
    say(f"        {contention.rate:.1f} req/s; {contention.note}")
    slices.append(_floor_slice(server, floor_path, slice_seconds, tag + "f1", "after contention"))
    contention_floor = _floor_of(slices[-2:])

    say(f"\n[spread] {SPREAD_REQUESTS} bookings over {len(data.spread_sessions)} sessions")
    run_wrk(
        server,
        mode="book",
        path=BOOKINGS,
        limit=WARMUP_REQUESTS,
        sessions=data.warmup_sessions,
        tag=tag + "w2",
    )
    raw = run_wrk(
        server,
        mode="book",
        path=BOOKINGS,
        limit=SPREAD_REQUESTS,
        sessions=data.spread_sessions,
        tag=tag + "s",
    )
    spread = _measurement("spread", f"POST {BOOKINGS}, {len(data.spread_sessions)} sessions", raw, {201})
    outcome = _booking_outcome(data.spread_sessions)
    spread.note = (
        f"succeeded {raw.count(201)} of {SPREAD_REQUESTS}; oversold {outcome['oversold']},"
        f" counter drift in {outcome['counter_drift_sessions']} sessions"
    )
    spread_ok = raw.count(201) == SPREAD_REQUESTS and outcome["oversold"] == 0
    results.append(spread)
    say(f"        {spread.rate:.1f} req/s; {spread.note}")
    slices.append(_floor_slice(server, floor_path, slice_seconds, tag + "f2", "after spread"))
    spread_floor = _floor_of(slices[-2:])

    say(f"\n[browse] GET {BROWSE}: warm-up {WARMUP_SECONDS:g} s, then {args.seconds:g} s")
    run_wrk(server, mode="get", path=BROWSE, seconds=WARMUP_SECONDS, tag=tag + "w3")
    raw = run_wrk(server, mode="get", path=BROWSE, seconds=args.seconds, tag=tag + "b")
    browse = _measurement("browse", f"GET {BROWSE}", raw, {200})
    browse.note = f"{data.sessions:,} sessions, {data.bookings:,} bookings; {raw.describe_statuses()}"
    results.append(browse)
    say(f"        {browse.rate:.1f} req/s ({browse.statuses})")
    slices.append(_floor_slice(server, floor_path, slice_seconds, tag + "f3", "after browse"))
    browse_floor = _floor_of(slices[-2:])

    # For information (no target): the same list when no answer comes from the cache.
    cold_seconds = max(args.seconds / 2, 1.0)
    say(f"\n[browse-cold] the same GET with nocache=<n> added: {cold_seconds:g} s (no target)")
    raw = run_wrk(server, mode="get", path=BROWSE, seconds=cold_seconds, tag=tag + "bc", bust=True)
    cold = _measurement("browse-cold", f"GET {BROWSE}&nocache=<n>", raw, {200})
    cold.note = "every request misses the list cache (computed from the database)"
    results.append(cold)
    say(f"        {cold.rate:.1f} req/s ({cold.statuses})")

    floor = Measurement(**{**asdict(slices[0]), "requests": sum(m.requests for m in slices)})
    floor.seconds = round(sum(m.seconds for m in slices), 3)
    floor.rate = round(_floor_of(slices), 1)
    for cpu in ("server_cpu_pct", "postgres_cpu_pct", "wrk_cpu_pct", "machine_cpu_pct", "other_cpu_pct"):
        setattr(floor, cpu, round(sum(getattr(m, cpu) for m in slices) / len(slices), 1))
    floor.clean = all(m.clean for m in slices)
    floor.statuses = ", ".join(m.statuses for m in slices)
    floor.note = " ".join(
        [floor_note, f"mean of {len(slices)} slices ({', '.join(f'{m.rate:.0f}' for m in slices)} req/s)"]
    ).strip()
    if not floor.clean:
        floor.note += " UNEXPECTED ANSWERS"
    results.insert(0, floor)

    against = {"contention": contention_floor, "spread": spread_floor, "browse": browse_floor}
    for m in results:
        if m.name == "browse-cold":
            m.ratio = round(m.rate / floor.rate, 3) if floor.rate else 0.0
        if m.name in TARGETS:
            m.ratio = round(m.rate / against[m.name], 3) if against[m.name] else 0.0
            m.target = TARGETS[m.name]
            m.note += f"; against the floor's slices before and after it, {against[m.name]:.1f} req/s"
            # A run that answered with errors does not pass, whatever its speed.
            m.passed = m.ratio >= m.target and m.clean
    spread.passed = spread.passed and spread_ok
    return results


def report(results: list[Measurement]) -> bool:
    say("\n" + "=" * 100)
    say(
        f"{'run':<11} {'requests':>8} {'seconds':>7} {'req/s':>7} {'ratio':>6} {'target':>7} {'result':>6}"
        f"   CPU: {'server':>6} {'pg':>5} {'wrk':>4} {'other':>5}"
    )
    for m in results:
        if m.name == "oversold":
            continue
        ratio = "1.000" if m.name == "floor" else f"{m.ratio:.3f}"
        target = f"≥ {m.target:g}" if m.target is not None else ""
        verdict = "" if m.passed is None else ("PASS" if m.passed else "FAIL")
        say(
            f"{m.name:<11} {m.requests:>8} {m.seconds:>7.2f} {m.rate:>7.1f} {ratio:>6} {target:>7}"
            f" {verdict:>6}        {m.server_cpu_pct:>5.0f}% {m.postgres_cpu_pct:>4.0f}%"
            f" {m.wrk_cpu_pct:>3.0f}% {m.other_cpu_pct:>4.0f}%{' noisy' if m.other_cpu_pct > NOISY else ''}"
        )
    oversold = next(m for m in results if m.name == "oversold")
    say(f"{'oversold':<11} {oversold.note}  {'PASS' if oversold.passed else 'FAIL'}")
    say("-" * 100)
    for m in results:
        if m.note and m.name != "oversold":
            say(f"{m.name}: {m.note}")
    for m in results:
        if m.other_cpu_pct > NOISY:
            named = f" (among them {m.others})" if m.others else ""
            say(f"{m.name}: NOISY, {m.other_cpu_pct:.0f}% of a core went elsewhere{named}")
    say(
        "CPU: % of one core over each run (2 cores = 200%): server = gunicorn master + workers,"
        " pg = PostgreSQL, other = the rest of the machine (Redis, the kernel's loopback networking,"
        f" and anything else running). A run with other > {NOISY}% is not comparable with a quiet one."
    )
    if any(m.other_cpu_pct > NOISY for m in results):
        say("WARNING: other work ran on this machine during the benchmark; run it again when it is idle.")
    return all(m.passed for m in results if m.passed is not None)


def _save(results: list[Measurement], data, floor_path_note: str, busy_before: float) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}.json"
    payload = {
        "date": stamp,
        "cpus": os.cpu_count(),
        "busy_before_pct": busy_before,
        "data": {"sessions": data.sessions, "bookings": data.bookings, "lines": data.lines},
        "floor": floor_path_note,
        "results": [asdict(m) for m in results],
    }
    path.write_text(json.dumps(payload, indent=2))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the floor and browse runs")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per gunicorn worker (default: config/gunicorn.py's; 1 = sync workers)",
    )
    args = parser.parse_args(argv)

    try:
        wrk_path()
    except WrkMissing as exc:
        say(f"bench: {exc}")
        return 2
    redis_client = check_redis(BENCH_REDIS_URL, "BENCH_REDIS_URL")

    def extra_env(workdir: Path) -> dict[str, str]:
        # Production recycles a worker every ~20,000 requests; here that would land
        # inside a run and charge it a worker's start-up (about a second of CPU).
        env = {"GUNICORN_MAX_REQUESTS": "0"}
        if args.threads:
            env["GUNICORN_THREADS"] = str(args.threads)
        return env

    def body(world: World) -> int:
        from django.core.management import call_command
        from django.db import connections

        from bench import data as bench_data

        t = time.monotonic()
        call_command("migrate", verbosity=0)
        say(f"bench: migrated in {time.monotonic() - t:.1f} s")
        t = time.monotonic()
        data = bench_data.load()
        mismatches = bench_data.counter_mismatches()
        say(
            f"bench: loaded {data.sessions:,} sessions, {data.bookings:,} bookings, {data.lines:,} lines"
            f" in {time.monotonic() - t:.1f} s; counters consistent: {'yes' if not mismatches else 'NO'}"
        )
        if mismatches:
            raise RuntimeError(f"{mismatches} sessions have seats_taken out of step with their bookings")
        connections.close_all()

        server = Gunicorn({**os.environ, **world.env}, world.workdir / "gunicorn.log")
        world.started("gunicorn", server)
        server.start()
        threads = os.environ.get("GUNICORN_THREADS", "config/gunicorn.py's default")
        say(f"bench: gunicorn -w 2, threads {threads}, on {server.base_url} (log {server.log_path})")
        results = measure(server, data, args)
        ok = report(results)
        floor_note = results[0].what + (f" ({results[0].note})" if results[0].note else "")
        saved = _save(results, data, floor_note, world.busy_before)
        verdict = "all targets PASS" if ok else "some target FAILED"
        say(f"\nbench: {verdict}; results in {saved.relative_to(ROOT)}")
        return 0 if ok else 1

    return run_in_world(
        database=BENCH_DATABASE,
        redis_client=redis_client,
        redis_url=BENCH_REDIS_URL,
        prefix="canting-bench-",
        extra_env=extra_env,
        body=body,
    )


if __name__ == "__main__":
    sys.exit(main())
