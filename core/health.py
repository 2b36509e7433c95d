"""`/healthz`: can this process reach the database and the broker, and is the scheduler alive?"""

from datetime import timedelta
from pathlib import Path

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core.models import Heartbeat


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "down" to a load balancer
        return "down"
    return "ok"


def broker_state() -> str:
    if settings.REDIS_URL:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
            socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        )
        try:
            client.ping()
        except redis.RedisError:
            return "down"
        finally:
            client.close()
        return "ok"
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    return "ok" if folder.is_dir() else "down"


def scheduler_state(database: str) -> dict:
    if database != "ok":
        return {"state": "unknown", "last_run": None}
    try:
        beat = Heartbeat.objects.filter(name="scheduler").first()
    except DatabaseError:
        # Reachable but not migrated yet (or gone since SELECT 1): /healthz must
        # still answer, not 500, so the load balancer sees the real state.
        return {"state": "unknown", "last_run": None}
    if beat is None:
        return {"state": "never_run", "last_run": None}
    stale_after = timedelta(seconds=settings.CANTING_HEARTBEAT_STALE_SECONDS)
    state = "ok" if timezone.now() - beat.last_seen <= stale_after else "stale"
    return {"state": state, "last_run": beat.last_seen.isoformat()}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_state()
    broker = broker_state()
    scheduler = scheduler_state(database)
    healthy = database == "ok"
    overall = "ok" if healthy and broker == "ok" and scheduler["state"] == "ok" else "degraded"
    body = {
        "status": overall if healthy else "down",
        "database": database,
        "broker": broker,
        "scheduler": scheduler,
    }
    return JsonResponse(body, status=200 if healthy else 503)
