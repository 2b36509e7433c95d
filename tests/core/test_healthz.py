"""/healthz tells a load balancer and an operator what is really up.

Outages are real, not mocked: a subprocess gets settings pointing at a port where
nothing listens (port 1), so the code under test meets a refused connection.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from core.models import Heartbeat
from core.tasks import scheduler_heartbeat

NOBODY_LISTENS = "127.0.0.1:1"

# Runs in a fresh interpreter: settings are read at import, so an outage has to be
# configured before Django starts.
_REQUEST_HEALTHZ = """
import json, time
import django
django.setup()
from django.test import Client
started = time.monotonic()
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "seconds": time.monotonic() - started,
                  "body": response.json()}))
"""


def _healthz_in_subprocess(tmp_path: Path, **env: str) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    # Without DATABASE_URL / REDIS_URL the child uses SQLite and the file broker in
    # CANTING_VAR_DIR: an empty tmp dir, never the developer's var/.
    base |= {"DJANGO_SETTINGS_MODULE": "config.settings.test", "CANTING_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", _REQUEST_HEALTHZ],
        env=base | env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _scheduler(client: Client) -> dict:
    return client.get("/healthz").json()["scheduler"]


@pytest.mark.django_db
def test_healthz_answers_200_json_with_database_broker_and_scheduler(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"status", "database", "broker", "scheduler"}
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    # A load balancer must never be handed a cached answer.
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_scheduler_is_never_run_before_the_first_heartbeat(client: Client) -> None:
    body = client.get("/healthz").json()

    assert body["scheduler"] == {"state": "never_run", "last_run": None}
    assert body["status"] == "degraded"


@pytest.mark.django_db
def test_scheduler_is_ok_right_after_the_heartbeat_task_ran(client: Client) -> None:
    scheduler_heartbeat()

    body = client.get("/healthz").json()
    assert body["scheduler"]["state"] == "ok"
    last_run = datetime.fromisoformat(body["scheduler"]["last_run"])
    assert last_run == Heartbeat.objects.get(name="scheduler").last_seen
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_scheduler_turns_stale_once_the_heartbeat_is_older_than_the_limit(client: Client) -> None:
    limit = settings.CANTING_HEARTBEAT_STALE_SECONDS
    with time_machine.travel(datetime(2025, 3, 1, 2, 0, tzinfo=UTC), tick=False) as traveller:
        scheduler_heartbeat()

        traveller.shift(limit)
        assert _scheduler(client)["state"] == "ok"

        traveller.shift(1)
        scheduler = _scheduler(client)
        assert scheduler == {"state": "stale", "last_run": "2025-03-01T02:00:00+00:00"}
        assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_heartbeat_task_run_twice_keeps_one_row_and_moves_its_time(client: Client) -> None:
    with time_machine.travel(datetime(2025, 3, 1, 2, 0, tzinfo=UTC), tick=False) as traveller:
        scheduler_heartbeat()
        traveller.shift(30)
        scheduler_heartbeat()

    assert Heartbeat.objects.count() == 1
    assert Heartbeat.objects.get().last_seen == datetime(2025, 3, 1, 2, 0, 30, tzinfo=UTC)


def test_healthz_is_503_with_database_down_when_postgres_is_unreachable(tmp_path: Path) -> None:
    result = _healthz_in_subprocess(
        tmp_path,
        DATABASE_URL=f"postgres://postgres@{NOBODY_LISTENS}/nothing",
        DATABASE_CONNECT_TIMEOUT="2",
    )

    assert result["status"] == 503
    assert result["body"]["status"] == "down"
    assert result["body"]["database"] == "down"
    assert result["body"]["scheduler"] == {"state": "unknown", "last_run": None}
    assert result["seconds"] < 5


def test_healthz_reports_broker_down_quickly_and_stays_up_when_redis_is_unreachable(tmp_path: Path) -> None:
    result = _healthz_in_subprocess(tmp_path, REDIS_URL=f"redis://{NOBODY_LISTENS}/0")

    # Web can still serve pages without Redis, so it stays in the load balancer.
    assert result["status"] == 200
    assert result["body"]["broker"] == "down"
    assert result["body"]["database"] == "ok"
    assert result["body"]["status"] == "degraded"
    assert result["seconds"] < 5


def test_healthz_answers_before_migrations_have_run(tmp_path: Path) -> None:
    # The child's SQLite file in tmp_path has no tables at all.
    result = _healthz_in_subprocess(tmp_path)

    assert result["status"] == 200
    assert result["body"]["database"] == "ok"
    assert result["body"]["scheduler"] == {"state": "unknown", "last_run": None}
