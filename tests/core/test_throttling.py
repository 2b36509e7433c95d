"""Rate limits on bookings, waitlist joins and sign-in: per client address and per user,
counted in the shared cache, and not reset by a forged X-Forwarded-For."""

import time
from itertools import count

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from bookings.models import Booking, WaitlistEntry
from core.breaker import cache_breaker
from core.throttling import Rate, client_ip
from tests.bookings.conftest import tiers
from tests.factories import ClassSessionFactory, PriceTierFactory, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # our reverse proxy: the TCP peer of every request in production
_emails = count(1)


@pytest.fixture
def small_rates(settings):
    # A day-long window: the counter cannot roll over in the middle of a test.
    settings.CANTING_THROTTLE_RATES = {"bookings": "2/day", "waitlist": "1/day"}
    settings.CANTING_TRUSTED_PROXIES = 1
    return settings


def via_proxy(client_address: str, forged: str | None = None) -> dict:
    """Headers as our proxy passes them on: whatever the client sent, then the address it saw."""
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


def hold(api, session, **headers):
    guest = {"name": "Rina Wulandari", "email": f"rina{next(_emails)}@example.id", "phone": "0812 3456 7890"}
    return api.post(
        "/api/v1/bookings/", {"session": session.pk, "seats": 1, "contact": guest}, format="json", **headers
    )


# --- The client's address -------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.2"),  # no proxy of ours: the header is the client's own words
        (1, None, "10.0.0.2"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the forged part is to the left
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", "203.0.113.7"),  # fewer hops than proxies: the leftmost, as DRF does
        (1, "6.6.6.6, not-an-address", "10.0.0.2"),
        (1, "6.6.6.6, [2001:db8::1]:4711", "2001:db8::1"),
        (1, "6.6.6.6,203.0.113.7:5050", "203.0.113.7"),
    ],
)
def test_the_client_address_is_the_nth_forwarded_hop_from_the_right(
    settings, proxies, forwarded_for, expected
):
    settings.CANTING_TRUSTED_PROXIES = proxies
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for

    assert client_ip(RequestFactory().get("/", **headers)) == expected


@pytest.mark.parametrize(
    ("text", "rate"),
    [("30/min", Rate(30, 60)), ("5/s", Rate(5, 1)), ("100/hour", Rate(100, 3600)), ("10/5m", Rate(10, 300))],
)
def test_rates_read_like_drfs(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["30", "x/min", "30/fortnight", "/min"])
def test_a_malformed_rate_is_refused(text):
    with pytest.raises(ValueError):
        Rate.parse(text)


# --- Bookings -----------------------------------------------------------------------


def test_past_the_booking_rate_a_client_gets_429_throttled_and_nothing_is_booked(api, small_rates):
    session = _session()
    for _ in range(2):
        assert hold(api, session, **via_proxy("203.0.113.7")).status_code == 201

    refused = hold(api, session, **via_proxy("203.0.113.7"))

    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "throttled"
    assert body["detail"] and body["fields"] == {}
    assert 0 < int(refused["Retry-After"]) <= 86400
    assert Booking.objects.count() == 2
    session.refresh_from_db()
    assert session.seats_taken == 2


def test_rotating_a_forged_forwarded_for_does_not_reset_the_limit(api, small_rates):
    session = _session()
    answers = [
        hold(api, session, **via_proxy("203.0.113.7", forged=f"198.51.100.{n}")).status_code for n in range(6)
    ]

    assert answers == [201, 201, 429, 429, 429, 429]


def test_without_trusted_proxies_the_forwarded_for_header_is_ignored(api, small_rates):
    small_rates.CANTING_TRUSTED_PROXIES = 0
    session = _session()
    headers = [{"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"} for n in range(3)]

    assert [hold(api, session, **h).status_code for h in headers] == [201, 201, 429]


def test_another_address_is_not_affected_by_a_throttled_one(api, small_rates):
    session = _session()
    for _ in range(3):
        hold(api, session, **via_proxy("203.0.113.7"))

    assert hold(api, session, **via_proxy("203.0.113.8")).status_code == 201


def test_a_signed_in_user_is_limited_across_addresses_and_another_user_is_not(small_rates):
    session = _session()
    rina, budi = APIClient(), APIClient()
    rina.force_authenticate(UserFactory())
    budi.force_authenticate(UserFactory())

    answers = [hold(rina, session, **via_proxy(f"203.0.113.{n}")).status_code for n in (1, 2, 3)]
    other = hold(budi, session, **via_proxy("203.0.113.9"))

    assert answers == [201, 201, 429]
    assert other.status_code == 201


def test_reading_bookings_is_not_counted(small_rates):
    session = _session()
    client = APIClient()
    client.force_authenticate(UserFactory())
    for _ in range(5):
        assert client.get("/api/v1/bookings/", **via_proxy("203.0.113.7")).status_code == 200

    assert hold(client, session, **via_proxy("203.0.113.7")).status_code == 201


