"""Mass assignment: every writable endpoint, sent its normal body plus fields it must never take.

For each POST/PUT/PATCH operation of the schema the rightful caller sends a normal
valid body, then the same body with `status`, `seats_taken`, prices, ownership,
roles, codes, tokens... (every field of that list the operation does not take). Each
runs in a savepoint, and the database is read back afterwards: the extra fields must
change nothing (the stored rows equal those after the normal request), or the request
must be refused with 400 and change nothing at all.
"""

import json

import pytest
from django.conf import settings
from django.db import models, transaction
from rest_framework.test import APIClient

from bookings.models import Booking, BookingLine, WaitlistEntry
from bookings.payments.models import Payment
from core.models import User
from tests.factories import UserFactory
from tests.security.bodies import BODIES
from tests.security.paths import API, expand, openapi_schema, operations, request_properties, targets
from tests.security.world import World
from tourism.models import Village
from workshops.models import (
    BatikClass,
    ClassSession,
    ClosedDay,
    Invitation,
    PriceTier,
    ScheduleRule,
    Workshop,
    WorkshopMembership,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

WRITES = {"POST", "PUT", "PATCH"}
MODELS = [
    User,
    Village,
    Workshop,
    WorkshopMembership,
    Invitation,
    BatikClass,
    PriceTier,
    ClassSession,
    ScheduleRule,
    ClosedDay,
    Booking,
    BookingLine,
    WaitlistEntry,
    Payment,
]
# Operations that only act at their moment (the day of the session, after it, during an
# offer): in the seeded world they refuse with 409, and must refuse the same way with extras.
WAIT_FOR_THEIR_MOMENT = {
    ("POST", f"{API}/host/check-in/"),
    ("POST", f"{API}/host/check-in/undo/"),
    ("POST", f"{API}/host/sessions/{{id}}/no-shows/"),
    ("POST", f"{API}/waitlist/{{id}}/accept/"),
}
# Of the fields in forbidden_fields(), the ones an operation does take, on purpose. Written
# out rather than read from the schema: a field made writable by mistake shows up in the
# schema too, and must fail here until someone decides it belongs.
TAKES = {
    ("POST", f"{API}/bookings/"): {"session", "seats"},
    ("POST", f"{API}/host/check-in/"): {"code"},
    ("POST", f"{API}/host/check-in/undo/"): {"code"},
    ("POST", f"{API}/bookings/{{code}}/pay/"): {"method"},
    ("PATCH", f"{API}/host/classes/{{class_slug}}/"): {"is_published", "payment_methods"},
    ("POST", f"{API}/host/workshops/{{slug}}/classes/"): {"is_published", "payment_methods"},
    ("POST", f"{API}/host/classes/{{class_slug}}/rules/"): {"capacity"},
    ("PATCH", f"{API}/host/rules/{{id}}/"): {"capacity"},
    ("POST", f"{API}/host/classes/{{class_slug}}/sessions/"): {"capacity"},
    ("PATCH", f"{API}/host/sessions/{{id}}/"): {"capacity"},
    ("POST", f"{API}/host/classes/{{class_slug}}/tiers/"): {"amount"},
    ("PATCH", f"{API}/host/classes/{{class_slug}}/tiers/{{id}}/"): {"amount"},
    ("POST", f"{API}/host/workshops/{{slug}}/invitations/"): {"email", "role"},
    ("POST", f"{API}/host/invitations/accept/"): {"token"},
    ("PATCH", f"{API}/host/notifications/"): {"workshop", "notify_bookings"},
    ("PATCH", f"{API}/host/workshops/{{slug}}/members/{{id}}/"): {"role"},
    ("PATCH", f"{API}/host/workshops/{{slug}}/"): {
        "email",
        "hold_minutes",
        "payment_methods",
        "bank_name",
        "bank_account_number",
        "bank_account_holder",
    },
    # The gateways' own fields: what the notification is about (read again from the gateway).
    ("POST", f"{API}/payments/midtrans/notification/"): {"order_id"},
    ("POST", f"{API}/payments/xendit/callback/"): {"id", "status"},
    ("POST", f"{API}/sessions/{{id}}/waitlist/"): {"seats"},
}
# Values that differ between two identical requests (new random codes, the clock).
VOLATILE = {"code", "manage_nonce", "token_hash", "password"}
KEPT_TIMES = {"starts_at", "ends_at"}


def forbidden_fields(world: World) -> dict:
    """Fields nobody may set through the API, with values that would be noticed if stored."""
    b = world.b
    return {
        "id": 999_999,
        "pk": 999_999,
        "status": "cancelled",
        "seats_taken": 9,
        "seats_left": 99,
        "capacity": 499,
        "seats": 7,
        "amount": 1,
        "price": 1,
        "price_from": 1,
        "total": 1,
        "unit_price": 1,
        "currency": "USD",
        "user": b.tourist.pk,
        "owner": b.owner.pk,
        "workshop": b.workshop.pk,
        "batik_class": b.batik_class.pk,
        "session": b.session.pk,
        "village": b.workshop.village.pk,
        "rule": b.rule.pk,
        "booking": b.booking.code,
        "role": "owner",
        "is_staff": True,
        "is_superuser": True,
        "is_published": False,
        "slug": "forged-slug",
        "code": "BTK-FORGED",
        "manage_token": "forged-token",
        "manage_nonce": "forged-nonce",
        "token": "forged-token",
        "email": "forged@canting.test",
        "contact_email": "forged@canting.test",
        "checked_in_at": "2000-01-01T00:00:00Z",
        "confirmed_at": "2000-01-01T00:00:00Z",
        "hold_expires_at": "2100-01-01T00:00:00Z",
        "cancelled_at": "2000-01-01T00:00:00Z",
        "materialised_until": "2100-01-01",
        "accepted_at": "2000-01-01T00:00:00Z",
        "created_at": "2000-01-01T00:00:00Z",
        "free_cancel_until_start": True,
        "notify_bookings": False,
        "hold_minutes": 1,
        "method": "xendit",
        "payment_methods": ["xendit"],
        "bank_name": "Bank Palsu",
        "bank_account_number": "6666-6666",
        "bank_account_holder": "Penadah",
        "order_id": "BTK-FORGED-1",
        "provider_reference": "forged-reference",
        "checkout_url": "https://forged.example/pay",
        "paid_at": "2000-01-01T00:00:00Z",
        "refund_due": 1,
        "refunded_amount": 1,
        "refunded_at": "2000-01-01T00:00:00Z",
        "marked_by": b.owner.pk,
    }


def _kept(field: models.Field) -> bool:
    if field.primary_key or field.name in VOLATILE:
        return False
    return not (isinstance(field, models.DateTimeField) and field.name not in KEPT_TIMES)


def _seeded_ids() -> dict:
    """The highest id of each table before any request: a link above it names a row a request made."""
    return {
        model: model.objects.aggregate(top=models.Max("pk"))["top"] or 0
        for model in {
            *MODELS,
            *(f.related_model for m in MODELS for f in m._meta.concrete_fields if f.is_relation),
        }
    }


def _value(row, field: models.Field, seeded: dict):
    value = getattr(row, field.attname)
    # Rows made by the request get new ids in each run; links to them are compared as "new".
    if field.is_relation and value is not None and value > seeded.get(field.related_model, 0):
        return "new"
    if isinstance(value, list | dict):  # JSON (payment methods): compared by its text
        return json.dumps(value, sort_keys=True)
    return value


def snapshot(seeded: dict) -> dict[str, list[tuple]]:
    state = {}
    for model in MODELS:
        fields = [field for field in model._meta.concrete_fields if _kept(field)]
        state[model.__name__] = [
            tuple((field.name, _value(row, field, seeded)) for field in fields)
            for row in model.objects.order_by("pk")
        ]
    return state


def _differences(before: dict, after: dict) -> list[str]:
    changed = []
    for name in before:
        old, new = set(before[name]), set(after[name])
        if old != new:
            changed.append(f"{name}: was {sorted(old - new)[:1]} now {sorted(new - old)[:1]}")
    return changed


def _send(client: APIClient, method: str, url: str, body: dict, seeded: dict):
    with transaction.atomic():
        try:
            response = getattr(client, method.lower())(url, body, format="json")
            return response, snapshot(seeded)
        finally:
            transaction.set_rollback(True)


def _caller(world: World, path: str, access: str) -> APIClient:
    a = world.a
    client = APIClient()
    if path == f"{API}/payments/xendit/callback/":
        # A gateway, not a person: it proves itself with the callback token.
        client.credentials(HTTP_X_CALLBACK_TOKEN=settings.XENDIT_CALLBACK_TOKEN)
        return client
    if path == f"{API}/payments/midtrans/notification/":
        return client  # signed in the body (tests/security/bodies.py)
    if path == f"{API}/host/invitations/accept/":
        invitee = User.objects.filter(email=a.invitation.email).first()
        client.force_authenticate(invitee or UserFactory(email=a.invitation.email))
    elif access == "public" or path == f"{API}/bookings/":
        # A's tourist already waits for A's full session; B's has not booked A's workshop yet.
        client.force_authenticate(world.b.tourist if access == "public" else a.tourist)
    elif path.startswith(f"{API}/me/"):
        client.force_authenticate(User.objects.get(pk=a.tourist.pk))
    elif access == "tourist" or path.startswith(f"{API}/bookings/"):
        client.force_authenticate(a.tourist)
    else:
        client.force_authenticate(a.owner)
    return client


def _target(world: World, path: str):
    """The first object of A the path can name (none for paths without parameters)."""
    if "{" not in path:
        return {}, "host"
    usable = [t for t in targets(world.a)[path] if t.access in ("host", "tourist", "public")]
    # Waitlist joins need a session with no free seats, confirming a held booking; others take the first.
    target = usable[0]
    if path.endswith("/waitlist/"):
        target = usable[-1]
    elif path.endswith(("/confirm/", "/pay/")):
        target = next(t for t in usable if t.label == "tourist's held booking")
    return target.params, target.access


def test_no_writable_endpoint_stores_fields_it_does_not_take(world: World):
    schema = openapi_schema()
    forbidden = forbidden_fields(world)
    writes = [(m, p, op) for m, p, op in operations(schema) if m in WRITES]
    missing = [f"{m} {p}" for m, p, _op in writes if (m, p) not in BODIES]
    assert not missing, f"Give these a normal body in tests/security/bodies.py: {missing}"

    seeded = _seeded_ids()
    problems = []
    tried = 0
    for method, path, operation in writes:
        params, access = _target(world, path)
        url = expand(path, params)
        body = BODIES[(method, path)](world.a)
        takes = TAKES.get((method, path), set())
        if undecided := (request_properties(schema, operation) & forbidden.keys()) - takes:
            problems.append(f"{method} {path} takes {sorted(undecided)}: on purpose? Then add them to TAKES")
        extras = {k: v for k, v in forbidden.items() if k not in takes}
        before = snapshot(seeded)

        # A client for each request: deleting an account clears the pk of the user object it signed in.
        normal, after_normal = _send(_caller(world, path, access), method, url, body, seeded)
        forged, after_forged = _send(_caller(world, path, access), method, url, {**body, **extras}, seeded)
        tried += len(extras)

        where = f"{method} {url}"
        if normal.status_code == 409 and (method, path) in WAIT_FOR_THEIR_MOMENT:
            if forged.status_code not in (400, 409) or _differences(before, after_forged):
                problems.append(f"{where}: {forged.status_code} with extra fields, 409 without")
            continue
        if normal.status_code >= 400:
            problems.append(
                f"{where}: the normal body failed ({normal.status_code} {normal.content[:300]!r})"
            )
            continue
        if forged.status_code == 400:
            if changed := _differences(before, after_forged):
                problems.append(f"{where}: refused, yet changed {changed}")
        elif forged.status_code != normal.status_code:
            problems.append(f"{where}: {forged.status_code} with extra fields, {normal.status_code} without")
        elif changed := _differences(after_normal, after_forged):
            problems.append(f"{where}: extra fields were stored: {changed}")
    assert not problems, "\n".join(problems)
    assert len(writes) >= 25 and tried >= 25 * 30, (len(writes), tried)
