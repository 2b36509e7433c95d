"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in the test's thread, and Django refuses
ORM calls from a thread with a running loop unless told this is fine: the test
body only sets up rows and reads them back, so it is.
"""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import _unavailable
from tests.factories import ClassSessionFactory, PriceTierFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# A mid-range phone; the 360 px check narrows it further.
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        _unavailable(f"needs Chromium at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request):
    """A fresh phone-sized page (empty cache, no cookies) that screenshots itself at the end."""
    context = chromium.new_context(viewport=PHONE, locale="id-ID", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def catalogue(db):
    """One published class with two prices, an open session (10 seats) and a full one (5 of 5 taken)."""
    open_session = ClassSessionFactory(
        capacity=10,
        batik_class__title_ind="Kelas Batik Tidayu",
        batik_class__title_en="Tidayu Batik Class",
        batik_class__description_ind="Membatik motif Tidayu dengan canting.",
        batik_class__description_en="Draw Tidayu motifs with a canting.",
        batik_class__workshop__name="Sanggar Uji Tidayu",
        batik_class__workshop__village__name="Kampung Wisata Uji",
    )
    batik_class = open_session.batik_class
    PriceTierFactory(batik_class=batik_class, label_ind="Dewasa", label_en="Adult", amount=50000, position=0)
    PriceTierFactory(
        batik_class=batik_class, label_ind="Pelajar", label_en="Student", amount=35000, position=1
    )
    full_session = ClassSessionFactory(
        batik_class=batik_class,
        starts_at=open_session.starts_at + _days(1),
        capacity=5,
        seats_taken=5,
    )
    return {"class": batik_class, "open": open_session, "full": full_session}


def _days(n: int):
    from datetime import timedelta

    return timedelta(days=n)


PASSWORD = "rahasia-batik-123"  # UserFactory's


@pytest.fixture
def host_world(db):
    """Workshop A with an owner, a staff member, a class and a session today with Siti's confirmed
    booking; workshop B with its own owner; a tourist and a programme coordinator."""
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from bookings.services.holds import Contact, LineRequest, booking_confirm, booking_hold
    from core.timezones import wib_date, wib_day_start
    from tests.factories import MembershipFactory, UserFactory
    from workshops.models import ClassSession, MembershipRole
    from workshops.permissions import COORDINATORS_GROUP

    session = ClassSessionFactory(
        capacity=10,
        starts_at=timezone.now() + timedelta(hours=2),
        batik_class__title_ind="Kelas Ecoprint Daun",
        batik_class__workshop__name="Sanggar Tidayu Roban",
    )
    workshop = session.batik_class.workshop
    tier = PriceTierFactory(batik_class=session.batik_class, amount=50000)
    owner = MembershipFactory(workshop=workshop, role=MembershipRole.OWNER, user__email="ani@sanggar.id").user
    staff = MembershipFactory(
        workshop=workshop, role=MembershipRole.STAFF, user__email="budi@sanggar.id"
    ).user
    booking = booking_confirm(
        booking=booking_hold(
            session_id=session.pk,
            lines=[LineRequest(tier_id=tier.pk, quantity=2)],
            contact=Contact(name="Siti Nurhaliza", email="siti@example.id", phone="+6281234567890"),
            user=None,
            language="id",
        ),
        notify=False,
    )
    # Check-in opens on the session's WIB day: let it have started a few minutes ago, today.
    now = timezone.now()
    starts_at = max(now - timedelta(minutes=5), wib_day_start(wib_date(now)))
    ClassSession.objects.filter(pk=session.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    session.refresh_from_db()
    other = MembershipFactory(role=MembershipRole.OWNER, user__email="other@sanggar.id")
    coordinator = UserFactory(email="koordinator@program.id")
    coordinator.groups.add(Group.objects.get_or_create(name=COORDINATORS_GROUP)[0])
    return {
        "session": session,
        "workshop": workshop,
        "owner": owner,
        "staff": staff,
        "booking": booking,
        "other_owner": other.user,
        "other_workshop": other.workshop,
        "tourist": UserFactory(email="turis@example.id"),
        "coordinator": coordinator,
    }
