"""`make bench-load`: people browsing, booking, confirming and cancelling at once, with a real worker.

1. A fresh PostgreSQL database `canting_bench_mixed` (BENCH_MIXED_DATABASE), filled as
   `make bench` fills its own (bench/data.py: 20,000 sessions, 200,000 bookings), plus the
   mixed run's sessions of `Kelas Bench`: roomy ones (plenty of seats) and a few small
   ones that fill up.
2. gunicorn as production runs it (config/gunicorn.py, 2 workers, bench/settings.py) and a
   Celery worker (2 processes) on the same Redis database as broker, sending e-mails as
   files into a temporary directory.
3. wrk, one connection per thread: the floor (GET /api/v1/ping/), then a warm-up and the
   measured run of bench/wrk/mixed.lua: 60% browse, 20% hold, 15% confirm, 5% cancel.
4. Afterwards, in the database and the outbox: no session oversold, every touched
   session's counter equal to the seats its bookings hold, the answers wrk counted equal
   to the rows, and exactly one confirmation e-mail per confirmed booking.

Rates and latencies are reported as ratios to the floor measured in the same run.
Exit status: 0 every check passed, 1 a check failed, 2 the benchmark could not run.
Everything it started is stopped, the database dropped and the Redis database flushed
on every way out.
"""

import argparse
import contextlib
import email
import email.policy
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.cpu import process_seconds
from bench.harness import World, check_redis, run_in_world, say
from bench.load import WrkMissing, WrkResult, run_wrk, wrk_path
from bench.run import NOISY, RESULTS, _booking_outcome, _pct
from bench.server import ROOT, Gunicorn, get

MIXED_DATABASE = os.environ.get("BENCH_MIXED_DATABASE", "canting_bench_mixed")
MIXED_REDIS_URL = os.environ.get("BENCH_MIXED_REDIS_URL", "redis://127.0.0.1:6379/12")
SCRIPT = Path(__file__).resolve().parent / "wrk" / "mixed.lua"
PING = "/api/v1/ping/"
ACTIONS = ("browse", "hold", "confirm", "cancel")
MIX = (60, 20, 15, 5)  # % of requests: browse, hold, confirm, cancel
CONNECTIONS = 20
WARMUP_SECONDS = 3.0
DRAIN_SECONDS = 30.0
WORKER_CONCURRENCY = 2
ROOMY_SESSIONS, ROOMY_CAPACITY = 40, 200
FILLING_SESSIONS, FILLING_CAPACITY = 2, 4
BROWSE_SAMPLE = 300
# The confirmation is the one message with the booking's calendar file attached.
CONFIRMATION_ATTACHMENT = ".ics"
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # how Django's file backend ends each message


@dataclass
class Action:
    """One action's answers in a wrk run of mixed.lua."""

    name: str
    answered: int = 0
    ok: int = 0
    refused: int = 0  # 409 session_full on a session meant to fill up: expected
    unexpected: int = 0
    sent: int = 0  # more than answered by the requests on the wire when wrk stopped
    p50_us: float = 0.0
    p95_us: float = 0.0
    p99_us: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        parts = [f"{status}×{n}" for status, n in sorted(self.statuses.items())]
        parts += [f"{code}×{n}" for code, n in sorted(self.codes.items())]
        return " ".join(parts) or "none"


def parse_actions(output: str) -> dict[str, Action]:
    """The per-action `BENCH action…` lines mixed.lua's done() prints."""
    actions = {name: Action(name) for name in ACTIONS}
    for line in output.splitlines():
        words = line.split()
        if len(words) < 3 or words[0] != "BENCH" or not words[1].startswith("action"):
            continue
        action = actions.setdefault(words[2], Action(words[2]))
        if words[1] == "action":
            action.answered, action.ok, action.refused, action.unexpected, action.sent = (
                int(w) for w in words[3:8]
            )
        elif words[1] == "action_latency":
            action.p50_us, action.p95_us, action.p99_us = (float(w) for w in words[3:6])
        elif words[1] == "action_status":
            action.statuses[int(words[3])] = int(words[4])
        elif words[1] == "action_code":
            action.codes[words[3]] = int(words[4])
    return actions


