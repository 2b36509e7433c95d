"""DRF's JSON parser, reading the body in one go and never more of it than the cap.

DRF reads JSON through a codecs stream reader; on a small request body that
wrapper cost more than the parsing (bench/profile_paths.py). Same rules, same
errors: strict JSON (no NaN or Infinity) when DRF's STRICT_JSON says so.

Django enforces DATA_UPLOAD_MAX_MEMORY_SIZE when a view reads `request.body`,
but DRF's parser reads the request as a stream, which nothing limits: without
the cap here a client could make a worker read and parse any amount of JSON.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.utils import json


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = _("The request body is too large.")


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        context = parser_context or {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None:
            body = stream.read()
        else:
            request = context.get("request")
            declared = _content_length(request.META if request is not None else {})
            if declared is not None and declared > limit:
                raise RequestTooLarge()
            # The declared length can be absent or wrong: read one byte past the cap to know.
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise RequestTooLarge()
        encoding = parsers.get_encoding(context)
        try:
            text = body.decode(encoding)
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:  # UnicodeDecodeError is one too
            raise ParseError(f"JSON parse error - {exc}") from None


def _content_length(meta: dict) -> int | None:
    try:
        return int(meta.get("CONTENT_LENGTH") or meta.get("HTTP_CONTENT_LENGTH") or "")
    except ValueError:
        return None
