"""Automated accessibility checks (axe-core, WCAG 2 A and AA) of Canting's pages in Chromium."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}
AXE_RUN = """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})
    .then(results => results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map(n => n.target.join(' ')),
    })))"""


def _violations(page, label: str) -> list[dict]:
    """axe's WCAG 2 A/AA violations on the page as it stands, every one printed; the serious ones returned."""
    # Evaluated through the DevTools protocol: an injected <script> tag is inline script,
    # which the site's Content Security Policy rightly refuses.
    page.evaluate(AXE.read_text())
    violations = page.evaluate(AXE_RUN)
    for v in violations:
        print(f"[{label}] {v['id']} ({v['impact']}): {v['help']} -> {', '.join(v['targets'])}")
    return [v for v in violations if v["impact"] in BLOCKING]


def _log_in(page, live_server, email: str, next_path: str) -> None:
    page.goto(f"{live_server.url}{next_path}")
    page.wait_for_url(f"**/accounts/login/?next={next_path}")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


@pytest.mark.parametrize("which", ["home", "village", "workshop", "class", "session", "login"])
def test_a_public_page_has_no_serious_accessibility_violations(live_server, page, catalogue, which):
    batik_class = catalogue["class"]
    path = {
        "home": "/",
        "village": f"/desa/{batik_class.workshop.village.slug}/",
        "workshop": f"/sanggar/{batik_class.workshop.slug}/",
        "class": f"/kelas/{batik_class.slug}/",
        "session": f"/sesi/{catalogue['open'].pk}/",
        "login": "/accounts/login/",
    }[which]

    page.goto(f"{live_server.url}{path}")

    assert _violations(page, path) == []


def test_the_booking_page_after_a_guest_booking_has_no_serious_violations(live_server, page, catalogue):
    adult = catalogue["class"].price_tiers.order_by("position").first()
    page.goto(f"{live_server.url}/sesi/{catalogue['open'].pk}/")
    page.fill(f"input[name=tier_{adult.pk}]", "2")
    page.fill("input[name=name]", "Rina Wulandari")
    page.fill("input[name=email]", "rina@example.id")
    page.fill("input[name=phone]", "0812 3456 7890")
    page.click("form#book button[type=submit]")
    page.wait_for_url(re.compile(r"/bookings/BTK-\w+/hold/\?token="))
    assert _violations(page, "hold") == []
    page.click("button[name=action][value=confirm]")
    page.wait_for_url(re.compile(r"/bookings/BTK-\w+/\?token="))

    assert _violations(page, "booking") == []


def test_the_host_roster_has_no_serious_violations(live_server, page, host_world):
    roster = f"/host/sessions/{host_world['session'].pk}/"
    _log_in(page, live_server, host_world["owner"].email, roster)
    assert page.url.endswith(roster)

    assert _violations(page, roster) == []


def test_the_coordinator_dashboard_has_no_serious_violations(live_server, page, host_world):
    _log_in(page, live_server, host_world["coordinator"].email, "/koordinator/")
    assert page.url.endswith("/koordinator/")

    assert _violations(page, "/koordinator/") == []


FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName, type: el.getAttribute('type'), text: (el.innerText || el.name || '').trim(),
        inBook: !!el.closest('form#book'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
    };
}"""


def test_the_session_booking_form_can_be_used_by_keyboard_with_a_visible_focus(live_server, page, catalogue):
    page.goto(f"{live_server.url}/sesi/{catalogue['open'].pk}/")
    focused, reached_submit = [], False
    for _ in range(60):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUSED)
        if state["tag"] == "BODY":
            continue
        focused.append(state)
        if state["inBook"] and state["tag"] == "BUTTON" and state["type"] == "submit":
            reached_submit = True
            break

    assert reached_submit, f"Tab never reached the booking form's submit button: {focused}"
    with translation.override("id"):
        assert focused[-1]["text"] == translation.gettext("Hold my seats")
    invisible = [f for f in focused if not (f["outline"] or f["shadow"])]
    assert invisible == [], f"focused without a visible outline: {invisible}"
