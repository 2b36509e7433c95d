"""As tourist B, as the host of workshop B and as nobody, ask every object endpoint for A's objects: 0 leaks.

Every path of the OpenAPI schema that has parameters is called with every method,
naming each of A's objects in turn (tests/security/paths.py says which). A private
object must answer 404 (403 for a signed-in tourist on the host API, 401 for nobody);
a public catalogue object may answer, but no answer may carry any of A's private
values (e-mails, phones, names, booking codes, tokens, drafts). The same requests made
by A's rightful caller must find the objects, so the probe cannot pass by naming
objects that do not exist. A new path with parameters fails the probe until it is
mapped: future endpoints are covered from the day they appear.
"""

import pytest
from django.conf import settings
from django.db import transaction
from rest_framework.test import APIClient

from bookings.payments.gateways.midtrans import notification_signature
from tests.security.bodies import BODIES, _midtrans_notification
from tests.security.paths import (
    API,
    PUBLIC_BY_DESIGN,
    Target,
    expand,
    openapi_schema,
    operations,
    request_properties,
    targets,
)
from tests.security.world import Side, World

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _call(client: APIClient, method: str, url: str, body: dict | None, query: dict | None = None):
    """One request, in a savepoint rolled back afterwards: each probe sees the same world."""
    if query:
        url = f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
    with transaction.atomic():
        try:
            if body is None:
                return getattr(client, method.lower())(url)
            return getattr(client, method.lower())(url, body, format="json")
        finally:
            transaction.set_rollback(True)


def _body(method: str, path: str, operation: dict, side: Side) -> dict | None:
    if "requestBody" not in operation and method == "GET":
        return None
    maker = BODIES.get((method, path))
    assert maker is not None or "requestBody" not in operation, (
        f"{method} {path} takes a body: add a normal one to tests/security/bodies.py"
    )
    return maker(side) if maker else None


GUEST = {"name": "Tamu Penguji", "email": "penguji@canting.test"}


def _as(caller: str, body: dict | None, operation: dict) -> dict | None:
    """Nobody signed in books and waits as a guest, with a contact (else the body, not the object, fails)."""
    if (
        caller == "nobody"
        and body is not None
        and "contact" in request_properties(openapi_schema(), operation)
    ):
        return {**body, "contact": GUEST}
    return body


def _leaked(response, side: Side) -> list[str]:
    text = response.content.decode("utf-8", errors="replace").casefold()
    return [value for value in side.private if value and value.casefold() in text]


def _refusals(caller: str, path: str) -> set[int]:
    """What a private object of A answers `caller` with: nothing that tells it exists."""
    if caller == "nobody":
        return {401, 404}
    if caller == "tourist B" and path.startswith(f"{API}/host/"):
        return {403}
    return {404}


def test_every_path_with_parameters_names_objects_in_the_probe(world: World):
    parametrised = {path for path in openapi_schema()["paths"] if "{" in path}
    mapped = set(targets(world.a))

    assert not parametrised - mapped, (
        "Paths with parameters the leak probe cannot fill: say which of a side's objects they name "
        f"in tests/security/paths.py: {sorted(parametrised - mapped)}"
    )
    assert not mapped - parametrised, f"Paths no longer in the schema: {sorted(mapped - parametrised)}"


def _probes(world: World) -> list[tuple[str, str, dict, Target]]:
    schema = openapi_schema()
    mapped = targets(world.a)
    return [
        (method, path, operation, target)
        for method, path, operation in operations(schema)
        if "{" in path
        for target in mapped[path]
    ]


def test_b_gets_none_of_as_objects_from_any_endpoint(world: World):
    callers = {
        "tourist B": _client(world.b.tourist),
        "host B": _client(world.b.owner),
        "nobody": _client(),
    }
    probes = _probes(world)
    problems = []
    for caller, client in callers.items():
        for method, path, operation, target in probes:
            url = expand(path, target.params)
            response = _call(
                client, method, url, _as(caller, _body(method, path, operation, world.b), operation)
            )
            where = f"{caller}: {method} {url} ({target.label}, {target.access})"
            if response.status_code >= 500:
                problems.append(f"{where} → {response.status_code}")
            if target.access != "public" and response.status_code not in _refusals(caller, path):
                problems.append(f"{where} → {response.status_code}: {response.content[:200]!r}")
            if leaked := _leaked(response, world.a):
                problems.append(f"{where} → {response.status_code} shows {leaked}")
    assert not problems, "\n".join(problems)
    assert len(probes) >= 80, len(probes)


def test_the_rightful_caller_finds_every_probed_object(world: World):
    """The control: the identifiers are real, so the refusals above are refusals, not typos."""
    rightful = {
        "host": _client(world.a.owner),
        "tourist": _client(world.a.tourist),
        "guest": _client(),
        "public": _client(world.b.tourist),
    }
    problems = []
    for method, path, operation, target in _probes(world):
        if target.access == "hidden":
            continue  # the host paths probe the same unpublished objects
        url = expand(path, target.params)
        query = {"token": target.token} if target.token else None
        response = _call(rightful[target.access], method, url, _body(method, path, operation, world.a), query)
        if response.status_code in (401, 403, 404) or response.status_code >= 500:
            problems.append(
                f"{method} {url} ({target.label}) → {response.status_code}: {response.content[:200]!r}"
            )
    assert not problems, "\n".join(problems)