def test_the_booking_page_shares_the_apis_limit(api, client, small_rates):
    session = _session()
    for _ in range(2):
        assert hold(api, session, **via_proxy("203.0.113.7")).status_code == 201
    adult = tiers(session)[0]
    form = {
        "name": "Rina Wulandari",
        "email": "rina-web@example.id",
        "phone": "0812 3456 7890",
        f"tier_{adult}": "1",
    }

    page = client.post(f"/sesi/{session.pk}/", form, **via_proxy("203.0.113.7"))

    assert page.status_code == 429
    assert "Too many requests" in page.content.decode() or "Terlalu banyak" in page.content.decode()
    assert Booking.objects.count() == 2


def test_a_cache_outage_lets_bookings_through_and_costs_one_timeout_at_most(api, small_rates, monkeypatch):
    monkeypatch.setattr(cache_breaker, "_retry_at", 0.0)
    # Nothing listens on port 9: connections are refused at once.
    small_rates.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
    session = _session()
    started = time.monotonic()

    answers = [hold(api, session, **via_proxy("203.0.113.7")).status_code for _ in range(4)]

    assert answers == [201, 201, 201, 201]
    assert time.monotonic() - started < 5
    assert cache_breaker.is_open()


# --- Waitlist -----------------------------------------------------------------------


def test_waitlist_joins_are_limited_per_address(api, small_rates):
    full = ClassSessionFactory(capacity=2, seats_taken=2)
    PriceTierFactory(batik_class=full.batik_class, amount=50000)

    def join(n: int):
        contact = {"name": "Rina Wulandari", "email": f"wait{n}@example.id", "phone": "0812 3456 7890"}
        return api.post(
            f"/api/v1/sessions/{full.pk}/waitlist/",
            {"seats": 1, "contact": contact},
            format="json",
            **via_proxy("203.0.113.7", forged=f"198.51.100.{n}"),
        )

    first, second = join(1), join(2)

    assert first.status_code == 201, first.content
    assert second.status_code == 429
    assert second.json()["code"] == "throttled"
    assert WaitlistEntry.objects.count() == 1


# --- Sign-in (allauth) -------------------------------------------------------------


@pytest.fixture
def login_limits(settings):
    settings.CANTING_TRUSTED_PROXIES = 1
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "3/m/ip",
        "login": "30/m/ip",
    }
    return settings


def test_failed_app_logins_lock_the_address_and_a_forged_forwarded_for_does_not_unlock_it(api, login_limits):
    UserFactory(email="budi@example.id")

    def attempt(n: int, password: str):
        return api.post(
            "/_allauth/app/v1/auth/login",
            {"email": "budi@example.id", "password": password},
            format="json",
            **via_proxy("203.0.113.7", forged=f"198.51.100.{n}"),
        )

    wrong = [attempt(n, "wrong-password") for n in range(3)]
    # Now even the right password is refused from this address, whatever it claims to forward.
    right = [attempt(n, "rahasia-batik-123") for n in range(3, 5)]

    assert [r.status_code for r in wrong + right] == [400] * 5
    assert all(r.json()["errors"][0]["code"] == "too_many_login_attempts" for r in right)
    # Someone else, from another address, still signs in.
    UserFactory(email="sari@example.id")
    other = api.post(
        "/_allauth/app/v1/auth/login",
        {"email": "sari@example.id", "password": "rahasia-batik-123"},
        format="json",
        **via_proxy("203.0.113.8"),
    )
    assert other.status_code == 200, other.content


def test_login_attempts_past_the_rate_get_429_on_the_web_and_in_the_app(api, client, login_limits):
    login_limits.ACCOUNT_RATE_LIMITS = {**login_limits.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    UserFactory(email="budi@example.id")
    web = [
        client.post(
            "/accounts/login/",
            {"login": "budi@example.id", "password": "wrong-password"},
            **via_proxy("203.0.113.7", forged=f"198.51.100.{n}"),
        )
        for n in range(4)
    ]
    app = api.post(
        "/_allauth/app/v1/auth/login",
        {"email": "budi@example.id", "password": "rahasia-batik-123"},
        format="json",
        **via_proxy("203.0.113.7"),
    )

    assert [r.status_code for r in web] == [200, 200, 200, 429]  # the form again with its error, then 429
    assert "· Canting</title>" in web[3].content.decode()  # our page (templates/429.html), not a bare one
    assert app.status_code == 429


def test_password_reset_requests_are_limited(client, login_limits):
    login_limits.ACCOUNT_RATE_LIMITS = {**login_limits.ACCOUNT_RATE_LIMITS, "reset_password": "2/m/ip"}
    answers = [
        client.post(
            "/accounts/password/reset/", {"email": f"x{n}@example.id"}, **via_proxy("203.0.113.7")
        ).status_code
        for n in range(3)
    ]

    assert answers[2] == 429
    assert all(status in (200, 302) for status in answers[:2])


def _session():
    session = ClassSessionFactory(capacity=20)
    PriceTierFactory(batik_class=session.batik_class, amount=50000, position=0)
    return session
