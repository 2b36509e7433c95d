"""The database went away mid-request: answer a clean 503 and start the next request afresh.

Nothing is half-written: services run in one transaction each, which PostgreSQL
rolls back when the connection drops. The API answers our usual error shape
(`database_unavailable`), pages a plain 503 page that needs no database, and the
broken connection is closed so the next request reconnects instead of failing on it.
"""

import logging
import sys
from contextlib import suppress

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = "5"


def database_connections_reset() -> None:
    """Close every connection that saw an error, so the next request opens a new one."""
    for connection in connections.all(initialized_only=True):
        if connection.errors_occurred or connection.connection is None:
            # Already broken: close() drops it all the same, even when it complains.
            with suppress(DatabaseError):
                connection.close()


def database_unavailable_body() -> dict:
    from core.api.errors import error_body

    return error_body("database_unavailable", _("The service is briefly unavailable. Please try again."))


def database_unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    logger.warning("database unavailable during %s %s: %s", request.method, request.path, exc)
    database_connections_reset()
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    if request.path.startswith(("/api/", "/_allauth/")) or "application/json" in request.headers.get(
        "Accept", ""
    ):
        return JsonResponse(database_unavailable_body(), status=503, headers=headers)
    # A page that needs no database: not even the signed-in user (base.html would look them up).
    return HttpResponse(render_to_string("503.html"), status=503, headers=headers)


class DatabaseUnavailableMiddleware:
    """Turns a lost database in a view into a 503 (the API's own handler does the same for DRF views)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable_response(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database lost outside any view (in a middleware, say) is a 503 as well."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return database_unavailable_response(request, exc)
    return defaults.server_error(request)