@dataclass
class Row:
    """One line of the report: a run, or one action of the mixed run."""

    name: str
    requests: int
    seconds: float
    rate: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failures: int
    statuses: str
    rate_ratio: float | None = None
    p50_ratio: float | None = None
    p95_ratio: float | None = None
    p99_ratio: float | None = None

    @property
    def failure_rate(self) -> float:
        return self.failures / self.requests if self.requests else 0.0

    def relative_to(self, floor: "Row") -> None:
        def ratio(value: float, base: float) -> float | None:
            return round(value / base, 3) if base else None

        self.rate_ratio = ratio(self.rate, floor.rate)
        self.p50_ratio = ratio(self.p50_ms, floor.p50_ms)
        self.p95_ratio = ratio(self.p95_ms, floor.p95_ms)
        self.p99_ratio = ratio(self.p99_ms, floor.p99_ms)


def run_row(name: str, result: WrkResult, failures: int) -> Row:
    return Row(
        name=name,
        requests=result.responses,
        seconds=round(result.elapsed, 3),
        rate=round(result.rate, 1),
        p50_ms=round(result.latency_p50 / 1000, 2),
        p95_ms=round(result.latency_p95 / 1000, 2),
        p99_ms=round(result.latency_p99 / 1000, 2),
        failures=failures,
        statuses=result.describe_statuses(),
    )


def action_row(action: Action, elapsed: float) -> Row:
    return Row(
        name=f"  {action.name}",
        requests=action.answered,
        seconds=round(elapsed, 3),
        rate=round(action.answered / elapsed, 1) if elapsed else 0.0,
        p50_ms=round(action.p50_us / 1000, 2),
        p95_ms=round(action.p95_us / 1000, 2),
        p99_ms=round(action.p99_us / 1000, 2),
        failures=action.unexpected,
        statuses=action.describe(),
    )


def read_mailbox(directory: Path) -> dict[str, dict[str, int]]:
    """E-mails the file backend wrote, per booking code: {"confirmation": n, "other": n}."""
    found: dict[str, dict[str, int]] = {}
    for path in sorted(directory.glob("*.log")) if directory.is_dir() else []:
        for raw in path.read_bytes().split(MAIL_SEPARATOR):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw, policy=email.policy.default)
            code = message["X-Canting-Booking"]
            if not code:
                continue
            files = [part.get_filename() or "" for part in message.walk()]
            kind = (
                "confirmation" if any(name.endswith(CONFIRMATION_ATTACHMENT) for name in files) else "other"
            )
            counts = found.setdefault(str(code), {"confirmation": 0, "other": 0})
            counts[kind] += 1
    return found


@dataclass
class MailCheck:
    confirmed: int
    confirmations: int
    missing: list[str]
    duplicated: list[str]
    unexpected: list[str]  # a confirmation for a booking never confirmed

    @property
    def passed(self) -> bool:
        return not (self.missing or self.duplicated or self.unexpected)

    def describe(self) -> str:
        text = f"{self.confirmations} confirmation e-mails for {self.confirmed} confirmed bookings"
        for label, codes in (
            ("missing", self.missing),
            ("sent twice or more", self.duplicated),
            ("never confirmed", self.unexpected),
        ):
            if codes:
                text += f"; {len(codes)} {label} (e.g. {', '.join(codes[:3])})"
        return text


def check_mail(mailbox: dict[str, dict[str, int]], confirmed_codes: set[str]) -> MailCheck:
    """One confirmation e-mail for every confirmed booking, none for any other."""
    sent = {code: counts["confirmation"] for code, counts in mailbox.items() if counts["confirmation"]}
    return MailCheck(
        confirmed=len(confirmed_codes),
        confirmations=sum(sent.values()),
        missing=sorted(code for code in confirmed_codes if code not in sent),
        duplicated=sorted(code for code, n in sent.items() if n > 1),
        unexpected=sorted(code for code in sent if code not in confirmed_codes),
    )


def answers_agree(*, ok: int, stored: int, unanswered: int) -> bool:
    """What wrk saw succeed matches the rows: a request unanswered when wrk stopped may have been done too."""
    return 0 <= stored - ok <= unanswered


