"""The API's JSON parser, with a cap on the body's size.

Django enforces DATA_UPLOAD_MAX_MEMORY_SIZE when a view reads `request.body`,
but DRF's parser reads the request as a stream, which nothing limits: without
this a client could make a worker parse any amount of JSON.
"""

from io import BytesIO
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = _("The request body is too large.")


def max_body_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class LimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        limit = max_body_bytes()
        request = (parser_context or {}).get("request")
        declared = _content_length(request.META if request is not None else {})
        if declared is not None and declared > limit:
            raise RequestTooLarge()
        # The declared length can be absent or wrong: read one byte past the limit to know.
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise RequestTooLarge()
        return super().parse(BytesIO(body), media_type, parser_context)


def _content_length(meta: dict) -> int | None:
    try:
        return int(meta.get("CONTENT_LENGTH") or meta.get("HTTP_CONTENT_LENGTH") or "")
    except ValueError:
        return None
