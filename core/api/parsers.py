"""DRF's JSON parser, reading the body in one go.

DRF reads JSON through a codecs stream reader; on a small request body that
wrapper cost more than the parsing (bench/profile_paths.py). Same rules, same
errors: strict JSON (no NaN or Infinity) when DRF's STRICT_JSON says so.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:  # UnicodeDecodeError is one too
            raise ParseError(f"JSON parse error - {exc}") from None