class CeleryWorker:
    """`celery -A config worker` as production runs it, in a session of its own."""

    def __init__(self, env: dict[str, str], log_path: Path, name: str) -> None:
        self.env = env
        self.log_path = log_path
        self.name = name
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 40.0) -> None:
        celery = Path(sys.executable).parent / "celery"
        command = [
            str(celery),
            *("-A", "config", "worker", "-l", "INFO", "-c", str(WORKER_CONCURRENCY)),
            *("-n", f"{self.name}@%h", "--without-mingle", "--without-gossip"),
        ]
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the Celery worker exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            if " ready." in self.log_path.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise RuntimeError(f"the Celery worker was not ready within {timeout:.0f} s:\n{self.log_tail()}")

    def pids(self) -> list[int]:
        if self.process is None:
            return []
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return [self.process.pid]
        return [self.process.pid, *(int(pid) for pid in children.split())]

    def cpu_seconds(self) -> float:
        return process_seconds(self.pids())

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # warm shutdown: running tasks finish
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: the pool children too
        self.process.wait(timeout=5)


@dataclass
class Sessions:
    roomy: list[int]
    filling: list[int]
    warmup_roomy: list[int]
    warmup_filling: list[int]
    browse: list[int]
    classes: list[str]

    @property
    def touched(self) -> list[int]:
        return self.roomy + self.filling + self.warmup_roomy + self.warmup_filling


