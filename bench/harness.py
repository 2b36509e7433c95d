"""What every benchmark run shares: a throw-away world, set up, and taken down on every way out.

`run_in_world` makes a fresh PostgreSQL database, points Django at it and at a
spare Redis database, sets Django up, and hands the world to the benchmark's
body. Whatever happens (the body returns, fails, Ctrl-C, SIGTERM) the processes
the body started are stopped, the database dropped, the Redis database flushed
and the work directory removed; a failure prints the processes' last log lines.
"""

import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import redis

from bench.cpu import machine_seconds
from bench.database import Server

# More CPU than this (% of one core) before a run starts: warn that figures will be low.
BUSY = 25


def say(message: str = "") -> None:
    print(message, flush=True)


class Process(Protocol):
    def stop(self) -> None: ...

    def log_tail(self) -> str: ...


@dataclass
class World:
    env: dict[str, str]
    workdir: Path
    busy_before: float
    processes: list[tuple[str, Process]] = field(default_factory=list)

    def started(self, name: str, process: Process) -> None:
        """Stop `process` with the world (and show its log if the run fails)."""
        self.processes.append((name, process))


def check_redis(url: str, variable: str) -> redis.Redis:
    """The benchmark's Redis database, reachable and empty (it is flushed at the end)."""
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        keys = client.dbsize()
    except redis.RedisError as exc:
        message = f"bench: Redis at {url} is not reachable ({exc}); start it or set {variable}."
        raise SystemExit(message) from None
    if keys:
        raise SystemExit(
            f"bench: Redis database {url} holds {keys} keys, and the benchmark flushes it when done.\n"
            f"  Point {variable} at an empty database, or empty this one if it is a leftover."
        )
    return client


def machine_busy(seconds: float = 1.0) -> float:
    """How busy the machine is before we start, in % of one core."""
    before = machine_seconds()
    time.sleep(seconds)
    return 100 * (machine_seconds() - before) / seconds


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run_in_world(
    *,
    database: str,
    redis_client: redis.Redis,
    redis_url: str,
    prefix: str,
    extra_env: Callable[[Path], dict[str, str]],
    body: Callable[[World], int],
) -> int:
    """Run `body` in a fresh world; its exit status, or 2 if it could not run."""
    signal.signal(signal.SIGTERM, _interrupt)
    busy = machine_busy()
    if busy > BUSY:
        say(f"WARNING: the machine is already {busy:.0f}% busy (of one core) before the benchmark starts;")
        say("         other processes will take CPU from the server and lower every figure.")
    pg = Server.from_env()
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    world: World | None = None
    started = time.monotonic()
    try:
        say(f"bench: database {database} on {pg.where} (dropped and created)")
        env = {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": pg.recreate(database),
            "DATABASE_CONN_MAX_AGE": "600",
            "REDIS_URL": redis_url,
            "DJANGO_SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "CANTING_VAR_DIR": str(workdir / "var"),
            **extra_env(workdir),
        }
        os.environ.update(env)
        import django

        django.setup()
        world = World(env=env, workdir=workdir, busy_before=round(busy, 1))
        return body(world)
    except KeyboardInterrupt:
        say("\nbench: interrupted")
        return 2
    except Exception as exc:  # noqa: BLE001 - any failure: say why, then clean up
        say(f"\nbench: failed: {exc}")
        for name, process in world.processes if world else []:
            say(f"--- {name} log (last lines) ---\n{process.log_tail()}")
        return 2
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # let the clean-up finish
        for _name, process in reversed(world.processes if world else []):
            process.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        try:
            pg.drop(database)
        except Exception as exc:  # noqa: BLE001 - report it and go on cleaning
            say(f"bench: could not drop {database}: {exc}")
        try:
            redis_client.flushdb()
        except redis.RedisError as exc:
            say(f"bench: could not flush {redis_url}: {exc}")
        shutil.rmtree(workdir, ignore_errors=True)
        say(f"bench: cleaned up ({time.monotonic() - started:.0f} s in all)")
