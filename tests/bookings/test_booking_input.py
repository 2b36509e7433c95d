"""A booking request read the quick way must read exactly as the serializer's fields read it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from bookings.api.serializers import BookingCreateInput, _well_formed_booking

_request = Request(APIRequestFactory().post("/"))
_request.user = AnonymousUser()

numbers = st.one_of(
    st.sampled_from([0, 1, 2, 500, 501]),  # the edges, often
    st.integers(min_value=-3, max_value=600),
    st.sampled_from([True, False, None, "3", "3.0", 2.0, 1.5, "", "x", [], {}]),
)
texts = st.one_of(
    st.sampled_from(
        [
            "Rina",
            "  Rina  ",
            "",
            "   ",
            "x" * 121,
            "a\x00b",
            "rina@example.id",
            " rina@example.id ",
            "rina@",
            "rina@example",
            "0812 3456 7890",
            "+60 12-345 6789",
            "12",
            "x" * 33,
        ]
    ),
    st.text(max_size=12),
    st.integers(),
    st.none(),
)
contacts = st.one_of(
    st.fixed_dictionaries({"name": texts, "email": texts}, optional={"phone": texts, "extra": texts}),
    st.sampled_from([None, "Rina", [], 3]),
)
lines = st.one_of(
    st.lists(
        st.one_of(
            st.fixed_dictionaries({"tier": numbers, "quantity": numbers}, optional={"label": texts}),
            st.sampled_from([None, 1, "x", []]),
        ),
        max_size=3,
    ),
    st.sampled_from([None, {}, "1", 1]),
)
requests = st.one_of(
    st.fixed_dictionaries(
        {"session": numbers},
        optional={
            "seats": numbers,
            "lines": lines,
            "contact": contacts,
            "language": st.sampled_from(["id", "en", "zh-hans", "ms", "fr", "", None, 1]),
            "status": texts,
        },
    ),
    st.sampled_from([None, [], "booking", 1]),
)


def _by_the_fields(data):
    """The fields' reading (DRF's own to_internal_value), or None if they refuse."""
    serializer = BookingCreateInput(data=data, context={"request": _request})
    try:
        return dict(serializers.Serializer.to_internal_value(serializer, data))
    except serializers.ValidationError:
        return None


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


@pytest.mark.django_db
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests)
@example({"session": 7, "seats": 2, "contact": {"name": " Rina ", "email": "rina@example.id", "phone": ""}})
@example({"session": 7, "lines": [{"tier": 3, "quantity": 2}], "language": "en"})
@example(
    {
        "session": 7,
        "seats": 1,
        "contact": {"name": "Rina", "email": "rina@example.id", "phone": "0812 3456 7890"},
    }
)
def test_a_quickly_read_request_reads_as_the_fields_read_it(data):
    quick = _well_formed_booking(data)
    fields = _by_the_fields(data)
    if quick is not None:
        assert fields is not None, f"the quick reading accepted what the fields refuse: {data!r}"
        assert _plain(quick) == _plain(fields)


def test_the_usual_requests_take_the_quick_reading():
    assert _well_formed_booking(
        {
            "session": 7,
            "seats": 2,
            "contact": {"name": "Rina", "email": "rina@example.id", "phone": "0812 3456 7890"},
        }
    ) == {
        "session": 7,
        "seats": 2,
        "contact": {"name": "Rina", "email": "rina@example.id", "phone": "+6281234567890"},
    }
    assert _well_formed_booking({"session": 7, "lines": [{"tier": 3, "quantity": 2}], "language": "en"}) == {
        "session": 7,
        "lines": [{"tier": 3, "quantity": 2}],
        "language": "en",
    }
