"""The outbox: a confirmation e-mail is sent exactly once, whatever the broker and the workers do.

The first half runs in-process on any database. The last test runs the real
thing: gunicorn, a Celery worker and a private redis-server, with Redis
stopped while a tourist books.
"""

import email
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
from collections.abc import Callable, Iterator
from contextlib import closing, suppress
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg
import pytest
import redis
import time_machine
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone
from psycopg import sql

from bookings.models import (
    Booking,
    BookingStatus,
    CapacityRepair,
    IdempotencyRecord,
    IdempotencyState,
    MessageKind,
    OutboxMessage,
)
from bookings.services.holds import Contact, LineRequest, booking_confirm, booking_hold
from bookings.services.outbox import CLAIM_TIMEOUT, outbox_claim, outbox_deliver, outbox_sweep
from bookings.tasks import audit_capacity, deliver_message, purge_idempotency_keys, sweep_outbox
from config.celery import app as celery_app
from tests.bookings.conftest import GUEST
from tests.conftest import _unavailable
from workshops.models import ClassSession

BASE_DIR = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent


def held(session, email_address: str = "rina@example.id") -> Booking:
    return booking_hold(
        session_id=session.pk,
        lines=[LineRequest(tier_id=None, quantity=2)],
        contact=Contact(name="Rina Wulandari", email=email_address),
        user=None,
        language="en",
    )


def confirmed(session, email_address: str = "rina@example.id") -> OutboxMessage:
    """A confirmed booking's (still unsent) confirmation message."""
    booking = booking_confirm(booking=held(session, email_address))
    return OutboxMessage.objects.get(booking=booking, kind=MessageKind.BOOKING_CONFIRMED)


def sent_to() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Publishing runs the real task in-process, so what a sweep publishes is what gets sent."""
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    try:
        yield
    finally:
        celery_app.conf.update(saved)


class BrokenSmtp:
    """An SMTP server that refuses every message (what is outside the machine is faked)."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise ConnectionRefusedError("smtp.example.id refused the connection")


# --- In-process: any database ------------------------------------------------


@pytest.mark.django_db
def test_confirming_writes_one_confirmation_message_in_the_same_transaction(session):
    booking = held(session)

    with pytest.raises(RuntimeError), transaction.atomic():
        booking_confirm(booking=booking)
        assert list(OutboxMessage.objects.filter(booking=booking).values_list("kind", flat=True)) == [
            MessageKind.BOOKING_CONFIRMED
        ]
        raise RuntimeError("the surrounding transaction fails after the confirmation")

    # Rolled back together: no e-mail can go out for a confirmation that never happened.
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.HELD
    assert not OutboxMessage.objects.exists()

    booking_confirm(booking=booking)

    message = OutboxMessage.objects.get(booking=booking)
    assert message.kind == MessageKind.BOOKING_CONFIRMED
    assert message.sent_at is None


@pytest.mark.django_db
def test_the_confirmation_is_sent_only_after_commit_and_only_once(
    session, eager_celery, django_capture_on_commit_callbacks
):
    booking = held(session)

    with django_capture_on_commit_callbacks(execute=True):
        booking_confirm(booking=booking)
        assert mail.outbox == []  # nothing leaves before the booking is committed

    assert sent_to() == ["rina@example.id"]
    assert booking.code in mail.outbox[0].subject
    assert OutboxMessage.objects.get(booking=booking).sent_at is not None


@pytest.mark.django_db
def test_delivering_twice_sends_one_email(session):
    message = confirmed(session)

    assert outbox_deliver(message_id=message.pk) is True
    assert outbox_deliver(message_id=message.pk) is False

    assert sent_to() == ["rina@example.id"]
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.attempts == 1


@pytest.mark.django_db
def test_a_claim_of_a_dead_worker_is_taken_over_after_the_claim_timeout(session):
    message = confirmed(session)
    start = timezone.now()
    # A worker claimed the message, then died before sending it.
    assert outbox_claim(message_id=message.pk, now=start)

    with time_machine.travel(start + CLAIM_TIMEOUT - timedelta(seconds=1), tick=False):
        assert outbox_deliver(message_id=message.pk) is False
    assert mail.outbox == []

    with time_machine.travel(start + CLAIM_TIMEOUT + timedelta(seconds=1), tick=False):
        assert outbox_deliver(message_id=message.pk) is True
        assert outbox_deliver(message_id=message.pk) is False

    assert sent_to() == ["rina@example.id"]
    message.refresh_from_db()
    assert message.attempts == 2


@pytest.mark.django_db
def test_a_failed_send_releases_the_claim_so_the_sweep_sends_it_later(session, settings, eager_celery):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenSmtp"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        message = confirmed(session)
        with pytest.raises(ConnectionRefusedError):
            outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.sent_at is None
    assert message.claimed_at is None
    assert "refused" in message.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_sweep(now=start + timedelta(seconds=61)) == 1

    assert sent_to() == ["rina@example.id"]
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.last_error == ""


