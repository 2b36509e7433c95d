"""The fake gateways themselves: the tourist's page, what they send, when they expire, the command."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from bookings.payments.gateways.http import request_json
from bookings.payments.gateways.midtrans import MidtransClient, signature_is_valid
from bookings.payments.gateways.xendit import XenditClient
from tests.payments.conftest import MIDTRANS_SERVER_KEY, XENDIT_CALLBACK_TOKEN, XENDIT_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]


class Receiver:
    """A stand-in merchant endpoint that records what the fake POSTs to it."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {name.lower(): value for name, value in self.headers.items()}
                received.append((self.path, headers, json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 5) -> list:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


@pytest.fixture
def receiver(fake_gateways):
    receiver = Receiver()
    fake_gateways.configure(notify_base=receiver.url)
    yield receiver
    receiver.httpd.shutdown()
    receiver.httpd.server_close()


@pytest.fixture
def midtrans(fake_gateways) -> MidtransClient:
    return MidtransClient(
        server_key=MIDTRANS_SERVER_KEY,
        snap_url=fake_gateways.midtrans_url,
        api_url=fake_gateways.midtrans_url,
        timeout=5,
    )


@pytest.fixture
def xendit(fake_gateways) -> XenditClient:
    return XenditClient(secret_key=XENDIT_SECRET_KEY, api_url=fake_gateways.xendit_url, timeout=5)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def submit(url: str, form: dict[str, str]) -> tuple[int, str]:
    """Press a button on the page: a form POST, without following the redirect."""
    opener = urllib.request.build_opener(NoRedirect())
    request = urllib.request.Request(url, data=urlencode(form).encode(), method="POST")
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", "")


def test_pay_on_the_midtrans_page_sends_a_signed_notification_and_returns_to_the_finish_url(
    midtrans, receiver
):
    snap = midtrans.create_transaction(
        order_id="CTG-PAGE-1", gross_amount=75000, expiry_minutes=15, finish_url="http://shop.test/done?x=1"
    )
    page = urllib.request.urlopen(snap.redirect_url, timeout=10).read().decode()
    assert "Rp75.000" in page and "CTG-PAGE-1" in page and ">Pay<" in page and ">Fail<" in page

    status, location = submit(snap.redirect_url + "/pay", {"channel": "qris"})

    assert status == 303
    query = parse_qs(urlsplit(location).query)
    assert location.startswith("http://shop.test/done?x=1&")
    assert (query["order_id"], query["transaction_status"], query["status_code"]) == (
        ["CTG-PAGE-1"],
        ["settlement"],
        ["200"],
    )
    [(path, headers, body)] = receiver.wait_for(1)
    assert path == "/api/v1/payments/midtrans/notification/"
    assert headers["content-type"] == "application/json"
    assert (body["transaction_status"], body["gross_amount"], body["payment_type"]) == (
        "settlement",
        "75000.00",
        "qris",
    )
    assert signature_is_valid(body, server_key=MIDTRANS_SERVER_KEY)
    # Pressing Pay again (a double click) pays nothing twice.
    assert submit(snap.redirect_url + "/pay", {"channel": "qris"})[0] == 303
    assert len(receiver.wait_for(2, timeout=0.5)) == 1


def test_fail_on_the_midtrans_page_denies_the_transaction(midtrans, receiver):
    snap = midtrans.create_transaction(order_id="CTG-PAGE-2", gross_amount=75000, expiry_minutes=15)

    status, _location = submit(snap.redirect_url + "/fail", {})

    assert status == 200
    assert midtrans.status("CTG-PAGE-2").transaction_status == "deny"
    [(_path, _headers, body)] = receiver.wait_for(1)
    assert (body["transaction_status"], body["status_code"]) == ("deny", "202")
    page = urllib.request.urlopen(snap.redirect_url, timeout=10).read().decode()
    assert "no longer open" in page and ">Pay<" not in page


def test_pay_on_the_xendit_page_sends_the_callback_with_the_token(xendit, receiver):
    invoice = xendit.create_invoice(
        external_id="CTG-PAGE-3",
        amount=90000,
        invoice_duration=900,
        description="Batik cap",
        success_redirect_url="http://shop.test/paid",
    )

    status, location = submit(invoice.invoice_url + "/pay", {"channel": "OVO"})

    assert (status, location) == (303, "http://shop.test/paid")
    [(path, headers, body)] = receiver.wait_for(1)
    assert path == "/api/v1/payments/xendit/callback/"
    assert headers["x-callback-token"] == XENDIT_CALLBACK_TOKEN
    assert (body["id"], body["external_id"], body["status"], body["paid_amount"]) == (
        invoice.id,
        "CTG-PAGE-3",
        "PAID",
        90000,
    )
    assert (body["payment_method"], body["payment_channel"]) == ("EWALLET", "OVO")


def test_an_unpaid_transaction_and_invoice_expire_on_their_own_and_say_so(fake_gateways, receiver, midtrans):
    # One second: the documented Snap expiry units include seconds.
    answer = request_json(
        "POST",
        f"{fake_gateways.midtrans_url}/snap/v1/transactions",
        key=MIDTRANS_SERVER_KEY,
        timeout=5,
        body={
            "transaction_details": {"order_id": "CTG-EXP-1", "gross_amount": 1000},
            "expiry": {"unit": "second", "duration": 1},
        },
    )
    assert answer.status == 201
    XenditClient(secret_key=XENDIT_SECRET_KEY, api_url=fake_gateways.xendit_url, timeout=5).create_invoice(
        external_id="CTG-EXP-2", amount=1000, invoice_duration=1, description="x"
    )

    received = receiver.wait_for(2, timeout=5)

    statuses = sorted((body.get("transaction_status") or body.get("status")) for _p, _h, body in received)
    assert statuses == ["EXPIRED", "expire"]
    assert midtrans.status("CTG-EXP-1").status_code == "407"


def test_the_control_api_reports_deliveries_and_an_unknown_route_is_404(fake_gateways, midtrans):
    midtrans.create_transaction(order_id="CTG-CTL-1", gross_amount=1000, expiry_minutes=15)
    fake_gateways.midtrans_pay("CTG-CTL-1")

    [delivery] = fake_gateways.deliveries()

    assert delivery["error"].startswith("no notification address")
    with pytest.raises(urllib.error.HTTPError) as missing:
        fake_gateways.call("GET", "/midtrans/v3/nothing")
    assert missing.value.code == 404


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_python_m_fakegateways_serves_both_gateways_on_the_given_port():
    port = free_port()
    env = {**os.environ, "MIDTRANS_SERVER_KEY": "SB-Mid-server-cli", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "fakegateways", "--port", str(port), "--notify-base", "http://127.0.0.1:9"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(f"{base}/_control/health", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        client = MidtransClient(
            server_key="SB-Mid-server-cli", snap_url=f"{base}/midtrans", api_url=f"{base}/midtrans", timeout=5
        )
        snap = client.create_transaction(order_id="CTG-CLI-1", gross_amount=5000, expiry_minutes=5)
        assert snap.redirect_url.startswith(base)
        config = json.loads(urllib.request.urlopen(f"{base}/_control/config", data=b"{}", timeout=5).read())
        assert (
            config["midtrans_notification_url"] == "http://127.0.0.1:9/api/v1/payments/midtrans/notification/"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
