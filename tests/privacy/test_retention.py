"""Guests' contacts are erased a configurable time after their session; the task runs twice, one effect."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from bookings.models import Booking, BookingStatus, HolderLock, WaitlistEntry, WaitlistStatus
from bookings.services.privacy import personal_data_erase_batch, personal_data_retention_sweep
from bookings.tasks import erase_expired_personal_data
from config.celery import app
from tests.privacy.conftest import make_session, past_booking, waitlist_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def seasons(workshop):
    """A session 200 days ago, one 100 days ago, and one next week, each with guests."""
    old = make_session(workshop, starts_in=-timedelta(days=200))
    recent = make_session(workshop, starts_in=-timedelta(days=100))
    upcoming = make_session(workshop, starts_in=timedelta(days=7))
    return {
        "old": [
            past_booking(old, name="Siti", email="siti@example.id"),
            past_booking(old, name="Mei", email="mei@example.id", status=BookingStatus.NO_SHOW),
        ],
        "old_waitlist": [
            waitlist_entry(old, email="antre1@example.id", status=WaitlistStatus.EXPIRED),
            # Never closed by a sweep: erasing it must also close it.
            waitlist_entry(old, email="antre2@example.id", status=WaitlistStatus.WAITING),
        ],
        "recent": [past_booking(recent, name="Dewi", email="dewi@example.id")],
        "recent_waitlist": [waitlist_entry(recent, email="antre3@example.id")],
        "upcoming": upcoming,
    }


def contacts(model, rows) -> list[tuple]:
    return list(
        model.objects.filter(pk__in=[row.pk for row in rows])
        .order_by("pk")
        .values_list("contact_name", "contact_email", "contact_phone")
    )


def test_only_guests_past_the_retention_period_are_erased(seasons):
    erased = personal_data_retention_sweep(retention_days=180)

    assert erased == 4
    assert contacts(Booking, seasons["old"]) == [("", "", ""), ("", "", "")]
    assert contacts(WaitlistEntry, seasons["old_waitlist"]) == [("", "", ""), ("", "", "")]
    assert contacts(Booking, seasons["recent"]) == [("Dewi", "dewi@example.id", "0812")]
    assert contacts(WaitlistEntry, seasons["recent_waitlist"]) == [("Antre", "antre3@example.id", "0813")]
    # Kept for the figures: status, seats and money are untouched.
    old = Booking.objects.filter(pk__in=[b.pk for b in seasons["old"]]).order_by("pk")
    assert [(b.status, b.seats, b.total) for b in old] == [
        (BookingStatus.ATTENDED, 2, 100000),
        (BookingStatus.NO_SHOW, 2, 100000),
    ]
    assert all(b.personal_data_erased_at is not None for b in old)
    closed = WaitlistEntry.objects.get(pk=seasons["old_waitlist"][1].pk)
    assert closed.status == WaitlistStatus.EXPIRED and closed.closed_at is not None


def test_the_task_runs_twice_with_one_effect(seasons):
    first = erase_expired_personal_data.apply().get()
    markers = list(
        Booking.objects.filter(personal_data_erased_at__isnull=False).values_list(
            "pk", "personal_data_erased_at"
        )
    )
    second = erase_expired_personal_data.apply().get()

    assert (first, second) == (4, 0)
    assert (
        list(
            Booking.objects.filter(personal_data_erased_at__isnull=False).values_list(
                "pk", "personal_data_erased_at"
            )
        )
        == markers
    )


def test_the_retention_period_is_a_setting(seasons):
    with override_settings(PERSONAL_DATA_RETENTION_DAYS=90):
        erase_expired_personal_data.apply()

    assert contacts(Booking, seasons["recent"]) == [("", "", "")]
    assert contacts(WaitlistEntry, seasons["recent_waitlist"]) == [("", "", "")]


def test_the_sweep_works_in_batches_until_nothing_is_left(workshop):
    old = make_session(workshop, starts_in=-timedelta(days=365))
    for n in range(5):
        past_booking(old, email=f"tamu{n}@example.id")

    assert personal_data_erase_batch(now=timezone.now(), retention_days=180, batch=2) == 2
    assert personal_data_retention_sweep(retention_days=180) == 3
    assert Booking.objects.filter(personal_data_erased_at__isnull=True).count() == 0


def test_a_guests_hold_lock_row_goes_after_the_retention_period(db):
    now = timezone.now()
    HolderLock.objects.create(key="email:lama@example.id", touched_at=now - timedelta(days=200))
    HolderLock.objects.create(key="email:baru@example.id", touched_at=now - timedelta(days=2))
    HolderLock.objects.create(key="user:7", touched_at=now - timedelta(days=200))

    personal_data_retention_sweep(retention_days=180)

    assert sorted(HolderLock.objects.values_list("key", flat=True)) == ["email:baru@example.id", "user:7"]


def test_the_beat_schedule_runs_the_erasure_daily():
    entry = app.conf.beat_schedule["erase-expired-personal-data"]

    assert entry["task"] == "bookings.tasks.erase_expired_personal_data"
    assert entry["task"] in app.tasks