@pytest.mark.django_db
def test_the_sweep_republishes_only_unsent_messages_older_than_60_seconds(session, eager_celery):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sent = confirmed(session, "sent@example.id")
        assert outbox_deliver(message_id=sent.pk)
        confirmed(session, "stuck@example.id")
        in_flight = confirmed(session, "in-flight@example.id")
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        fresh = confirmed(session, "fresh@example.id")
    sweep_at = start + timedelta(seconds=61)
    # Another worker is sending this one right now.
    assert outbox_claim(message_id=in_flight.pk, now=sweep_at - timedelta(seconds=10))
    mail.outbox.clear()

    with time_machine.travel(sweep_at, tick=False):
        assert outbox_sweep(now=sweep_at) == 1
        assert outbox_sweep(now=sweep_at) == 0

    assert sent_to() == ["stuck@example.id"]
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk")
    assert list(unsent) == [in_flight, fresh]


# --- Each task called twice: one effect --------------------------------------


@pytest.mark.django_db
def test_deliver_message_task_twice_sends_once(session):
    message = confirmed(session)

    deliver_message(message.pk)
    deliver_message(message.pk)

    assert sent_to() == ["rina@example.id"]


@pytest.mark.django_db
def test_sweep_outbox_task_twice_sends_once(session, eager_celery):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        confirmed(session)

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert sweep_outbox() == 1
        assert sweep_outbox() == 0

    assert sent_to() == ["rina@example.id"]


@pytest.mark.django_db
def test_audit_capacity_task_twice_repairs_once(session):
    confirmed(session)
    ClassSession.objects.filter(pk=session.pk).update(seats_taken=7)  # drifted: bookings hold 2

    assert audit_capacity() == 1
    assert audit_capacity() == 0

    session.refresh_from_db()
    assert session.seats_taken == 2
    assert CapacityRepair.objects.filter(session=session, counter_before=7, counted=2).count() == 1


@pytest.mark.django_db
def test_purge_idempotency_keys_task_twice_forgets_only_old_keys():
    now = timezone.now()
    for key, age in [("old", timedelta(hours=25)), ("recent", timedelta(hours=1))]:
        IdempotencyRecord.objects.create(
            scope="email:rina@example.id",
            key=key,
            fingerprint="f" * 64,
            state=IdempotencyState.DONE,
            created_at=now - age,
        )

    assert purge_idempotency_keys() == 1
    assert purge_idempotency_keys() == 0

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


# --- End to end: gunicorn, a Celery worker, a private Redis that goes away ----

CATALOGUE = """
from tests.factories import ClassSessionFactory, PriceTierFactory
session = ClassSessionFactory()
PriceTierFactory(batik_class=session.batik_class)
print(session.pk)
"""
SWEEP = """
from datetime import timedelta
from django.utils import timezone
from bookings.services.outbox import outbox_sweep
print(outbox_sweep(now=timezone.now() + timedelta(seconds=61)))
"""
REPUBLISH = """
from bookings.services.outbox import outbox_publish
print(outbox_publish(message_ids=[{message_id}]))
"""
MESSAGE_STATE = """
SELECT m.id, m.sent_at, m.attempts FROM bookings_outboxmessage m
JOIN bookings_booking b ON b.id = m.booking_id WHERE b.code = ?
"""
DELIVERED = re.compile(r"Task bookings\.tasks\.deliver_message\[[^]]+\] succeeded")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


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
            with self._connect("postgres") as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def _connect(self, dbname: str) -> psycopg.Connection:
        return psycopg.connect(
            host=self.server["HOST"] or None,
            port=self.server["PORT"] or None,
            user=self.server["USER"] or None,
            password=self.server["PASSWORD"] or None,
            dbname=dbname,
            autocommit=True,
            connect_timeout=5,
        )

    def rows(self, query: str, *params) -> list[tuple]:
        if self.postgres:
            with self._connect(self.name) as conn:
                return conn.execute(query.replace("?", "%s"), params).fetchall()
        with closing(sqlite3.connect(self.sqlite_path, timeout=5)) as conn:
            return conn.execute(query, params).fetchall()

    def drop(self) -> None:
        if self.postgres:
            with self._connect("postgres") as conn:
                drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                conn.execute(drop.format(sql.Identifier(self.name)))


