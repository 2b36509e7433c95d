"""The HTTP server shared by both fakes: routing, auth, JSON, notification delivery, expiry sweep.

Standard library only, so `python -m fakegateways` runs anywhere Canting runs. One
state lock guards the in-memory records; it is never held while a notification is
delivered, because Canting's endpoint calls back into this server to re-query.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger("fakegateways")

WIB = timezone(timedelta(hours=7), "WIB")
MIDTRANS_NOTIFICATION_PATH = "/api/v1/payments/midtrans/notification/"
XENDIT_CALLBACK_PATH = "/api/v1/payments/xendit/callback/"
DEFAULT_MIDTRANS_SERVER_KEY = "SB-Mid-server-canting-local"
DEFAULT_XENDIT_SECRET_KEY = "xnd_development_canting_local"
DEFAULT_XENDIT_CALLBACK_TOKEN = "canting-local-callback-token"
MAX_BODY = 1_000_000


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Any
    raw: bytes
    params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        if not self.raw.strip():
            return {}
        return json.loads(self.raw)

    def form(self) -> dict[str, str]:
        return {key: values[-1] for key, values in parse_qs(self.raw.decode("utf-8", "replace")).items()}

    def basic_user(self) -> str | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        user, _, _password = decoded.partition(":")
        return user


@dataclass
class Response:
    status: int
    body: Any = None
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


def json_response(status: int, body: Any) -> Response:
    return Response(status=status, body=body)


def html_response(html: str, status: int = 200) -> Response:
    return Response(status=status, body=html, content_type="text/html; charset=utf-8")


def redirect(location: str) -> Response:
    return Response(status=303, headers={"Location": location})


def key_matches(request: Request, key: str) -> bool:
    user = request.basic_user()
    return user is not None and hmac.compare_digest(user.encode(), key.encode())


Handler = Callable[[Request], Response]


@dataclass
class Delivery:
    """One attempt to POST a notification to the merchant, kept for the control API."""

    gateway: str
    url: str
    body: dict[str, Any]
    headers: dict[str, str]
    sent_at: str
    status: int | None = None
    response: str = ""
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "gateway": self.gateway,
            "url": self.url,
            "body": self.body,
            "headers": self.headers,
            "sent_at": self.sent_at,
            "status": self.status,
            "response": self.response,
            "error": self.error,
        }


class FakeGateways:
    """Both fakes on one port: Midtrans under /midtrans, Xendit under /xendit, control under /_control."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        notify_base: str = "",
        public_url: str = "",
        midtrans_server_key: str = DEFAULT_MIDTRANS_SERVER_KEY,
        xendit_secret_key: str = DEFAULT_XENDIT_SECRET_KEY,
        xendit_callback_token: str = DEFAULT_XENDIT_CALLBACK_TOKEN,
        sweep_interval: float = 0.5,
    ) -> None:
        from fakegateways.midtrans import FakeMidtrans
        from fakegateways.xendit import FakeXendit

        self.lock = threading.RLock()
        self.notify_base = notify_base.rstrip("/")
        self.midtrans_notification_url = ""
        self.xendit_callback_url = ""
        self.outage: dict[str, Any] = {}
        self.deliveries: list[Delivery] = []
        self.sweep_interval = sweep_interval
        self.httpd = ThreadingHTTPServer((host, port), _make_handler(self))
        self.httpd.daemon_threads = True
        bound_host, bound_port = self.httpd.server_address[:2]
        self.url = public_url.rstrip("/") or f"http://{bound_host}:{bound_port}"
        self.midtrans = FakeMidtrans(self, server_key=midtrans_server_key)
        self.xendit = FakeXendit(self, secret_key=xendit_secret_key, callback_token=xendit_callback_token)
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.midtrans.register(self)
        self.xendit.register(self)
        self._register_control()

    # --- lifecycle ------------------------------------------------------------------
    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(f"^{pattern}$"), handler))

    def start(self) -> FakeGateways:
        serve = threading.Thread(target=self.httpd.serve_forever, name="fakegateways-http", daemon=True)
        sweep = threading.Thread(target=self._sweep_forever, name="fakegateways-sweep", daemon=True)
        self._threads = [serve, sweep]
        for thread in self._threads:
            thread.start()
        return self

    def serve_forever(self) -> None:
        sweep = threading.Thread(target=self._sweep_forever, name="fakegateways-sweep", daemon=True)
        sweep.start()
        try:
            self.httpd.serve_forever()
        finally:
            self._stop.set()

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        with self.lock:
            self.midtrans.reset()
            self.xendit.reset()
            self.deliveries.clear()
            self.outage = {}

    def _sweep_forever(self) -> None:
        # Real gateways expire unpaid transactions on their own and notify; so does the fake.
        while not self._stop.wait(self.sweep_interval):
            try:
                self.midtrans.expire_due()
                self.xendit.expire_due()
            except Exception:
                log.exception("expiry sweep failed")

    # --- notifications ----------------------------------------------------------------
    def notification_url(self, gateway: str) -> str:
        if gateway == "midtrans":
            if self.midtrans_notification_url:
                return self.midtrans_notification_url
            return f"{self.notify_base}{MIDTRANS_NOTIFICATION_PATH}" if self.notify_base else ""
        if self.xendit_callback_url:
            return self.xendit_callback_url
        return f"{self.notify_base}{XENDIT_CALLBACK_PATH}" if self.notify_base else ""

    def deliver(self, gateway: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Delivery:
        """POST one notification now and record what the merchant answered."""
        headers = {"Content-Type": "application/json", **(headers or {})}
        delivery = Delivery(
            gateway=gateway,
            url=self.notification_url(gateway),
            body=body,
            headers=headers,
            sent_at=now().isoformat(),
        )
        if not delivery.url:
            delivery.error = "no notification address configured (--notify-base)"
        else:
            request = urllib.request.Request(
                delivery.url, data=json.dumps(body).encode(), method="POST", headers=headers
            )
            try:
                with urllib.request.urlopen(request, timeout=15) as answer:
                    delivery.status = answer.status
                    delivery.response = answer.read(10_000).decode("utf-8", "replace")
            except urllib.error.HTTPError as exc:
                delivery.status = exc.code
                delivery.response = exc.read(10_000).decode("utf-8", "replace")
            except OSError as exc:
                delivery.error = str(exc)
        with self.lock:
            self.deliveries.append(delivery)
        log.info("%s notification to %s → %s %s", gateway, delivery.url, delivery.status, delivery.error)
        return delivery

    def deliver_later(
        self, gateway: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        # Gateways notify asynchronously; a refund's notification must not wait for the
        # merchant's request that asked for the refund (it may hold the very row it needs).
        threading.Thread(target=self.deliver, args=(gateway, body, headers), daemon=True).start()

    # --- outages ------------------------------------------------------------------------
    def outage_response(self) -> Response | None:
        """While an outage is set, gateway API calls fail (not pages, not the control API)."""
        with self.lock:
            if not self.outage or self.outage.get("count", 0) <= 0:
                return None
            self.outage["count"] -= 1
            mode = self.outage.get("mode", "error")
            delay = float(self.outage.get("delay", 0))
        if mode == "slow":
            time.sleep(delay)
            return None
        if mode == "garbage":
            return html_response("<html><body>502 Bad Gateway</body></html>", status=502)
        return json_response(503, {"status_code": "503", "status_message": "Service temporarily unavailable"})

    # --- control API ----------------------------------------------------------------------
    def _register_control(self) -> None:
        self.route("GET", "/_control/health", lambda request: json_response(200, {"ok": True}))
        self.route("POST", "/_control/reset", self._control_reset)
        self.route("POST", "/_control/config", self._control_config)
        self.route("GET", "/_control/deliveries", self._control_deliveries)
        self.route("GET", "/_control/refunds", self._control_refunds)

    def _control_reset(self, request: Request) -> Response:
        self.reset()
        return json_response(200, {"ok": True})

    def _control_config(self, request: Request) -> Response:
        data = request.json()
        with self.lock:
            if "notify_base" in data:
                self.notify_base = str(data["notify_base"] or "").rstrip("/")
            if "midtrans_notification_url" in data:
                self.midtrans_notification_url = str(data["midtrans_notification_url"] or "")
            if "xendit_callback_url" in data:
                self.xendit_callback_url = str(data["xendit_callback_url"] or "")
            if "outage" in data:
                self.outage = dict(data["outage"] or {})
        return json_response(
            200,
            {
                "notify_base": self.notify_base,
                "midtrans_notification_url": self.notification_url("midtrans"),
                "xendit_callback_url": self.notification_url("xendit"),
                "outage": self.outage,
            },
        )

    def _control_deliveries(self, request: Request) -> Response:
        with self.lock:
            return json_response(200, [delivery.as_dict() for delivery in self.deliveries])

    def _control_refunds(self, request: Request) -> Response:
        with self.lock:
            refunds = self.midtrans.all_refunds() + self.xendit.all_refunds()
        return json_response(200, refunds)

    # --- dispatch ---------------------------------------------------------------------------
    def dispatch(self, request: Request) -> Response:
        allowed: list[str] = []
        for method, pattern, handler in self.routes:
            match = pattern.match(request.path)
            if not match:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            request.params = match.groupdict()
            try:
                return handler(request)
            except ValueError as exc:  # JSON that does not parse, or does not fit
                return json_response(400, {"error": "bad_request", "message": str(exc)})
        if allowed:
            return Response(
                status=405, body={"error": "method_not_allowed"}, headers={"Allow": ", ".join(allowed)}
            )
        return json_response(404, {"error": "not_found", "message": f"no route for {request.path}"})


def _make_handler(gateways: FakeGateways) -> type[BaseHTTPRequestHandler]:
    class FakeHandler(BaseHTTPRequestHandler):
        server_version = "FakeGateways/1.0"
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(json_response(413, {"error": "too_large"}))
                return
            raw = self.rfile.read(length) if length else b""
            request = Request(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query),
                headers=self.headers,
                raw=raw,
            )
            try:
                response = gateways.dispatch(request)
            except Exception as exc:
                log.exception("fake gateway failed on %s %s", self.command, self.path)
                response = json_response(500, {"error": "internal", "message": str(exc)})
            self._send(response)

        def _send(self, response: Response) -> None:
            try:
                self._write(response)
            except (BrokenPipeError, ConnectionResetError):
                # The client gave up first (a timeout test does exactly that).
                self.close_connection = True

        def _write(self, response: Response) -> None:
            payload = response.encoded()
            self.send_response(response.status, HTTPStatus(response.status).phrase)
            if payload or response.status not in (204, 303):
                self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = _handle
        do_POST = _handle
        do_PUT = _handle
        do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s %s", self.address_string(), format % args)

    return FakeHandler


def rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def wib_text(moment: datetime) -> str:
    """Midtrans writes times as "2026-11-28 14:36:15" in Jakarta time."""
    return moment.astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S")


def iso_z(moment: datetime) -> str:
    """Xendit writes times as "2026-11-28T07:36:15.000Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
