"""Real processes for end-to-end and fault tests: a private redis-server, gunicorn, Celery worker and beat.

Each run gets a throwaway database (a new one on the suite's PostgreSQL server, or
SQLite when the suite runs without one), private free ports, and a var/ directory
where e-mails are written as files that the test counts. Every process runs in a
process group of its own so that a test can stop, kill, pause or resume it, and
everything is stopped when the test ends.
"""

import atexit
import email
import email.parser
import email.policy
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing, suppress
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg
import redis
from django.conf import settings
from psycopg import sql

from tests.conftest import _unavailable

BASE_DIR = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent
# What Django's file e-mail backend writes after each message.
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
TASK_SUCCEEDED = r"Task {task}\[[^]]+\] succeeded"
# One migrated database per PostgreSQL server and test run; each test starts from a copy.
_migrated_template: dict[str, str] = {}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class Database:
    """A throwaway database: a new one on the suite's PostgreSQL server if it uses one, else SQLite."""

    def __init__(self, var_dir: Path) -> None:
        url = os.environ.get("DATABASE_URL", "")
        self.postgres = url.startswith(("postgres://", "postgresql://"))
        self.sqlite_path = var_dir / "canting.sqlite3"
        self.url = ""
        if self.postgres:
            self.server = dj_database_url.parse(url)
            self.name = f"canting_e2e_{secrets.token_hex(4)}"
            self.url = urlsplit(url)._replace(path=f"/{self.name}").geturl()
            with self.connect("postgres") as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def connect(self, dbname: str | None = None) -> psycopg.Connection:
        return psycopg.connect(
            host=self.server["HOST"] or None,
            port=self.server["PORT"] or None,
            user=self.server["USER"] or None,
            password=self.server["PASSWORD"] or None,
            dbname=dbname or self.name,
            autocommit=True,
            connect_timeout=5,
        )

    def rows(self, query: str, *params) -> list[tuple]:
        if self.postgres:
            with self.connect() as conn:
                return conn.execute(query.replace("?", "%s"), params).fetchall()
        with closing(sqlite3.connect(self.sqlite_path, timeout=5)) as conn:
            return conn.execute(query, params).fetchall()

    def value(self, query: str, *params):
        [(value,)] = self.rows(query, *params)
        return value

    def clone(self, template: str) -> None:
        """Start over as a copy of `template` (before any process connects)."""
        with self.connect("postgres") as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.name)))
            create = sql.SQL("CREATE DATABASE {} TEMPLATE {}")
            conn.execute(create.format(sql.Identifier(self.name), sql.Identifier(template)))

    def drop(self) -> None:
        if self.postgres:
            with self.connect("postgres") as conn:
                drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                conn.execute(drop.format(sql.Identifier(self.name)))


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str
    seconds: float

    def json(self) -> dict:
        return json.loads(self.body or b"{}")