def make_sessions() -> Sessions:
    """The mixed run's own sessions of the benchmark class, after bench/data.py's."""
    from workshops.models import BatikClass, ClassSession, SessionStatus

    bench_class = BatikClass.objects.get(slug="kelas-bench")
    start = (datetime.now(UTC) + timedelta(days=60)).replace(hour=1, minute=0, second=0, microsecond=0)
    plan = (
        [ROOMY_CAPACITY] * ROOMY_SESSIONS
        + [FILLING_CAPACITY] * FILLING_SESSIONS
        + [ROOMY_CAPACITY] * (ROOMY_SESSIONS // 4)
        + [FILLING_CAPACITY] * (FILLING_SESSIONS // 2)
    )
    created = ClassSession.objects.bulk_create(
        [
            ClassSession(
                batik_class=bench_class,
                starts_at=start + timedelta(hours=3 * n),
                ends_at=start + timedelta(hours=3 * n, minutes=bench_class.duration_minutes),
                capacity=capacity,
                note="bench mixed",
            )
            for n, capacity in enumerate(plan)
        ]
    )
    ids = [s.pk for s in created]
    a, b, c = (
        ROOMY_SESSIONS,
        ROOMY_SESSIONS + FILLING_SESSIONS,
        ROOMY_SESSIONS + FILLING_SESSIONS + ROOMY_SESSIONS // 4,
    )
    browse = list(
        ClassSession.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gt=datetime.now(UTC))
        .exclude(batik_class=bench_class)
        .order_by("?")
        .values_list("pk", flat=True)[:BROWSE_SAMPLE]
    )
    classes = list(
        BatikClass.objects.filter(is_published=True).exclude(pk=bench_class.pk).values_list("slug", flat=True)
    )
    return Sessions(
        roomy=ids[:a],
        filling=ids[a:b],
        warmup_roomy=ids[b:c],
        warmup_filling=ids[c:],
        browse=browse,
        classes=classes,
    )


def _script_args(tag: str, roomy: list[int], filling: list[int], sessions: Sessions) -> dict[str, str]:
    return {
        "tag": tag,
        "roomy": ",".join(map(str, roomy)),
        "filling": ",".join(map(str, filling)),
        "browse": ",".join(map(str, sessions.browse)),
        "classes": ",".join(sessions.classes),
        "mix": ",".join(map(str, MIX)),
    }


@dataclass
class Cpu:
    server: float
    postgres: float
    worker: float
    wrk: float
    other: float
    others: str


def _cpu(result: WrkResult, worker_seconds: float, worker_pids: list[int]) -> Cpu:
    wall = result.wall
    return Cpu(
        server=_pct(result.server_cpu, wall),
        postgres=_pct(result.postgres_cpu, wall),
        worker=_pct(worker_seconds, wall),
        wrk=_pct(result.wrk_cpu, wall),
        other=_pct(
            result.machine_cpu - result.server_cpu - result.postgres_cpu - result.wrk_cpu - worker_seconds,
            wall,
        ),
        others=", ".join(
            f"{name} {_pct(seconds, wall):.0f}%"
            for name, seconds in result.others
            if _pct(seconds, wall) >= 5 and not any(name.endswith(f"[{pid}]") for pid in worker_pids)
        ),
    )


def _wrk(server: Gunicorn, worker: CeleryWorker, **kwargs) -> tuple[WrkResult, float]:
    before = worker.cpu_seconds()
    result = run_wrk(server, connections=CONNECTIONS, threads=CONNECTIONS, **kwargs)
    return result, worker.cpu_seconds() - before


def settle(session_ids: list[int], *, timeout: float, quiet: float = 1.0) -> tuple[int, float]:
    """Wait until these sessions' bookings stop changing and every message of theirs is sent.

    Requests still running when wrk stopped commit afterwards, and the worker sends
    their messages later still: the checks read the database and the mailbox only
    once nothing has changed for `quiet` seconds and nothing is left unsent.
    Returns how many messages are unsent and how long it waited.
    """
    from django.db.models import Count, Q

    from bookings.models import Booking, BookingStatus, OutboxMessage

    started = time.monotonic()
    last, quiet_since = None, started
    while True:
        state = (
            Booking.objects.filter(session_id__in=session_ids).aggregate(
                n=Count("pk"),
                confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
                cancelled=Count("pk", filter=Q(status=BookingStatus.CANCELLED)),
            ),
            OutboxMessage.objects.filter(booking__session_id__in=session_ids).aggregate(
                n=Count("pk"), unsent=Count("pk", filter=Q(sent_at__isnull=True))
            ),
        )
        now = time.monotonic()
        if state != last:
            last, quiet_since = state, now
        unsent = state[1]["unsent"]
        if (unsent == 0 and now - quiet_since >= quiet) or now - started >= timeout:
            return unsent, now - started
        time.sleep(0.25)


def measure(
    server: Gunicorn, worker: CeleryWorker, sessions: Sessions, mail_dir: Path, seconds: float
) -> dict:
    from bookings.models import Booking, BookingStatus

    tag = uuid.uuid4().hex[:8]
    if get(server.base_url + PING) != 200:
        raise RuntimeError(f"GET {PING} does not answer 200; there is no floor to compare with")

    say(f"\n[floor] GET {PING}: warm-up {WARMUP_SECONDS:g} s, then {seconds:g} s ({CONNECTIONS} connections)")
    _wrk(server, worker, mode="get", path=PING, seconds=WARMUP_SECONDS, tag=tag + "w0")
    floor_raw, floor_worker = _wrk(server, worker, mode="get", path=PING, seconds=seconds, tag=tag + "f")
    floor_failures = floor_raw.socket_errors + sum(n for s, n in floor_raw.statuses.items() if s != 200)
    floor = run_row("floor", floor_raw, floor_failures)
    say(f"        {floor.rate:.1f} req/s, p50 {floor.p50_ms} ms ({floor.statuses})")

    say(f"\n[mixed] warm-up {WARMUP_SECONDS:g} s on sessions of its own, then {seconds:g} s")
    warm_raw, _ = _wrk(
        server,
        worker,
        mode="mixed",
        path="/",
        seconds=WARMUP_SECONDS,
        tag=tag + "w1",
        script=SCRIPT,
        extra=_script_args(tag + "w1", sessions.warmup_roomy, sessions.warmup_filling, sessions),
    )
    mixed_raw, mixed_worker = _wrk(
        server,
        worker,
        mode="mixed",
        path="/",
        seconds=seconds,
        tag=tag + "m",
        script=SCRIPT,
        extra=_script_args(tag + "m", sessions.roomy, sessions.filling, sessions),
    )
    warm_actions = parse_actions(warm_raw.output)
    actions = parse_actions(mixed_raw.output)
    unexpected = sum(a.unexpected for a in actions.values())
    mixed = run_row("mixed", mixed_raw, unexpected + mixed_raw.socket_errors)
    rows = [floor, mixed] + [action_row(actions[name], mixed_raw.elapsed) for name in ACTIONS]
    for row in rows[1:]:
        row.relative_to(floor)
    say(f"        {mixed.rate:.1f} req/s, p50 {mixed.p50_ms} ms ({mixed.statuses})")

    # gunicorn finishes the requests wrk left on the wire (a graceful stop), then the worker
    # sends what they and the run queued.
    server.stop()
    say(f"\n[after] gunicorn stopped; the worker sends every message (waiting up to {DRAIN_SECONDS:g} s)")
    left, waited = settle(sessions.touched, timeout=DRAIN_SECONDS)
    say(f"        outbox {'drained' if not left else f'NOT drained: {left} unsent'} after {waited:.1f} s")
    outcome = _booking_outcome(sessions.touched)
    ours = Booking.objects.filter(session_id__in=sessions.touched)
    confirmed_codes = set(ours.filter(confirmed_at__isnull=False).values_list("code", flat=True))
    bookings = ours.count()
    cancelled = ours.filter(status=BookingStatus.CANCELLED).count()
    mail = check_mail(read_mailbox(mail_dir), confirmed_codes)
    both = (warm_actions, actions)
    stored = {"hold": bookings, "confirm": len(confirmed_codes), "cancel": cancelled}
    checks = {
        "oversold": (
            outcome["oversold"] == 0,
            f"{outcome['oversold']} seats oversold over {len(sessions.touched)} sessions"
            f" (counter {outcome['seats_taken']}, booked {outcome['booked_seats']},"
            f" capacity {outcome['capacity']})",
        ),
        "counters": (
            outcome["counter_drift_sessions"] == 0,
            f"seats_taken differs from the held/confirmed/attended seats in"
            f" {outcome['counter_drift_sessions']} sessions",
        ),
        "answers": (
            all(
                answers_agree(
                    ok=sum(run[name].ok for run in both),
                    stored=stored[name],
                    unanswered=sum(run[name].sent - run[name].answered for run in both),
                )
                for name in stored
            ),
            "answered with success / in the database / unanswered when wrk stopped: "
            + ", ".join(
                f"{name} {sum(run[name].ok for run in both)} / {stored[name]}"
                f" / {sum(run[name].sent - run[name].answered for run in both)}"
                for name in stored
            ),
        ),
        "failures": (
            unexpected + mixed_raw.socket_errors == 0 and floor_failures == 0,
            f"{unexpected} unexpected answers, {mixed_raw.socket_errors} socket errors in the mixed run;"
            f" {floor_failures} in the floor run",
        ),
        "filling": (
            actions["hold"].refused > 0,
            f"{actions['hold'].refused} holds refused (session_full) on the {len(sessions.filling)} sessions"
            " that fill up",
        ),
        "outbox": (left == 0, f"{left} messages unsent after {waited:.1f} s"),
        "e-mails": (mail.passed and left == 0, mail.describe()),
    }
    return {
        "rows": rows,
        "actions": actions,
        "checks": checks,
        "cpu": {
            "floor": _cpu(floor_raw, floor_worker, worker.pids()),
            "mixed": _cpu(mixed_raw, mixed_worker, worker.pids()),
        },
        "drain_seconds": round(waited, 1),
    }


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def report(measured: dict) -> bool:
    rows: list[Row] = measured["rows"]
    say("\n" + "=" * 112)
    say(
        f"{'run':<11} {'requests':>8} {'req/s':>8} {'×floor':>6}"
        f" {'p50 ms':>7} {'×floor':>6} {'p95 ms':>7} {'×floor':>6} {'p99 ms':>7} {'×floor':>6}"
        f" {'failed':>7}  answers"
    )
    for row in rows:
        floor = row.name == "floor"
        rate_ratio = "1.000" if floor else f"{row.rate_ratio or 0:.3f}"
        p50, p95, p99 = (
            ("1.00",) * 3 if floor else (_ratio(row.p50_ratio), _ratio(row.p95_ratio), _ratio(row.p99_ratio))
        )
        say(
            f"{row.name:<11} {row.requests:>8} {row.rate:>8.1f} {rate_ratio:>6}"
            f" {row.p50_ms:>7.2f} {p50:>6} {row.p95_ms:>7.2f} {p95:>6} {row.p99_ms:>7.2f} {p99:>6}"
            f" {100 * row.failure_rate:>6.2f}%  {row.statuses}"
        )
    say("-" * 112)
    for name, cpu in measured["cpu"].items():
        noisy = " NOISY" if cpu.other > NOISY else ""
        named = f" (among them {cpu.others})" if cpu.others else ""
        say(
            f"CPU {name}: server {cpu.server:.0f}%, pg {cpu.postgres:.0f}%, worker {cpu.worker:.0f}%,"
            f" wrk {cpu.wrk:.0f}%, other {cpu.other:.0f}%{noisy}{named}"
        )
    say(
        "Latency percentiles: floor and mixed from wrk's histogram; per action from mixed.lua's clock"
        " around each request. failed = unexpected answers + socket errors (a 409 session_full on a"
        " session meant to fill up is expected)."
    )
    say("-" * 112)
    ok = True
    for name, (passed, note) in measured["checks"].items():
        ok = ok and passed
        say(f"{name:<10} {'PASS' if passed else 'FAIL'}  {note}")
    if any(cpu.other > NOISY for cpu in measured["cpu"].values()):
        say("WARNING: other work ran on this machine during the benchmark; run it again when it is idle.")
    return ok


def _save(measured: dict, seconds: float, busy_before: float) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"mixed-{stamp}.json"
    payload = {
        "date": stamp,
        "cpus": os.cpu_count(),
        "busy_before_pct": busy_before,
        "seconds": seconds,
        "mix": dict(zip(ACTIONS, MIX, strict=True)),
        "rows": [asdict(row) for row in measured["rows"]],
        "actions": {name: asdict(action) for name, action in measured["actions"].items()},
        "cpu": {name: asdict(cpu) for name, cpu in measured["cpu"].items()},
        "checks": {
            name: {"passed": passed, "note": note} for name, (passed, note) in measured["checks"].items()
        },
        "drain_seconds": measured["drain_seconds"],
    }
    path.write_text(json.dumps(payload, indent=2))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mixed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the floor and mixed runs")
    args = parser.parse_args(argv)

    try:
        wrk_path()
    except WrkMissing as exc:
        say(f"bench: {exc}")
        return 2
    try:
        redis_client = check_redis(MIXED_REDIS_URL, "BENCH_MIXED_REDIS_URL")
    except SystemExit as exc:
        say(str(exc))
        return 2

    def extra_env(workdir: Path) -> dict[str, str]:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(workdir / "mail"),
        }

    def body(world: World) -> int:
        from django.core.management import call_command
        from django.db import connections

        from bench import data as bench_data

        t = time.monotonic()
        call_command("migrate", verbosity=0)
        data = bench_data.load()
        sessions = make_sessions()
        say(
            f"bench: migrated and loaded {data.sessions:,} sessions, {data.bookings:,} bookings"
            f" in {time.monotonic() - t:.1f} s; mixed run: {len(sessions.roomy)} roomy sessions"
            f" of {ROOMY_CAPACITY} seats, {len(sessions.filling)} of {FILLING_CAPACITY} that fill up"
        )
        connections.close_all()

        mail_dir = world.workdir / "mail"
        env = {**os.environ, **world.env}
        worker = CeleryWorker(env, world.workdir / "worker.log", f"bench-mixed-{uuid.uuid4().hex[:6]}")
        world.started("worker", worker)
        worker.start()
        say(f"bench: Celery worker ({WORKER_CONCURRENCY} processes), e-mails into {mail_dir}")
        server = Gunicorn(env, world.workdir / "gunicorn.log")
        world.started("gunicorn", server)
        server.start()
        say(f"bench: gunicorn -c config/gunicorn.py -w 2 on {server.base_url}")
        measured = measure(server, worker, sessions, mail_dir, args.seconds)
        ok = report(measured)
        saved = _save(measured, args.seconds, world.busy_before)
        verdict = "every check PASS" if ok else "some check FAILED"
        say(f"\nbench: {verdict}; results in {saved.relative_to(ROOT)}")
        return 0 if ok else 1

    return run_in_world(
        database=MIXED_DATABASE,
        redis_client=redis_client,
        redis_url=MIXED_REDIS_URL,
        prefix="canting-bench-mixed-",
        extra_env=extra_env,
        body=body,
    )


if __name__ == "__main__":
    sys.exit(main())
