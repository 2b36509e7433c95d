"""Every answer carries the Content Security Policy: our own scripts and styles only."""

import pytest

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    directives = [
        part.strip().split() for part in response["Content-Security-Policy"].split(";") if part.strip()
    ]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize(
    "path", ["/", "/desa/", "/accounts/login/", "/api/v1/sessions/", "/healthz", "/admin/login/"]
)
def test_pages_and_api_answers_carry_the_strict_policy(client, path):
    response = client.get(path)

    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval, no other origin
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # Forms post to us; after confirming, the booking form may be redirected to a gateway's page.
    assert policy["form-action"][0] == "'self'"
    assert "https://checkout.xendit.co" in policy["form-action"]


def test_only_the_api_docs_page_may_load_swagger_ui_from_its_cdn(client):
    docs = _policy(client.get("/api/docs/"))
    home = _policy(client.get("/"))

    assert "https://cdn.jsdelivr.net" in docs["script-src"]
    assert "https://cdn.jsdelivr.net" not in home["script-src"]
    # The split view serves its init script from our origin (no inline script needed).
    assert client.get("/api/docs/?script=").status_code == 200


def test_the_configured_payment_gateway_may_receive_the_booking_forms_redirect(client, settings):
    from urllib.parse import urlsplit

    snap = urlsplit(settings.MIDTRANS_SNAP_URL)

    policy = _policy(client.get("/"))

    assert f"{snap.scheme}://{snap.netloc}" in policy["form-action"]
    assert "*" not in " ".join(policy["form-action"])
