"""PostgreSQL lost mid-request: a clean 503 in our error shape, nothing half-written, then recovery.

gunicorn talks to PostgreSQL through a proxy the test controls, so the connection
drops at an exact moment: when the booking's INSERT is on its way, after the seats
were taken in the same transaction.
"""

from urllib.parse import urlsplit

import pytest

from tests.faults.processes import Stack
from tests.faults.proxy import PostgresProxy

pytestmark = pytest.mark.postgres

CATALOGUE = """
from tests.factories import ClassSessionFactory, PriceTierFactory
session = ClassSessionFactory(capacity=10)
PriceTierFactory(batik_class=session.batik_class)
print(session.pk)
"""
# The connection is cut at the first statement that carries the guest's e-mail: the call of
# the hold function (a prepared statement: its text went over the wire with the first booking,
# its values go with each), or, statement by statement, the holder's lock, after the seats
# were taken in the same transaction (bookings/services/hold_write.py).
CUT_AT = b"terputus@example.id"
HOLD_WAYS = {"database function": "true", "statement by statement": "false"}
SEATS_TAKEN = "SELECT seats_taken FROM workshops_classsession WHERE id = ?"
BOOKINGS_OF = "SELECT count(*) FROM bookings_booking WHERE contact_email = ?"
HOLDER_LOCKS_OF = "SELECT count(*) FROM bookings_holderlock WHERE key = ?"


@pytest.fixture(params=list(HOLD_WAYS))
def hold_way(request) -> str:
    return HOLD_WAYS[request.param]


@pytest.fixture
def proxied(stack: Stack, hold_way):
    """The stack's gunicorn, connected to PostgreSQL through a proxy the test can cut."""
    if not stack.database.postgres:
        pytest.skip("the proxy sits in front of PostgreSQL")
    server = stack.database.server
    proxy = PostgresProxy((server["HOST"] or "127.0.0.1", int(server["PORT"] or 5432)))
    url = urlsplit(stack.database.url)
    proxied_url = url._replace(
        netloc=f"{url.netloc.rsplit('@', 1)[0]}@127.0.0.1:{proxy.port}", query="sslmode=disable"
    )
    stack.start_redis()
    stack.migrate()
    session_id = int(stack.shell(CATALOGUE))
    # One worker thread: the request after the failure reuses the process that saw it.
    in_database = hold_way
    stack.start_web(
        workers=1,
        threads=1,
        env={"DATABASE_URL": proxied_url.geturl(), "CANTING_HOLD_IN_DATABASE": in_database},
    )
    try:
        yield proxy, session_id
    finally:
        proxy.close()


def booking(session_id: int, email: str) -> dict:
    return {"session": session_id, "seats": 2, "contact": {"name": "Rina Wulandari", "email": email}}


def test_a_connection_dropped_while_booking_answers_503_and_leaves_no_partial_booking(stack, proxied):
    proxy, session_id = proxied
    assert stack.request("POST", "/api/v1/bookings/", booking(session_id, "pertama@example.id")).status == 201
    assert stack.database.value(SEATS_TAKEN, session_id) == 2

    proxy.cut_when_client_sends(CUT_AT)
    response = stack.request("POST", "/api/v1/bookings/", booking(session_id, "terputus@example.id"))

    assert proxy.cuts == 1  # the connection really went down mid-transaction
    assert response.status == 503
    assert response.content_type.startswith("application/json")
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert body["detail"]
    assert response.seconds < 5
    # The seats taken earlier in that transaction went back with it; no booking, no holder row.
    assert stack.database.value(SEATS_TAKEN, session_id) == 2
    assert stack.database.value(BOOKINGS_OF, "terputus@example.id") == 0
    assert stack.database.value(HOLDER_LOCKS_OF, "email:terputus@example.id") == 0

    # The same web process reconnects for the next request; the tourist's retry succeeds.
    retried = stack.request("POST", "/api/v1/bookings/", booking(session_id, "terputus@example.id"))
    assert retried.status == 201, retried.body
    assert stack.database.value(SEATS_TAKEN, session_id) == 4
    assert stack.database.value(BOOKINGS_OF, "terputus@example.id") == 1


def test_while_the_database_is_unreachable_pages_and_the_api_answer_503_then_recover(stack, proxied):
    proxy, session_id = proxied
    assert stack.request("GET", "/").status == 200

    proxy.cut_all(refuse=True)
    page = stack.request("GET", "/", headers={"Accept": "text/html"})
    api = stack.request("GET", "/api/v1/sessions/")
    created = stack.request("POST", "/api/v1/bookings/", booking(session_id, "offline@example.id"))

    assert page.status == 503
    assert page.content_type.startswith("text/html")
    assert b"<h1>" in page.body
    for response in (api, created):
        assert response.status == 503
        assert response.json()["code"] == "database_unavailable"
    assert max(r.seconds for r in (page, api, created)) < 5

    proxy.restore()
    assert stack.request("GET", "/").status == 200
    assert stack.request("POST", "/api/v1/bookings/", booking(session_id, "offline@example.id")).status == 201
    assert stack.database.value(BOOKINGS_OF, "offline@example.id") == 1
