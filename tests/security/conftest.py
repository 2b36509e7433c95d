import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

# The fake Midtrans and Xendit (tests/payments): imported so the world's gateways are those.
from tests.payments.conftest import fake_gateways, fake_gateways_server  # noqa: F401
from tests.security.world import PASSWORD, World, build_world


@pytest.fixture
def world(db, request) -> World:
    """The two sides, with Midtrans and Xendit answered by the fakes (never a real or shared port)."""
    request.getfixturevalue("fake_gateways")
    return build_world()


def session_token(user) -> str:
    """An app session token, got the way an app gets one: allauth headless login."""
    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


@pytest.fixture
def wsgi_app():
    """Django's real WSGI application, called in-process inside the test's transaction.

    Django closes "old" connections at the end of each request; inside a test's
    transaction that would drop it, so (as Django's own test client does) the
    signal is disconnected while the test runs.
    """
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def app(environ, start_response):
        # Django's test client reconnects the signal after each of its own requests.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        return handler(environ, start_response)

    try:
        yield app
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
