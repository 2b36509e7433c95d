"""Drive wrk with bench/wrk/bench.lua and read back what it counted."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.cpu import Snapshot
from bench.server import Gunicorn

SCRIPT = Path(__file__).resolve().parent / "wrk" / "bench.lua"
CONNECTIONS = 20


class WrkMissing(RuntimeError):
    pass


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkMissing(
            "wrk is not installed; the benchmark needs it as its load generator.\n"
            "  Debian/Ubuntu: apt-get install -y wrk   (see docs/benchmarks.md)"
        )
    return path


@dataclass
class WrkResult:
    responses: int = 0
    elapsed: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    wrk_cpu: float = 0.0
    server_cpu: float = 0.0
    postgres_cpu: float = 0.0
    machine_cpu: float = 0.0  # every process, in core-seconds
    others: list[tuple[str, float]] = field(default_factory=list)  # the busiest other processes
    wall: float = 0.0
    # wrk's own latency histogram (every request of the run), in microseconds.
    latency_p50: float = 0.0
    latency_p95: float = 0.0
    latency_p99: float = 0.0
    output: str = ""  # wrk's whole output, for scripts that print more than these

    @property
    def rate(self) -> float:
        return self.responses / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def socket_errors(self) -> int:
        return sum(self.errors.values())

    def count(self, status: int) -> int:
        return self.statuses.get(status, 0)

    def describe_statuses(self) -> str:
        parts = [f"{status}×{n}" for status, n in sorted(self.statuses.items())]
        parts += [f"{code}×{n}" for code, n in sorted(self.codes.items())]
        if self.socket_errors:
            parts.append("socket errors " + ", ".join(f"{k}={v}" for k, v in self.errors.items() if v))
        return " ".join(parts) or "no responses"


def _parse(output: str, result: WrkResult) -> None:
    for line in output.splitlines():
        if not line.startswith("BENCH "):
            continue
        words = line.split()
        if words[1] == "responses":
            result.responses = int(words[2])
        elif words[1] == "elapsed":
            result.elapsed = float(words[2])
        elif words[1] == "status":
            result.statuses[int(words[2])] = int(words[3])
        elif words[1] == "code":
            result.codes[words[2]] = int(words[3])
        elif words[1] == "errors":
            result.errors = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
        elif words[1] == "latency":
            result.latency_p50, result.latency_p95, result.latency_p99 = (float(w) for w in words[2:5])


def run_wrk(
    server: Gunicorn,
    *,
    mode: str,
    path: str,
    tag: str,
    seconds: float | None = None,
    limit: int = 0,
    sessions: list[int] | None = None,
    connections: int = CONNECTIONS,
    bust: bool = False,
    script: Path = SCRIPT,
    threads: int = 1,
    extra: dict[str, str] | None = None,
) -> WrkResult:
    """One wrk run: `seconds` long, or exactly `limit` requests (given at most 120 s).

    `bust` adds a query parameter of its own to every GET, so no two share a cache entry.
    `script`, `threads` and `extra` (more key=value arguments for the script) serve
    other scenarios (bench/mixed.py); limited runs need one thread.
    """
    if (seconds is None) == (limit == 0):
        raise ValueError("give either seconds or limit")
    duration = f"{seconds:g}s" if seconds else "120s"
    args = [f"mode={mode}", f"path={path}", f"limit={limit}", f"tag={tag}", f"bust={int(bust)}"]
    if sessions:
        args.append("sessions=" + ",".join(str(pk) for pk in sessions))
    args += [f"{key}={value}" for key, value in (extra or {}).items()]
    if limit and threads != 1:
        raise ValueError("a limited run counts exactly only with one thread")
    # One wrk thread: limited runs count exactly within one thread, and one
    # LuaJIT thread drives thousands of requests a second on one core, far
    # more than two gunicorn workers answer.
    command = [
        wrk_path(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}",
        "--timeout",
        "30s",
        "-s",
        str(script),
        server.base_url,
        "--",
        *args,
    ]
    result = WrkResult()
    cpu_before = server.cpu_seconds()
    before = Snapshot.take()
    with tempfile.TemporaryFile() as out:
        started = os.times().elapsed
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            process.send_signal(signal.SIGKILL)
            process.wait()
            raise
        process.returncode = os.waitstatus_to_exitcode(status)
        result.wall = os.times().elapsed - started
        result.wrk_cpu = usage.ru_utime + usage.ru_stime
        result.server_cpu = server.cpu_seconds() - cpu_before
        after = Snapshot.take()
        result.machine_cpu = after.machine_busy - before.machine_busy
        ours = {server.process.pid, *server.worker_pids(), process.pid}
        others = []
        for pid, (name, seconds) in after.seconds_since(before).items():
            if name == "postgres":
                result.postgres_cpu += seconds
            elif pid not in ours and seconds > 0:
                others.append((f"{name}[{pid}]", seconds))
        result.others = sorted(others, key=lambda item: -item[1])[:3]
        out.seek(0)
        output = out.read().decode(errors="replace")
    if process.returncode != 0 or "BENCH responses" not in output:
        raise RuntimeError(f"wrk failed (exit {process.returncode}):\n{output}")
    _parse(output, result)
    result.output = output
    if limit and result.responses != limit:
        raise RuntimeError(f"wrk got {result.responses} of {limit} responses in {duration}:\n{output}")
    return result
