"""schemathesis against /api/schema/: every operation, as a tourist and as a host, with every default check.

The requests go through Django's real WSGI application in-process, inside the test's
transaction. Cases are positive (valid by the schema) and negative (invalid); a third
of the positive ones name the caller's own real objects in the path, so detail and
state-changing endpoints work on real bookings, sessions and classes rather than only
answering 404. Each example runs in a savepoint that is rolled back, so every request
sees the same seeded world.

Left out, with reasons:
  - the allauth headless endpoints (/_allauth/...): not in our schema; allauth tests them.
  - /api/schema/ and /api/docs/: not API operations.
"""

import os

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.security.conftest import session_token
from tests.security.paths import targets

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# Rules that depend on stored state, the clock or several fields at once, which JSON
# Schema cannot state: a request valid by the schema may still break one and get a 400
# with one of these stable codes. Any other 400 for schema-valid data means the schema
# promises more than the server accepts, and fails the test.
BUSINESS_RULES = {
    "invalid_booking": "more seats than the class allows per booking (set by the host)",
    "invalid_phone": "a phone number must be one that exists (libphonenumber), not only look like one",
    "session_in_past": "a session starts in the future (the clock)",
    "date_order": "a period ends on or after its first day (two fields)",
    "period_too_long": "a closed period is at most a year (two fields)",
    "class_limits": "minimum ≤ maximum participants ≥ seats per booking (several fields, some stored)",
    "password_incorrect": "deleting an account takes the account's password (or e-mail): a stored secret",
}

# The same examples on every run, so CI is repeatable; CANTING_FUZZ_EXAMPLES=50 explores
# further with fresh random examples (run it after changing the API).
EXPLORE = int(os.environ.get("CANTING_FUZZ_EXAMPLES", "0"))
EXAMPLES_PER_OPERATION = EXPLORE or 10
MIN_REQUESTS = 1000

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[p for p in settings.default.phases if p.name != "shrink"],
)


def _strategy(operation, own: list) -> st.SearchStrategy:
    strategies = [
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    for target in own:
        strategies.append(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=target.params)
        )
    return st.one_of(*strategies)


@schemathesis.check
def positive_data_acceptance_but_business_rules(ctx, response, case):
    """schemathesis's positive_data_acceptance, except a 400 naming one of BUSINESS_RULES."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except Failure:
        if response.status_code == 400 and _error_code(response) in BUSINESS_RULES:
            return None
        raise


def _error_code(response) -> str | None:
    try:
        return response.json().get("code")
    except (ValueError, AttributeError):
        return None


def _describe(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, BaseExceptionGroup):
        text += "".join(f"\n  - {type(e).__name__}: {str(e)[:600]}" for e in exc.exceptions)
    return text[:3000]


def _fuzz(wsgi_app, side, user) -> tuple[int, list[str]]:
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    own = targets(side)
    headers = {"X-Session-Token": session_token(user)}
    sent = 0
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = _strategy(operation, own.get(operation.path, []))

        @FUZZ_SETTINGS
        @given(case=strategy)
        def run(case) -> None:
            nonlocal sent
            with transaction.atomic():
                try:
                    sent += 1
                    case.call_and_validate(
                        headers=headers,
                        excluded_checks=[positive_data_acceptance],
                        additional_checks=[positive_data_acceptance_but_business_rules],
                    )
                finally:
                    transaction.set_rollback(True)

        try:
            run()
        # Every failing operation is reported, not only the first (schemathesis groups its checks' failures).
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001
            failures.append(f"{operation.method.upper()} {operation.path}: {_describe(exc)}")
    return sent, failures


def test_schemathesis_as_a_tourist_and_as_a_host(world, wsgi_app):
    sent_as_tourist, tourist_failures = _fuzz(wsgi_app, world.a, world.a.tourist)
    sent_as_host, host_failures = _fuzz(wsgi_app, world.a, world.a.owner)

    print(f"schemathesis: {sent_as_tourist} requests as a tourist, {sent_as_host} as a host")
    failures = [f"[tourist] {f}" for f in tourist_failures] + [f"[host] {f}" for f in host_failures]
    assert not failures, "\n\n".join(failures)
    assert sent_as_tourist + sent_as_host >= MIN_REQUESTS, (sent_as_tourist, sent_as_host)
