"""Our JSON parser reads bodies as DRF's own does: same data, same refusals."""

import io

import pytest
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from core.api.parsers import JSONParser

BODIES = [
    b'{"session": 7, "seats": 2, "contact": {"name": "Rina W\xc3\xbclandari", "email": "r@x.id"}}',
    b"[1, 2.5, null, true]",
    b'"just text"',
    b'{"a": "\\u00e9\\ud83d\\ude00"}',
]
BAD = [b"{", b'{"a": NaN}', b'{"a": Infinity}', b"\xff\xfe", b""]


@pytest.mark.parametrize("body", BODIES)
def test_it_reads_what_drf_reads(body):
    context = {"encoding": "utf-8"}
    ours = JSONParser().parse(io.BytesIO(body), "application/json", context)
    theirs = parsers.JSONParser().parse(io.BytesIO(body), "application/json", context)
    assert ours == theirs


@pytest.mark.parametrize("body", BAD)
def test_it_refuses_what_drf_refuses(body):
    with pytest.raises(ParseError):
        parsers.JSONParser().parse(io.BytesIO(body), "application/json", {})
    with pytest.raises(ParseError):
        JSONParser().parse(io.BytesIO(body), "application/json", {})
