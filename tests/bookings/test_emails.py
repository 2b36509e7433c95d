"""The e-mails a tourist gets, read the way a mail client reads them: parts, links, calendar, QR."""

import email
import email.policy
from datetime import datetime
from decimal import Decimal
from email.message import EmailMessage
from io import BytesIO

import icalendar
import pytest
import time_machine
import zxingcpp
from django.core import mail
from django.test import Client
from PIL import Image

from bookings.codes import manage_token
from bookings.models import Booking, MessageKind, OutboxMessage
from bookings.services.holds import (
    Contact,
    LineRequest,
    booking_cancel,
    booking_confirm,
    booking_hold,
    holds_sweep,
)
from bookings.services.outbox import outbox_deliver
from core.timezones import WIB
from tests.factories import ClassSessionFactory, PriceTierFactory

pytestmark = pytest.mark.django_db

# Booked on Tuesday 1 December 2026 for Monday 7 December 2026, 09:00–11:00 WIB.
BOOKED_AT = datetime(2026, 12, 1, 10, 0, tzinfo=WIB)
STARTS_AT = datetime(2026, 12, 7, 9, 0, tzinfo=WIB)
MAPS = "https://www.google.com/maps/search/?api=1&query=0.906100%2C108.984600"


@pytest.fixture
def frozen():
    with time_machine.travel(BOOKED_AT, tick=False):
        yield


@pytest.fixture
def monday_session(frozen):
    session = ClassSessionFactory(
        starts_at=STARTS_AT,
        batik_class__title_ind="Membatik Tulis Motif Tidayu",
        batik_class__title_en="Hand-drawn Batik: the Tidayu Motif",
        batik_class__what_to_bring_ind="Baju yang boleh kena malam",
        batik_class__what_to_bring_en="Clothes that may get wax on them",
        batik_class__cancellation_hours=48,
        batik_class__workshop__address="Jl. Pasar Turi No. 7, Singkawang",
        batik_class__workshop__latitude=Decimal("0.906100"),
        batik_class__workshop__longitude=Decimal("108.984600"),
    )
    PriceTierFactory(batik_class=session.batik_class, label_ind="Dewasa", label_en="Adult", amount=50000)
    return session


def held(session, language: str) -> Booking:
    return booking_hold(
        session_id=session.pk,
        lines=[LineRequest(tier_id=None, quantity=2)],
        contact=Contact(name="Rina Wulandari", email=f"rina.{language}@example.id"),
        user=None,
        language=language,
    )


def delivered(booking: Booking, kind: MessageKind) -> EmailMessage:
    """Send the booking's outbox message and parse what left, as a mail client would."""
    message = OutboxMessage.objects.get(booking=booking, kind=kind)
    assert outbox_deliver(message_id=message.pk)
    assert len(mail.outbox) == 1
    return email.message_from_bytes(mail.outbox[0].message().as_bytes(), policy=email.policy.default)


def bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def part(message: EmailMessage, content_type: str) -> EmailMessage:
    [found] = [p for p in message.walk() if p.get_content_type() == content_type]
    return found


def confirmation(session, language: str) -> tuple[Booking, EmailMessage]:
    booking = booking_confirm(booking=held(session, language))
    return booking, delivered(booking, MessageKind.BOOKING_CONFIRMED)


def test_the_english_confirmation_has_everything_needed_to_find_and_attend_the_class(monday_session):
    booking, message = confirmation(monday_session, "en")
    text, html = bodies(message)
    token = manage_token(booking.code, booking.manage_nonce)
    link = f"http://127.0.0.1:8000/bookings/{booking.code}/?token={token}"

    assert booking.code in message["Subject"]
    assert message["To"] == "rina.en@example.id"
    assert '<html lang="en">' in html
    for body in (text, html):
        assert booking.code in body
        assert "Hand-drawn Batik: the Tidayu Motif" in body
        assert "Jl. Pasar Turi No. 7, Singkawang" in body
        assert "Monday, 7 December 2026, 09:00–11:00 WIB" in body
        assert "Clothes that may get wax on them" in body
        assert "Free cancellation until Saturday, 5 December 2026, 09:00 WIB (48 hours before" in body
        assert "Rp100.000" in body
    assert MAPS in text
    assert f'href="{MAPS.replace("&", "&amp;")}"' in html
    assert link in text
    assert f'href="{link.replace("&", "&amp;")}"' in html


