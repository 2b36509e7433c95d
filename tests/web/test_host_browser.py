"""A host and a coordinator in a real browser (Chromium on a phone-sized screen)."""

from datetime import timedelta

import pytest

from bookings.models import BookingStatus
from tests.factories import ClassSessionFactory
from tests.web.conftest import ARTIFACTS, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, email: str, next_path: str) -> None:
    """Through allauth's own login page, the way a person signs in."""
    page.goto(f"{live_server.url}{next_path}")
    page.wait_for_url(f"**/accounts/login/?next={next_path}")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_the_host_logs_in_opens_the_roster_and_checks_the_guest_in_by_code(live_server, page, host_world):
    session, booking = host_world["session"], host_world["booking"]
    roster = f"/host/sessions/{session.pk}/"

    _log_in(page, live_server, host_world["owner"].email, roster)

    assert page.url.endswith(roster)
    row = page.locator(f"#booking-{booking.code}")
    assert "Siti Nurhaliza" in row.inner_text()
    assert row.get_attribute("data-status") == "confirmed"
    # The guest reads the code out loud; the host types it loosely.
    page.fill("#check-in input[name=code]", booking.code.lower().replace("-", " "))
    with page.expect_navigation():
        page.click("#check-in button[name=action][value=check_in]")

    row = page.locator(f"#booking-{booking.code}")
    assert row.get_attribute("data-status") == "attended"
    assert "Hadir" in row.locator(".booking-status").inner_text()
    assert "WIB" in row.inner_text()
    assert "Siti Nurhaliza" in page.locator(".notice").inner_text()
    assert "2" in page.locator("#roster-totals").inner_text()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    assert booking.checked_in_by == host_world["owner"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The printed roster: a plain table without the forms, one tick box per guest not yet in.
    page.emulate_media(media="print")
    assert not page.locator("#check-in").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 794, "height": 1123})
    page.screenshot(path=str(ARTIFACTS / "host_roster_print.png"), full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})


def test_the_coordinator_dashboard_draws_the_months_figures_as_bar_charts(live_server, page, host_world):
    workshop = host_world["workshop"]

    _log_in(page, live_server, host_world["coordinator"].email, "/koordinator/")

    assert page.url.endswith("/koordinator/")
    for chart in ("bookings", "seats", "gross_income", "fill_rate"):
        bars = page.locator(f"#chart-{chart} svg rect.bar")
        # Every workshop has a bar (ours and the other owner's), drawn on the server.
        assert bars.count() >= 2, chart
        assert page.locator(f"#chart-{chart} svg").is_visible()
    top = page.locator("#chart-gross_income svg g").first
    assert workshop.name in top.text_content()
    assert "Rp100.000" in top.text_content()
    assert float(top.locator("rect.bar").get_attribute("width")) == 220
    assert "Rp100.000" in page.locator("#report-table tfoot").inner_text()
    # 360 px: the wide table scrolls inside its own box, the page does not.
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_host_pages_fit_a_360_px_phone(live_server, page, host_world):
    session, workshop = host_world["session"], host_world["workshop"]
    # A later session today: its row carries the capacity form and the cancel link.
    ClassSessionFactory(batik_class=session.batik_class, starts_at=session.starts_at + timedelta(hours=3))
    _log_in(page, live_server, host_world["owner"].email, "/host/")
    page.set_viewport_size({"width": 360, "height": 740})
    paths = {
        "dashboard": "/host/",
        "roster": f"/host/sessions/{session.pk}/",
        "cancel": f"/host/sessions/{session.pk}/cancel/",
        "members": f"/host/sanggar/{workshop.slug}/anggota/",
    }
    too_wide = {}
    ARTIFACTS.mkdir(exist_ok=True)
    for name, path in paths.items():
        page.goto(f"{live_server.url}{path}")
        if name == "dashboard":
            page.click("#new-rule summary")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
        page.screenshot(path=str(ARTIFACTS / f"host_360_{name}.png"), full_page=True)

    assert too_wide == {}
