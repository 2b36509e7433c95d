"""Request ids and structured logs: every response and log line names its request,
production writes one JSON object a line, and no line carries a guest's e-mail."""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from smtplib import SMTPRecipientsRefused

import pytest

from core.logs import JsonLineFormatter, PlainFormatter, current_request_id
from tests.bookings.conftest import GUEST
from tests.factories import ClassSessionFactory, PriceTierFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _session():
    session = ClassSessionFactory(capacity=10)
    PriceTierFactory(batik_class=session.batik_class, amount=50000, position=0)
    return session


# --- The request id -------------------------------------------------------------------


@pytest.mark.django_db
def test_every_response_carries_a_fresh_request_id(client):
    first, second = client.get("/healthz"), client.get("/api/v1/villages/")

    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept_and_anything_else_replaced(client):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="3f2b9c1e-proxy-7d41")
    for bad in [
        "short",
        "x" * 200,
        "has spaces in it ok",
        "evil\nINFO forged line",
        "<script>alert(1)</script>",
    ]:
        replaced = client.get("/healthz", HTTP_X_REQUEST_ID=bad)
        assert replaced["X-Request-ID"] != bad
        assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])

    assert kept["X-Request-ID"] == "3f2b9c1e-proxy-7d41"


@pytest.mark.django_db
def test_a_request_logs_one_access_line_with_its_id_and_the_user_id_but_no_personal_data(api, caplog):
    user = UserFactory(email="sari@example.id", first_name="Sari")
    api.force_authenticate(user)
    session = _session()
    caplog.set_level(logging.INFO, logger="canting.request")

    response = api.post(
        "/api/v1/bookings/?token=secret-manage-token", {"session": session.pk, "seats": 1}, format="json"
    )

    assert response.status_code == 201, response.content
    lines = [r for r in caplog.records if r.name == "canting.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line.request_id == response["X-Request-ID"]
    assert (line.method, line.path, line.status, line.user_id) == ("POST", "/api/v1/bookings/", 201, user.pk)
    assert line.duration_ms >= 0
    text = PlainFormatter().format(line)
    assert response["X-Request-ID"] in text
    for secret in ("sari@example.id", "Sari", "secret-manage-token"):
        assert secret not in text


@pytest.mark.django_db
def test_the_access_line_never_loads_the_user_itself(client, caplog):
    # /healthz does not look at the user; the access line must not either (a query per
    # request, and with the database gone an error instead of /healthz's 503).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as anonymous:
        client.get("/healthz")
    client.force_login(UserFactory())
    caplog.set_level(logging.INFO, logger="canting.request")
    with CaptureQueriesContext(connection) as signed_in:
        client.get("/healthz")
    me = client.get("/api/v1/me/")

    assert len(signed_in) == len(anonymous)
    lines = [r for r in caplog.records if r.name == "canting.request"]
    assert [r.user_id for r in lines] == [None, None, me.json()["id"]]


@pytest.mark.django_db
def test_log_lines_written_inside_a_request_carry_its_id(client, caplog, settings):
    # Any logger, any depth: the record is stamped when it is made.
    from core import cache as core_cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens: the catalogue cache warns
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
    caplog.set_level(logging.WARNING, logger=core_cache.__name__)

    response = client.get("/api/v1/sessions/")

    assert response.status_code == 200
    warnings = [r for r in caplog.records if r.name == core_cache.__name__]
    assert warnings, "the cache outage was not logged"
    assert {r.request_id for r in warnings} == {response["X-Request-ID"]}
    assert current_request_id.get() == "-"  # and nothing leaks into what runs after the request


# --- Production's JSON lines --------------------------------------------------------------


def test_production_logging_writes_one_json_object_a_line():
    script = """
import logging
import django
django.setup()
from django.test import Client
logging.getLogger("canting.test").warning("outbox: refused for %s", "rina@example.id")
try:
    raise ValueError("multi\\nline")
except ValueError:
    logging.getLogger("canting.test").exception("it broke")
Client().get("/robots.txt", secure=True, HTTP_X_REQUEST_ID="req-from-the-proxy-1")
Client().get("/healthz?token=secret-manage-token", HTTP_X_REQUEST_ID="req-while-db-is-down")
"""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",  # nobody listens: /healthz is 503
    }
    env.pop("LOG_FORMAT", None)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    by_message = {r["message"]: r for r in records}
    refused = by_message["outbox: refused for [email]"]
    assert refused["level"] == "WARNING" and refused["logger"] == "canting.test" and refused["time"]
    assert "rina@example.id" not in done.stderr
    assert "ValueError" in by_message["it broke"]["exc_info"]
    access = next(r for r in records if r["logger"] == "canting.request")
    assert access["request_id"] == "req-from-the-proxy-1"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/robots.txt", 200)
    assert isinstance(access["duration_ms"], float)
    # Django's own error line comes after the middleware answered, and still names the request.
    unavailable = by_message["Service Unavailable: /healthz"]
    assert unavailable["logger"] == "django.request" and unavailable["request_id"] == "req-while-db-is-down"
    assert "secret-manage-token" not in done.stderr