class Stack:
    """One run's processes, each in its own process group; all stopped at the end."""

    def __init__(self, root: Path, redis_server: str) -> None:
        self.root = root
        self.var_dir = root / "var"
        self.var_dir.mkdir()
        self.logs = root / "logs"
        self.logs.mkdir()
        self.mail_dir = self.var_dir / "mail"
        self.redis_port = free_port()
        self.web_port = free_port()
        self.web_url = f"http://127.0.0.1:{self.web_port}"
        self.redis_server = redis_server
        self.processes: dict[str, subprocess.Popen] = {}
        self.started: list[str] = []
        self.database = Database(self.var_dir)
        env = {**os.environ, "DATABASE_URL": self.database.url}
        if not self.database.postgres:
            del env["DATABASE_URL"]  # SQLite under CANTING_VAR_DIR
        # Tests add their own variables (shorter sweeps, a slow e-mail backend) before starting.
        self.env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
            "CANTING_VAR_DIR": str(self.var_dir),
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",
        }

    # --- Processes -------------------------------------------------------------

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        with (self.logs / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                args,
                cwd=BASE_DIR,
                env={**self.env, **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a group of its own: gunicorn's and celery's children go with it
            )
        self.processes[name] = process
        if name not in self.started:
            self.started.append(name)
        return process

    def stop(self, name: str) -> None:
        """Stop gracefully (SIGTERM), then for good (SIGKILL)."""
        process = self.processes.pop(name)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGCONT)  # a paused process cannot act on SIGTERM
        # SIGTERM to the main process only: a Celery worker then finishes its running tasks
        # (its pool processes would die mid-task on a SIGTERM of their own); gunicorn stops its workers.
        for kill, sig, grace in ((os.kill, signal.SIGTERM, 15), (os.killpg, signal.SIGKILL, 5)):
            if process.poll() is not None:
                break
            with suppress(ProcessLookupError):
                kill(process.pid, sig)
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # anything the main process left behind

    def kill(self, name: str) -> None:
        """SIGKILL the whole process group at once: no cleanup, no acknowledgements, no goodbyes."""
        process = self.processes.pop(name)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def pause(self, name: str) -> None:
        """SIGSTOP: the process keeps its sockets open (connections are accepted) but never answers."""
        os.killpg(self.processes[name].pid, signal.SIGSTOP)

    def resume(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGCONT)

    def close(self) -> None:
        for name in list(self.processes):
            self.stop(name)
        self.database.drop()

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def succeeded(self, name: str, task: str) -> int:
        """How many runs of `task` the worker `name` logged as finished."""
        return len(re.findall(TASK_SUCCEEDED.format(task=re.escape(task)), self.log(name)))

    def start_redis(self) -> None:
        self.start(
            "redis",
            [
                self.redis_server,
                *("--port", str(self.redis_port), "--bind", "127.0.0.1", "--dir", str(self.root)),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
        )
        wait_for(self.redis_answers, timeout=10, what="redis-server")

    def redis_answers(self) -> bool:
        client = redis.Redis(port=self.redis_port, socket_timeout=1, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start_web(self, *, workers: int = 1, threads: int = 1, env: dict[str, str] | None = None) -> None:
        self.start(
            "web",
            [
                str(VENV_BIN / "gunicorn"),
                *("config.wsgi:application", "--no-control-socket"),
                *("-w", str(workers), "--threads", str(threads)),
                *("-b", f"127.0.0.1:{self.web_port}", "--timeout", "30"),
            ],
            env=env,
        )

        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"{self.web_url}/healthz", timeout=2):
                    return True
            except urllib.error.HTTPError:
                return True  # a 503 is an answer too: the process serves
            except OSError:
                return False

        wait_for(answers, timeout=30, what="gunicorn")

    def start_worker(
        self,
        name: str = "worker",
        *,
        pool: str = "solo",
        concurrency: int = 1,
        env: dict[str, str] | None = None,
    ) -> None:
        # A restarted worker appends to the same log: wait for one more "ready".
        ready_before = self.log(name).count(" ready.")
        self.start(
            name,
            [
                str(VENV_BIN / "celery"),
                *("-A", "config", "worker", "-P", pool, "-c", str(concurrency), "-l", "INFO"),
                *("-n", f"{name}-{self.redis_port}@%h", "--without-mingle", "--without-gossip"),
            ],
            env=env,
        )
        wait_for(
            lambda: self.log(name).count(" ready.") > ready_before,
            timeout=30,
            what=f"the Celery worker {name}",
        )

    def start_beat(self, name: str = "beat", env: dict[str, str] | None = None) -> None:
        self.start(
            name,
            [
                str(VENV_BIN / "celery"),
                *(
                    "-A",
                    "config",
                    "beat",
                    "-l",
                    "INFO",
                    "--schedule",
                    str(self.var_dir / "celerybeat-schedule"),
                ),
            ],
            env=env,
        )

    # --- Django in a fresh process against this stack ---------------------------

    def migrate(self) -> None:
        """Create the tables: on PostgreSQL a copy of one migrated template per test run, much faster."""
        if not self.database.postgres:
            self.manage("migrate", "--noinput")
            return
        server = os.environ["DATABASE_URL"]
        if server not in _migrated_template:
            template = Database(self.var_dir)
            atexit.register(template.drop)
            self.manage_with({"DATABASE_URL": template.url}, "migrate", "--noinput")
            _migrated_template[server] = template.name
        self.database.clone(_migrated_template[server])

    def manage_with(self, env: dict[str, str], *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout.strip()

    def manage(self, *args: str) -> str:
        return self.manage_with({}, *args)

    def shell(self, code: str) -> str:
        """Run Python in a fresh Django process against this stack; its last printed line."""
        return self.manage("shell", "-v", "0", "-c", code).splitlines()[-1]

    # --- HTTP ------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        *,
        headers: dict | None = None,
        timeout: float = 10,
    ) -> Response:
        request = urllib.request.Request(
            f"{self.web_url}{path}",
            data=json.dumps(body or {}).encode() if method != "GET" else None,
            headers={"Content-Type": "application/json", **(headers or {})},
            method=method,
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, payload, content_type = (
                    response.status,
                    response.read(),
                    response.headers["Content-Type"],
                )
        except urllib.error.HTTPError as error:
            status, payload, content_type = error.code, error.read(), error.headers["Content-Type"]
        return Response(status, payload, content_type or "", time.monotonic() - started)

    def post(self, path: str, body: dict | None = None) -> tuple[int, dict, float]:
        response = self.request("POST", path, body)
        return response.status, response.json(), response.seconds

    # --- E-mail written by the worker -----------------------------------------

    def mails(self) -> list[EmailMessage]:
        paths = sorted(self.mail_dir.glob("*.log")) if self.mail_dir.is_dir() else []
        # Headers are all the tests read; parsing the bodies of hundreds of messages takes seconds.
        parser = email.parser.BytesHeaderParser(policy=email.policy.default)
        return [
            parser.parsebytes(chunk)
            for path in paths
            for chunk in path.read_bytes().split(MAIL_SEPARATOR)
            if chunk.strip()
        ]

    def mails_for(self, code: str) -> list[EmailMessage]:
        return [message for message in self.mails() if message["X-Canting-Booking"] == code]

    def mails_to(self) -> Counter:
        """How many e-mails each address received."""
        return Counter(str(message["To"]) for message in self.mails())


def running_stack(tmp_path: Path) -> Iterator[Stack]:
    """The body of a `stack` fixture: a Stack under tmp_path, stopped and cleaned up afterwards."""
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        _unavailable("needs redis-server on PATH: the end-to-end tests run a private one")
    processes = Stack(tmp_path, redis_server)
    try:
        yield processes
    finally:
        processes.close()
        if keep := os.environ.get("CANTING_KEEP_LOGS"):  # a folder to keep every process's log in
            shutil.copytree(processes.logs, Path(keep) / tmp_path.name, dirs_exist_ok=True)
        for name in processes.started:  # shown by pytest only when the test failed
            print(f"----- {name} log (tail) -----\n{processes.log(name)[-4000:]}")