class Stack:
    """One end-to-end run's processes, each in its own process group; all stopped at the end."""

    def __init__(self, root: Path, redis_server: str) -> None:
        self.root = root
        self.var_dir = root / "var"
        self.var_dir.mkdir()
        self.logs = root / "logs"
        self.logs.mkdir()
        self.mail_dir = self.var_dir / "mail"
        self.redis_port = free_port()
        self.web_url = f"http://127.0.0.1:{free_port()}"
        self.redis_server = redis_server
        self.processes: dict[str, subprocess.Popen] = {}
        self.database = Database(self.var_dir)
        env = {**os.environ, "DATABASE_URL": self.database.url}
        if not self.database.postgres:
            del env["DATABASE_URL"]  # SQLite under CANTING_VAR_DIR
        self.env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings.e2e",
            "CANTING_VAR_DIR": str(self.var_dir),
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",
        }

    def start(self, name: str, args: list[str]) -> None:
        with (self.logs / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(
                args,
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a group of its own: gunicorn's worker goes down with it
            )

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            if process.poll() is not None:
                return
            with suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace)

    def close(self) -> None:
        for name in list(self.processes):
            self.stop(name)
        self.database.drop()

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start_redis(self) -> None:
        self.start(
            "redis",
            [
                self.redis_server,
                *("--port", str(self.redis_port), "--bind", "127.0.0.1", "--dir", str(self.root)),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
        )
        client = redis.Redis(port=self.redis_port, socket_timeout=1, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        try:
            wait_for(answers, timeout=10, what="redis-server")
        finally:
            client.close()

    def start_web(self) -> None:
        port = self.web_url.rsplit(":", 1)[1]
        self.start(
            "web",
            [
                str(VENV_BIN / "gunicorn"),
                *("config.wsgi:application", "--no-control-socket"),
                *("-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "30"),
            ],
        )

        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"{self.web_url}/healthz", timeout=2):
                    return True
            except urllib.error.HTTPError:
                return True  # a 503 is an answer too: the process serves
            except OSError:
                return False

        wait_for(answers, timeout=20, what="gunicorn")

    def start_worker(self) -> None:
        self.start(
            "worker",
            [
                str(VENV_BIN / "celery"),
                *("-A", "config", "worker", "-P", "solo", "-c", "1", "-l", "INFO"),
                *("-n", f"e2e-{self.redis_port}@%h", "--without-mingle", "--without-gossip"),
            ],
        )
        wait_for(lambda: " ready." in self.log("worker"), timeout=20, what="the Celery worker")

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout.strip()

    def shell(self, code: str) -> str:
        """Run Python in a fresh Django process against this stack; its last printed line."""
        return self.manage("shell", "-v", "0", "-c", code).splitlines()[-1]

    def post(self, path: str, body: dict | None = None) -> tuple[int, dict, float]:
        request = urllib.request.Request(
            f"{self.web_url}{path}",
            data=json.dumps(body or {}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        return status, json.loads(payload or b"{}"), time.monotonic() - started

    def mails_for(self, code: str) -> list[EmailMessage]:
        paths = sorted(self.mail_dir.glob("*.log")) if self.mail_dir.is_dir() else []
        messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]
        return [message for message in messages if message["X-Canting-Booking"] == code]


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        _unavailable("needs redis-server on PATH: the end-to-end test runs a private one")
    processes = Stack(tmp_path, redis_server)
    try:
        yield processes
    finally:
        processes.close()
        for name in ("web", "worker"):  # shown by pytest only when the test failed
            print(f"----- {name} log (tail) -----\n{processes.log(name)[-4000:]}")


def test_a_booking_made_while_redis_is_down_is_emailed_exactly_once_when_it_returns(stack):
    stack.start_redis()
    stack.manage("migrate", "--noinput")
    session_id = int(stack.shell(CATALOGUE))
    stack.start_web()
    stack.start_worker()

    # Redis goes away; a tourist books and confirms all the same, without waiting on it.
    stack.stop("redis")
    status, created, seconds = stack.post(
        "/api/v1/bookings/", {"session": session_id, "seats": 2, "contact": GUEST, "language": "en"}
    )
    assert status == 201, created
    assert seconds < 2
    code, token = created["code"], created["manage_token"]
    status, confirmed_body, seconds = stack.post(f"/api/v1/bookings/{code}/confirm/?token={token}")
    assert status == 200, confirmed_body
    assert confirmed_body["status"] == "confirmed"
    assert seconds < 2
    [(message_id, sent_at, attempts)] = stack.database.rows(MESSAGE_STATE, code)
    assert (sent_at, attempts) == (None, 0)
    assert stack.mails_for(code) == []

    # Redis is back: the sweep republishes the message and the worker sends the confirmation.
    stack.start_redis()
    assert stack.shell(SWEEP) == "1"
    wait_for(lambda: stack.database.rows(MESSAGE_STATE, code)[0][1], timeout=20, what="the e-mail")
    [sent] = stack.mails_for(code)
    assert code in sent["Subject"]
    assert sent["To"] == "rina@example.id"

    # Nothing is left to sweep, and a second run of the task for the same message sends nothing.
    assert stack.shell(SWEEP) == "0"
    assert stack.shell(REPUBLISH.format(message_id=message_id)) == "1"
    wait_for(
        lambda: len(DELIVERED.findall(stack.log("worker"))) == 2,
        timeout=15,
        what="the worker to run the delivery a second time",
    )
    assert len(stack.mails_for(code)) == 1
    assert stack.database.rows(MESSAGE_STATE, code)[0][2] == 1
