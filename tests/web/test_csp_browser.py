"""The Content Security Policy holds on every kind of page, and nothing on them breaks under it.

Chromium reports each blocked script, style or image on the console; a page
that needs something the policy forbids fails here before it fails for a tourist.
"""

import re

import pytest

from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_a_guest_books_under_the_policy_without_a_single_violation(live_server, page, catalogue):
    violations = _watch(page)
    batik_class, session = catalogue["class"], catalogue["open"]

    for path in ("/", "/desa/", f"/kelas/{batik_class.slug}/", f"/sesi/{catalogue['full'].pk}/"):
        response = page.goto(f"{live_server.url}{path}")
        assert "script-src 'self'" in response.headers["content-security-policy"], path
    page.goto(f"{live_server.url}/sesi/{session.pk}/")
    adult = batik_class.price_tiers.order_by("position").first()
    page.fill(f"input[name=tier_{adult.pk}]", "1")
    page.fill("input[name=name]", "Rina Wulandari")
    page.fill("input[name=email]", "rina@example.id")
    page.fill("input[name=phone]", "0812 3456 7890")
    page.click("form#book button[type=submit]")
    page.wait_for_url(re.compile(r"/bookings/BTK-\w+/hold/\?token="))
    # canting.js (a file, allowed) draws the countdown.
    assert re.fullmatch(r"1?\d:\d\d", page.locator(".countdown").inner_text())
    page.click("button[name=action][value=confirm]")
    page.wait_for_url(re.compile(r"/bookings/BTK-\w+/\?token="))
    assert page.locator(".qr svg").is_visible()

    assert violations == []


def test_host_and_coordinator_pages_keep_the_policy(live_server, page, host_world):
    violations = _watch(page)
    roster = f"/host/sessions/{host_world['session'].pk}/"
    page.goto(f"{live_server.url}{roster}")
    page.wait_for_url(f"**/accounts/login/?next={roster}")
    page.fill("input[name=login]", host_world["owner"].email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    for path in (roster, "/host/"):
        response = page.goto(f"{live_server.url}{path}")
        assert (
            response.status == 200 and "frame-ancestors 'none'" in response.headers["content-security-policy"]
        )

    assert violations == []