def test_production_gunicorn_writes_only_json_lines_its_own_included(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "CANTING_VAR_DIR": str(tmp_path),
        # Production's gunicorn config, on a free port, small, patient with a busy machine.
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "GUNICORN_TIMEOUT": "120",
    }
    env.pop("LOG_FORMAT", None)
    stderr = tmp_path / "gunicorn.log"
    with stderr.open("w") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                "config/gunicorn.py",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            answer = _get_when_up(
                f"http://127.0.0.1:{port}/robots.txt",
                {
                    "X-Forwarded-Proto": "https",
                    "X-Forwarded-For": "6.6.6.6, 203.0.113.7",
                    "X-Request-ID": "lb-0123456789",
                },
            )
        finally:
            server.terminate()
            server.wait(timeout=30)

    assert answer.status == 200 and answer.headers["X-Request-ID"] == "lb-0123456789"
    lines = [line for line in stderr.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line, gunicorn's "Booting worker" too
    assert any(r["logger"] == "gunicorn.error" for r in records)
    access = [r for r in records if r["logger"] == "canting.request"]
    assert [(r["path"], r["status"], r["request_id"]) for r in access] == [
        ("/robots.txt", 200, "lb-0123456789")
    ]


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get_when_up(url: str, headers: dict, timeout: float = 60.0):
    """Wait for the port, then send one request (the first may take seconds on a busy machine)."""
    import socket
    import time
    import urllib.parse
    import urllib.request

    address = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((address.hostname, address.port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as answer:
        answer.read()
        return answer


def test_formatters_mask_email_addresses_even_in_tracebacks():
    try:
        raise SMTPRecipientsRefused({"rina@example.id": (550, b"no such user")})
    except SMTPRecipientsRefused:
        record = logging.getLogger("celery.app.trace").makeRecord(
            "celery.app.trace",
            logging.ERROR,
            __file__,
            1,
            "Task failed: %r",
            ("to rina@example.id",),
            sys.exc_info(),
        )

    plain, as_json = PlainFormatter().format(record), JsonLineFormatter().format(record)

    assert "rina@example.id" not in plain and "[email]" in plain and "SMTPRecipientsRefused" in plain
    assert "rina@example.id" not in as_json
    assert json.loads(as_json)["message"] == "Task failed: 'to [email]'"


# --- Celery tasks ------------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_confirmation_task_logs_the_booking_code_and_request_id_never_the_guests_email(api):
    """A real worker (in this process) takes the message from Redis that the confirm request published."""
    from celery.contrib.testing.worker import start_worker

    from bookings.models import OutboxMessage
    from config.celery import app

    with app.connection_for_write() as connection:
        for queue in ("mail", "celery"):
            connection.default_channel.queue_purge(queue)
    session = _session()
    held = api.post("/api/v1/bookings/", {"session": session.pk, "seats": 1, "contact": GUEST}, format="json")
    assert held.status_code == 201, held.content
    code, token = held.json()["code"], held.json()["manage_token"]
    confirm = api.post(f"/api/v1/bookings/{code}/confirm/", HTTP_X_MANAGE_TOKEN=token)
    assert confirm.status_code == 200, confirm.content
    # Celery's worker setup replaces the root logger's handlers (caplog's too): listen on the app's loggers.
    lines = _Collect()
    for name in ("bookings", "core", "celery"):
        logging.getLogger(name).addHandler(lines)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="INFO"):
            _wait_for(
                lambda: OutboxMessage.objects.filter(booking__code=code, sent_at__isnull=False).exists()
            )
    finally:
        for name in ("bookings", "core", "celery"):
            logging.getLogger(name).removeHandler(lines)

    sent = [r for r in lines.records if r.name == "bookings.services.outbox" and "sent" in r.getMessage()]
    assert len(sent) == 1, lines.text
    assert code in sent[0].getMessage()
    assert sent[0].request_id == confirm["X-Request-ID"]
    assert "deliver_message" in lines.text  # celery's own lines for the task were heard too
    assert GUEST["email"] not in lines.text
    assert GUEST["name"] not in lines.text


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(PlainFormatter())
        self.records: list[logging.LogRecord] = []
        self.formatted: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.formatted.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.formatted)


def _wait_for(condition, timeout: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")
