"""Every OpenAPI path with parameters, mapped to one side's real objects.

`targets(side)` is the single list the security tests share. A path in the schema
that is missing here fails the tests that use it: a new endpoint is probed from
the day it appears, once someone says which objects it names.

Each target says who may reach it:
  public  — the published catalogue: anyone may read it (and join its waitlists);
  hidden  — not published: nobody reaches it through this (public) path;
  host    — the side's workshop members only;
  tourist — the side's signed-in tourist only;
  guest   — a guest who holds the object's token only.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from tests.security.world import Side

Access = Literal["public", "hidden", "host", "tourist", "guest"]
API = "/api/v1"


@dataclass(frozen=True)
class Target:
    params: dict
    access: Access
    label: str
    # A guest proves ownership with a token; only the rightful caller sends it.
    token: str = ""
    query: dict = field(default_factory=dict)


def targets(side: Side) -> dict[str, list[Target]]:
    s = side
    booking_targets = [
        Target({"code": s.booking.code}, "tourist", "tourist's booking"),
        Target({"code": s.held_booking.code}, "tourist", "tourist's held booking"),
        Target({"code": s.guest_booking.code}, "guest", "guest's booking", token=s.guest_manage_token),
    ]
    waitlist_targets = [
        Target({"id": s.waitlist_entry.pk}, "tourist", "tourist's waitlist entry"),
        Target(
            {"id": s.guest_waitlist_entry.pk},
            "guest",
            "guest's waitlist entry",
            token=s.guest_waitlist_token,
        ),
    ]
    host_classes = [
        Target({"class_slug": s.batik_class.slug}, "host", "published class"),
        Target({"class_slug": s.draft_class.slug}, "host", "draft class"),
    ]
    host_sessions = [
        Target({"id": s.session.pk}, "host", "session with bookings"),
        Target({"id": s.full_session.pk}, "host", "full session with a waitlist"),
        Target({"id": s.draft_session.pk}, "host", "session of a draft class"),
    ]
    host_bookings = [
        Target({"code": s.held_booking.code}, "host", "held booking waiting for a bank transfer"),
        Target({"code": s.booking.code}, "host", "confirmed booking paid at the workshop"),
        Target({"code": s.guest_booking.code}, "host", "guest's booking"),
        Target({"code": s.refund_booking.code}, "host", "cancelled booking whose transfer is owed back"),
    ]
    # The first target is the one the mass-assignment test acts on: a refund owed, for `refunded`.
    host_refunds = [host_bookings[3], *host_bookings[:3]]
    workshop = [Target({"slug": s.workshop.slug}, "host", "workshop")]
    public_sessions = [
        Target({"id": s.session.pk}, "public", "published session"),
        Target({"id": s.full_session.pk}, "public", "published full session"),
        Target({"id": s.draft_session.pk}, "hidden", "session of a draft class"),
    ]
    return {
        f"{API}/bookings/{{code}}/": booking_targets,
        f"{API}/bookings/{{code}}/calendar.ics": booking_targets,
        f"{API}/bookings/{{code}}/cancel/": booking_targets,
        f"{API}/bookings/{{code}}/confirm/": booking_targets,
        f"{API}/bookings/{{code}}/pay/": booking_targets,
        f"{API}/bookings/{{code}}/qr.svg": booking_targets,
        f"{API}/classes/{{slug}}/": [
            Target({"slug": s.batik_class.slug}, "public", "published class"),
            Target({"slug": s.draft_class.slug}, "hidden", "draft class"),
        ],
        f"{API}/host/bookings/{{code}}/payment/paid/": host_bookings,
        f"{API}/host/bookings/{{code}}/payment/refunded/": host_refunds,
        f"{API}/host/bookings/{{code}}/payment/reject/": host_bookings,
        f"{API}/host/classes/{{class_slug}}/": host_classes,
        f"{API}/host/classes/{{class_slug}}/rules/": host_classes,
        f"{API}/host/classes/{{class_slug}}/sessions/": host_classes,
        f"{API}/host/classes/{{class_slug}}/tiers/": host_classes,
        f"{API}/host/classes/{{class_slug}}/tiers/{{id}}/": [
            Target({"class_slug": s.batik_class.slug, "id": s.tier.pk}, "host", "price tier"),
            Target({"class_slug": s.draft_class.slug, "id": s.draft_tier.pk}, "host", "draft class's tier"),
        ],
        f"{API}/host/rules/{{id}}/": [Target({"id": s.rule.pk}, "host", "schedule rule")],
        f"{API}/host/sessions/{{id}}/": host_sessions,
        f"{API}/host/sessions/{{id}}/cancel/": host_sessions,
        f"{API}/host/sessions/{{id}}/no-shows/": host_sessions,
        f"{API}/host/sessions/{{id}}/reschedule/": host_sessions,
        f"{API}/host/sessions/{{id}}/roster/": host_sessions,
        f"{API}/host/workshops/{{slug}}/": workshop,
        f"{API}/host/workshops/{{slug}}/audit/": workshop,
        f"{API}/host/workshops/{{slug}}/classes/": workshop,
        f"{API}/host/workshops/{{slug}}/closed-days/": workshop,
        f"{API}/host/workshops/{{slug}}/closed-days/{{id}}/": [
            Target({"slug": s.workshop.slug, "id": s.closed_day.pk}, "host", "closed day")
        ],
        f"{API}/host/workshops/{{slug}}/invitations/": workshop,
        f"{API}/host/workshops/{{slug}}/members/": workshop,
        f"{API}/host/workshops/{{slug}}/members/{{id}}/": [
            Target({"slug": s.workshop.slug, "id": s.staff.pk}, "host", "staff membership")
        ],
        f"{API}/sessions/{{id}}/": public_sessions,
        f"{API}/sessions/{{id}}/waitlist/": public_sessions,
        f"{API}/villages/{{slug}}/": [Target({"slug": s.workshop.village.slug}, "public", "village")],
        f"{API}/waitlist/{{id}}/": waitlist_targets,
        f"{API}/waitlist/{{id}}/accept/": waitlist_targets,
        f"{API}/workshops/{{slug}}/": [Target({"slug": s.workshop.slug}, "public", "published workshop")],
    }


# Operations anyone may call without being anybody: who they answer is decided by a secret in the
# request, not by an account, so they are outside the "A's objects, B's callers" probe. Each says why
# it is safe; the leak probe checks that they answer an unsigned or unknown request the same way.
PUBLIC_BY_DESIGN = {
    ("POST", f"{API}/payments/midtrans/notification/"): (
        "Midtrans calls it, not a person: only a body signed with the server key (SHA-512) is acted "
        "on, and then only on what Midtrans itself answers when asked; a verified notification is "
        "answered 200 whatever order it names, so it never tells whether an order exists."
    ),
    ("POST", f"{API}/payments/xendit/callback/"): (
        "Xendit calls it, not a person: only a request with the account's x-callback-token is acted "
        "on, and then only on the invoice as Xendit answers it; a verified callback is answered 200 "
        "whatever invoice it names, so it never tells whether an order exists."
    ),
}


@cache
def openapi_schema() -> dict:
    """The schema as clients get it from /api/schema/ (JSON)."""
    from django.test import Client

    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


METHODS = ("get", "post", "put", "patch", "delete")


def operations(schema: dict) -> list[tuple[str, str, dict]]:
    """(METHOD, path, operation) for every operation in the schema."""
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def expand(path: str, params: dict) -> str:
    for name, value in params.items():
        path = path.replace("{" + name + "}", str(value))
    assert "{" not in path, path
    return path


def request_properties(schema: dict, operation: dict) -> set[str]:
    """The JSON body's property names of an operation (empty without a body)."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref")
    if not ref:
        return set()
    return set(schema["components"]["schemas"][ref.rsplit("/", 1)[1]].get("properties", {}))