def test_lists_and_body_identifiers_show_b_nothing_of_a(world: World):
    """Endpoints without path parameters: lists, and ones that take A's identifiers in the body."""
    a, b = world.a, world.b
    callers = {"tourist B": _client(b.tourist), "host B": _client(b.owner), "nobody": _client()}
    problems = []
    lists = [
        path for method, path, _op in operations(openapi_schema()) if method == "GET" and "{" not in path
    ]
    for caller, client in callers.items():
        for path in lists:
            response = _call(client, "GET", path, None)
            if response.status_code >= 500 or (leaked := _leaked(response, a)):
                problems.append(f"{caller}: GET {path} → {response.status_code} {leaked or ''}")
    host_b, tourist_b = callers["host B"], callers["tourist B"]
    by_body = [
        (host_b, "POST", f"{API}/host/check-in/", {"code": a.booking.code}, {404}),
        (host_b, "POST", f"{API}/host/check-in/undo/", {"code": a.guest_booking.code}, {404}),
        (
            host_b,
            "PATCH",
            f"{API}/host/notifications/",
            {"workshop": a.workshop.slug, "notify_bookings": False},
            {404},
        ),
        (
            host_b,
            "POST",
            f"{API}/host/sessions/{b.session.pk}/reschedule/",
            {"target_session": a.session.pk},
            {404},
        ),
        (tourist_b, "POST", f"{API}/host/invitations/accept/", {"token": a.invitation_token}, {403, 404}),
        (host_b, "POST", f"{API}/host/invitations/accept/", {"token": a.invitation_token}, {403, 404}),
        (tourist_b, "POST", f"{API}/bookings/", {"session": a.draft_session.pk, "seats": 1}, {404}),
        (tourist_b, "POST", f"{API}/sessions/{a.draft_session.pk}/waitlist/", {"seats": 1}, {404}),
    ]
    for client, method, url, body, refusals in by_body:
        response = _call(client, method, url, body)
        leaked = _leaked(response, a)
        if response.status_code not in refusals or leaked:
            problems.append(
                f"{method} {url} {body} → {response.status_code} {leaked}: {response.content[:200]!r}"
            )
    assert not problems, "\n".join(problems)


def test_every_operation_that_takes_no_sign_in_at_all_is_read_only_or_classified_with_a_reason():
    """No security requirement at all: the public catalogue (reads), or a gateway's webhook that says why."""
    unauthenticated_writes = {
        (method, path)
        for method, path, operation in operations(openapi_schema())
        if not operation.get("security") and method != "GET"
    }
    assert unauthenticated_writes == set(PUBLIC_BY_DESIGN), (
        "Operations anyone may change things with, with no sign-in: classify them (with the reason "
        f"they are safe) in tests/security/paths.py PUBLIC_BY_DESIGN: {sorted(unauthenticated_writes)}"
    )
    assert all(len(reason) > 80 for reason in PUBLIC_BY_DESIGN.values())


def _webhook(client: APIClient, path: str, body: dict, *, token: str = ""):
    headers = {"HTTP_X_CALLBACK_TOKEN": token} if token else {}
    with transaction.atomic():
        try:
            return client.post(path, body, format="json", **headers)
        finally:
            transaction.set_rollback(True)


def test_payment_webhooks_answer_as_orders_of_a_and_orders_that_do_not_exist_alike(world: World):
    """Forged or genuine, naming A's real order or an invented one: the same answer, saying nothing."""
    midtrans = f"{API}/payments/midtrans/notification/"
    xendit = f"{API}/payments/xendit/callback/"
    real_order, invented_order = world.a.transfer.order_id, "BTK-NOSUCH-1"

    def signed(order_id: str) -> dict:
        body = {**_midtrans_notification(world.a), "order_id": order_id}
        key = settings.MIDTRANS_SERVER_KEY
        fields = {name: body[name] for name in ("order_id", "status_code", "gross_amount")}
        return {**body, "signature_key": notification_signature(**fields, server_key=key)}

    def forged(order_id: str) -> dict:
        return {**signed(order_id), "signature_key": "0" * 128}

    def callback(order_id: str) -> dict:
        return {"id": "inv-nosuch", "external_id": order_id}

    token = settings.XENDIT_CALLBACK_TOKEN
    nobody = APIClient()
    cases = {
        "midtrans, signed": (200, lambda order: _webhook(nobody, midtrans, signed(order))),
        "midtrans, forged": (403, lambda order: _webhook(nobody, midtrans, forged(order))),
        "xendit, token": (200, lambda order: _webhook(nobody, xendit, callback(order), token=token)),
        "xendit, forged": (403, lambda order: _webhook(nobody, xendit, callback(order), token="forged")),
    }
    problems = []
    for name, (status, send) in cases.items():
        of_a, invented = send(real_order), send(invented_order)
        if (of_a.status_code, of_a.content) != (invented.status_code, invented.content):
            problems.append(f"{name}: {of_a.status_code} {of_a.content!r} vs {invented.status_code}")
        if of_a.status_code != status:
            problems.append(f"{name}: {of_a.status_code}, expected {status}")
        if leaked := _leaked(of_a, world.a):
            problems.append(f"{name}: shows {leaked}")
    assert not problems, "\n".join(problems)
