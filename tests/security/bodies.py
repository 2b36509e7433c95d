"""A normal, valid body for every operation that takes one, by (METHOD, path).

The leak probe sends them with another side's identifiers (so a missing ownership
check would really act), the mass-assignment test adds forbidden fields to them.
An operation with a request body in the schema and no entry here fails those tests.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from bookings.payments.gateways.midtrans import notification_signature
from tests.security.paths import API
from tests.security.world import PASSWORD, Side


def _future(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


def _date(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _midtrans_notification(side: Side) -> dict:
    """What Midtrans sends about the side's transfer order, signed with the server key in settings."""
    order_id, status_code, gross_amount = side.transfer.order_id, "201", f"{side.transfer.amount}.00"
    return {
        "order_id": order_id,
        "status_code": status_code,
        "gross_amount": gross_amount,
        "transaction_status": "pending",
        "signature_key": notification_signature(
            order_id=order_id,
            status_code=status_code,
            gross_amount=gross_amount,
            server_key=settings.MIDTRANS_SERVER_KEY,
        ),
    }


BODIES: dict[tuple[str, str], Callable[[Side], dict]] = {
    ("POST", f"{API}/bookings/"): lambda s: {"session": s.session.pk, "seats": 1},
    ("POST", f"{API}/bookings/{{code}}/cancel/"): lambda s: {},
    ("POST", f"{API}/bookings/{{code}}/confirm/"): lambda s: {},
    ("POST", f"{API}/bookings/{{code}}/pay/"): lambda s: {"method": "bank_transfer"},
    ("POST", f"{API}/host/bookings/{{code}}/payment/paid/"): lambda s: {"note": "Transfer masuk"},
    ("POST", f"{API}/host/bookings/{{code}}/payment/reject/"): lambda s: {"reason": "Tidak ada transfer"},
    ("POST", f"{API}/host/bookings/{{code}}/payment/refunded/"): lambda s: {"note": "Dikembalikan tunai"},
    ("POST", f"{API}/payments/midtrans/notification/"): _midtrans_notification,
    ("POST", f"{API}/payments/xendit/callback/"): lambda s: {
        "id": f"inv-rahasia-{s.letter.lower()}",
        "external_id": s.transfer.order_id,
        "status": "PAID",
    },
    ("POST", f"{API}/host/check-in/"): lambda s: {"code": s.booking.code},
    ("POST", f"{API}/host/check-in/undo/"): lambda s: {"code": s.booking.code},
    ("PATCH", f"{API}/host/classes/{{class_slug}}/"): lambda s: {"title_en": "Renamed class", "min_age": 9},
    ("POST", f"{API}/host/classes/{{class_slug}}/rules/"): lambda s: {
        "weekdays": [3],
        "start_time": "10:00",
        "capacity": 6,
        "valid_from": _date(1),
        "valid_until": _date(30),
    },
    ("POST", f"{API}/host/classes/{{class_slug}}/sessions/"): lambda s: {
        "starts_at": _future(12),
        "capacity": 6,
        "note": "Sesi tambahan",
    },
    ("POST", f"{API}/host/classes/{{class_slug}}/tiers/"): lambda s: {
        "label_ind": "Pelajar",
        "amount": 30000,
        "position": 2,
    },
    ("PATCH", f"{API}/host/classes/{{class_slug}}/tiers/{{id}}/"): lambda s: {"label_en": "Grown-up"},
    ("DELETE", f"{API}/host/classes/{{class_slug}}/tiers/{{id}}/"): lambda s: {},
    ("POST", f"{API}/host/invitations/accept/"): lambda s: {"token": s.invitation_token},
    ("PATCH", f"{API}/host/notifications/"): lambda s: {
        "workshop": s.workshop.slug,
        "notify_bookings": False,
    },
    ("PATCH", f"{API}/host/rules/{{id}}/"): lambda s: {"capacity": 7},
    ("DELETE", f"{API}/host/rules/{{id}}/"): lambda s: {},
    ("PATCH", f"{API}/host/sessions/{{id}}/"): lambda s: {"note": "Bawa celemek"},
    ("POST", f"{API}/host/sessions/{{id}}/cancel/"): lambda s: {"reason": "Banjir"},
    ("POST", f"{API}/host/sessions/{{id}}/no-shows/"): lambda s: {},
    ("POST", f"{API}/host/sessions/{{id}}/reschedule/"): lambda s: {"starts_at": _future(9)},
    ("PATCH", f"{API}/host/workshops/{{slug}}/"): lambda s: {"address": "Jl. Baru No. 2, Singkawang"},
    ("POST", f"{API}/host/workshops/{{slug}}/classes/"): lambda s: {
        "title_ind": "Kelas Jumputan Baru",
        "technique": "jumputan",
        "duration_minutes": 60,
    },
    ("POST", f"{API}/host/workshops/{{slug}}/closed-days/"): lambda s: {
        "date_from": _date(40),
        "date_to": _date(41),
        "reason": "Libur",
    },
    ("PATCH", f"{API}/host/workshops/{{slug}}/closed-days/{{id}}/"): lambda s: {"reason": "Perbaikan"},
    ("DELETE", f"{API}/host/workshops/{{slug}}/closed-days/{{id}}/"): lambda s: {},
    ("POST", f"{API}/host/workshops/{{slug}}/invitations/"): lambda s: {
        "email": "baru@canting.test",
        "role": "staff",
    },
    ("PATCH", f"{API}/host/workshops/{{slug}}/members/{{id}}/"): lambda s: {"role": "staff"},
    ("DELETE", f"{API}/host/workshops/{{slug}}/members/{{id}}/"): lambda s: {},
    ("POST", f"{API}/me/delete/"): lambda s: {"password": PASSWORD},
    ("POST", f"{API}/sessions/{{id}}/waitlist/"): lambda s: {"seats": 1},
    ("DELETE", f"{API}/waitlist/{{id}}/"): lambda s: {},
    ("POST", f"{API}/waitlist/{{id}}/accept/"): lambda s: {},
}