def test_the_manage_link_in_the_email_opens_the_booking(monday_session, client: Client):
    booking, message = confirmation(monday_session, "en")
    text, _html = bodies(message)
    [link] = [line.split(": ", 1)[1] for line in text.splitlines() if "?token=" in line]

    page = client.get(link.removeprefix("http://127.0.0.1:8000"))

    assert page.status_code == 200
    assert booking.code in page.content.decode()


def test_the_indonesian_confirmation_shows_indonesian_dates_and_the_indonesian_title(monday_session):
    booking, message = confirmation(monday_session, "id")
    text, html = bodies(message)

    assert booking.code in message["Subject"]
    assert '<html lang="id">' in html
    for body in (text, html):
        assert "Membatik Tulis Motif Tidayu" in body
        assert "Hand-drawn" not in body
        assert "Jl. Pasar Turi No. 7, Singkawang" in body
        # Weekday and month names come from Django's own Indonesian locale.
        assert "Senin, 7 Desember 2026" in body
        assert "09:00" in body and "WIB" in body
        assert "Baju yang boleh kena malam" in body
        assert "Sabtu, 5 Desember 2026" in body  # free cancellation until 48 hours before
        assert f"?token={manage_token(booking.code, booking.manage_nonce)}" in body
    assert MAPS in text


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Hand-drawn Batik: the Tidayu Motif"), ("id", "Membatik Tulis Motif Tidayu")],
)
def test_the_attached_calendar_event_is_the_session_in_wib(monday_session, language, title):
    booking, message = confirmation(monday_session, language)
    attachment = part(message, "text/calendar")

    assert attachment.get_filename() == f"{booking.code}.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == STARTS_AT
    assert event["DTSTART"].params["TZID"] == "Asia/Pontianak"
    assert event.decoded("DTEND") == datetime(2026, 12, 7, 11, 0, tzinfo=WIB)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Pontianak"]
    assert title in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "Jl. Pasar Turi No. 7, Singkawang"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_the_inline_qr_code_scans_to_exactly_the_booking_code(monday_session):
    booking, message = confirmation(monday_session, "en")
    _text, html = bodies(message)
    qr = part(message, "image/png")

    assert qr["Content-ID"] == "<checkin-qr>"
    assert qr.get_content_disposition() == "inline"
    assert 'src="cid:checkin-qr"' in html
    [scanned] = zxingcpp.read_barcodes(Image.open(BytesIO(qr.get_payload(decode=True))))
    # A full QR code, not a Micro QR: phone cameras and browser scanners read only the former.
    assert scanned.format == zxingcpp.BarcodeFormat.QRCode
    assert scanned.text == booking.code


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_cancellation_email_names_the_booking_and_carries_no_ticket(monday_session, language):
    booking = booking_cancel(booking=booking_confirm(booking=held(monday_session, language)))

    message = delivered(booking, MessageKind.BOOKING_CANCELLED)

    text, html = bodies(message)
    assert booking.code in message["Subject"]
    title = "Hand-drawn Batik: the Tidayu Motif" if language == "en" else "Membatik Tulis Motif Tidayu"
    weekday = "Monday, 7 December 2026" if language == "en" else "Senin, 7 Desember 2026"
    for body in (text, html):
        assert booking.code in body
        assert title in body
        assert weekday in body
        assert "09:00" in body and "WIB" in body
    # A cancelled booking must not leave a usable check-in QR or a calendar entry behind.
    content_types = {p.get_content_type() for p in message.walk()}
    assert not content_types & {"image/png", "text/calendar"}


def test_the_hold_expired_email_names_the_released_booking(monday_session):
    booking = held(monday_session, "en")
    with time_machine.travel(booking.hold_expires_at, tick=False):
        assert holds_sweep() == 1

    message = delivered(booking, MessageKind.HOLD_EXPIRED)

    text, html = bodies(message)
    assert booking.code in message["Subject"]
    for body in (text, html):
        assert booking.code in body
        assert "Hand-drawn Batik: the Tidayu Motif" in body
        assert "Monday, 7 December 2026, 09:00–11:00 WIB" in body
    assert not {p.get_content_type() for p in message.walk()} & {"image/png", "text/calendar"}
