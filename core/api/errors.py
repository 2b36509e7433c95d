"""One JSON shape for every API error: {"code", "detail", "fields"}."""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.api.parsers import RequestTooLarge
from core.db_unavailable import (
    DATABASE_ERRORS,
    RETRY_AFTER_SECONDS,
    database_connections_reset,
    database_unavailable_body,
)
from core.errors import DomainError

logger = logging.getLogger(__name__)


def error_body(code: str, detail: Any, fields: dict | None = None) -> dict:
    return {"code": code, "detail": str(detail), "fields": fields or {}}


def _validation_body(exc: exceptions.ValidationError) -> dict:
    detail = exc.detail
    if isinstance(detail, dict):
        fields = detail
    else:
        fields = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
    codes = exc.get_codes()
    first_code = _first(codes) or "invalid"
    message = _first(detail) or _("Some fields are not valid.")
    return error_body(first_code, message, fields)


def _first(value: Any) -> Any:
    """The first leaf of a nested error structure (DRF nests dicts and lists)."""
    while isinstance(value, dict | list):
        if not value:
            return None
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
    return value


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, DATABASE_ERRORS):
        # The database went away mid-request; the transaction was rolled back.
        logger.warning("database unavailable: %s", exc)
        database_connections_reset()
        return Response(
            database_unavailable_body(),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    if isinstance(exc, RequestDataTooBig):
        # Django's own cap (request.body read past DATA_UPLOAD_MAX_MEMORY_SIZE): same answer as the parser's.
        exc = RequestTooLarge()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes()
        response.data = error_body(code if isinstance(code, str) else "error", exc.detail)
    return response
