"""Fake Xendit: invoices, refunds, and invoice callbacks with the x-callback-token header.

Paths mirror api.xendit.co under a /xendit prefix: XENDIT_API_URL=http://127.0.0.1:8010/xendit.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from fakegateways import pages
from fakegateways.server import (
    Request,
    Response,
    html_response,
    iso_z,
    json_response,
    key_matches,
    now,
    redirect,
)

if TYPE_CHECKING:
    from fakegateways.server import FakeGateways

UNAUTHORIZED = {"error_code": "INVALID_API_KEY", "message": "API key is not authorized for this API service"}
NOT_FOUND = {"error_code": "INVOICE_NOT_FOUND_ERROR", "message": "Could not find invoice"}
PAID = {"PAID", "SETTLED"}
REFUND_REASONS = {"FRAUDULENT", "DUPLICATE", "REQUESTED_BY_CUSTOMER", "CANCELLATION", "OTHERS"}
CHANNELS = {
    "QRIS": ("QRIS", "QRIS"),
    "BCA": ("BANK_TRANSFER", "BCA"),
    "OVO": ("EWALLET", "OVO"),
}


@dataclass
class Invoice:
    id: str
    external_id: str
    amount: int
    description: str
    created_at: datetime
    expires_at: datetime
    payer_email: str = ""
    success_redirect_url: str = ""
    failure_redirect_url: str = ""
    status: str = "PENDING"
    paid_amount: int | None = None
    paid_at: datetime | None = None
    updated_at: datetime | None = None
    payment_method: str = ""
    payment_channel: str = ""
    payment_id: str = ""
    refunds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def refunded(self) -> int:
        return sum(refund["amount"] for refund in self.refunds)

    def body(self, base_url: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "external_id": self.external_id,
            "user_id": "fake-business-0001",
            "status": self.status,
            "merchant_name": "Canting (fake Xendit)",
            "amount": self.amount,
            "payer_email": self.payer_email,
            "description": self.description,
            "expiry_date": iso_z(self.expires_at),
            "invoice_url": f"{base_url}/xendit/web/{self.id}",
            "should_exclude_credit_card": False,
            "should_send_email": False,
            "created": iso_z(self.created_at),
            "updated": iso_z(self.updated_at or self.created_at),
            "currency": "IDR",
        }
        if self.success_redirect_url:
            body["success_redirect_url"] = self.success_redirect_url
        if self.failure_redirect_url:
            body["failure_redirect_url"] = self.failure_redirect_url
        if self.paid_amount is not None:
            body.update(
                paid_amount=self.paid_amount,
                paid_at=iso_z(self.paid_at or self.created_at),
                payment_method=self.payment_method,
                payment_channel=self.payment_channel,
                payment_id=self.payment_id,
            )
        return body

    def callback(self, base_url: str) -> dict[str, Any]:
        """The invoice callback: the invoice's fields, as Xendit POSTs them on PAID and EXPIRED."""
        body = self.body(base_url)
        body.pop("invoice_url")
        body.pop("expiry_date")
        body["is_high"] = False
        if self.paid_amount is not None:
            body["adjusted_received_amount"] = self.paid_amount
            body["fees_paid_amount"] = 0
            body["bank_code"] = self.payment_channel if self.payment_method == "BANK_TRANSFER" else ""
        return body


class FakeXendit:
    def __init__(self, gateways: FakeGateways, *, secret_key: str, callback_token: str) -> None:
        self.gateways = gateways
        self.secret_key = secret_key
        self.callback_token = callback_token
        self.invoices: dict[str, Invoice] = {}

    def reset(self) -> None:
        self.invoices.clear()

    def register(self, gateways: FakeGateways) -> None:
        gateways.route("POST", "/xendit/v2/invoices/?", self.create)
        gateways.route("GET", r"/xendit/v2/invoices/(?P<invoice_id>[^/]+)", self.get)
        gateways.route("POST", "/xendit/refunds", self.refund)
        gateways.route("GET", r"/xendit/web/(?P<invoice_id>[^/]+)", self.page)
        gateways.route("POST", r"/xendit/web/(?P<invoice_id>[^/]+)/(?P<action>pay|fail)", self.page_action)
        gateways.route("GET", r"/_control/xendit/(?P<invoice_id>[^/]+)", self.control_show)
        gateways.route("POST", r"/_control/xendit/(?P<invoice_id>[^/]+)/pay", self.control_pay)
        gateways.route("POST", r"/_control/xendit/(?P<invoice_id>[^/]+)/expire", self.control_expire)
        gateways.route("POST", r"/_control/xendit/(?P<invoice_id>[^/]+)/notify", self.control_notify)
        gateways.route("POST", r"/_control/xendit/(?P<invoice_id>[^/]+)/amount", self.control_amount)

    # --- the merchant's API -------------------------------------------------------------------
    def create(self, request: Request) -> Response:
        if not key_matches(request, self.secret_key):
            return json_response(401, UNAUTHORIZED)
        if outage := self.gateways.outage_response():
            return outage
        data = request.json()
        external_id, amount = data.get("external_id"), data.get("amount")
        duration = data.get("invoice_duration", 86400)
        errors = []
        if not isinstance(external_id, str) or not 1 <= len(external_id) <= 255:
            errors.append('"external_id" is required')
        if (
            isinstance(amount, bool)
            or not isinstance(amount, int | float)
            or amount < 1
            or amount != int(amount)
        ):
            errors.append('"amount" must be a whole number of at least 1')
        if isinstance(duration, bool) or not isinstance(duration, int) or not 1 <= duration <= 31_536_000:
            errors.append('"invoice_duration" must be between 1 and 31536000 seconds')
        if data.get("currency", "IDR") != "IDR":
            errors.append('"currency" must be IDR')
        if errors:
            return json_response(400, {"error_code": "API_VALIDATION_ERROR", "message": "; ".join(errors)})
        created = now()
        invoice = Invoice(
            id=secrets.token_hex(12),
            external_id=external_id,
            amount=int(amount),
            description=str(data.get("description") or ""),
            created_at=created,
            expires_at=created + timedelta(seconds=duration),
            payer_email=str(data.get("payer_email") or ""),
            success_redirect_url=str(data.get("success_redirect_url") or ""),
            failure_redirect_url=str(data.get("failure_redirect_url") or ""),
        )
        with self.gateways.lock:
            self.invoices[invoice.id] = invoice
            return json_response(200, invoice.body(self.gateways.url))

    def get(self, request: Request) -> Response:
        if not key_matches(request, self.secret_key):
            return json_response(401, UNAUTHORIZED)
        if outage := self.gateways.outage_response():
            return outage
        with self.gateways.lock:
            invoice = self.invoices.get(request.params["invoice_id"])
            if invoice is None:
                return json_response(404, NOT_FOUND)
            return json_response(200, invoice.body(self.gateways.url))

    def refund(self, request: Request) -> Response:
        if not key_matches(request, self.secret_key):
            return json_response(401, UNAUTHORIZED)
        if outage := self.gateways.outage_response():
            return outage
        data = request.json()
        idempotency_key = request.headers.get("Idempotency-key") or str(data.get("reference_id") or "")
        with self.gateways.lock:
            invoice = self.invoices.get(str(data.get("invoice_id") or ""))
            if invoice is None:
                return json_response(404, {"error_code": "DATA_NOT_FOUND", "message": "Invoice not found"})
            for earlier in invoice.refunds:
                if idempotency_key and earlier["idempotency_key"] == idempotency_key:
                    return json_response(200, self._refund_body(earlier))
            if data.get("reason") not in REFUND_REASONS:
                return json_response(
                    400,
                    {
                        "error_code": "API_VALIDATION_ERROR",
                        "message": f'"reason" must be one of {sorted(REFUND_REASONS)}',
                    },
                )
            if invoice.status not in PAID:
                return json_response(
                    400, {"error_code": "INELIGIBLE_TRANSACTION_ERROR", "message": "The invoice is not paid"}
                )
            if invoice.payment_method == "BANK_TRANSFER":
                # Xendit refunds QRIS, e-wallet and card payments; a virtual account goes back by hand.
                return json_response(
                    400, {"error_code": "REFUND_NOT_SUPPORTED_ERROR", "message": "Refund is not supported"}
                )
            refundable = (invoice.paid_amount or 0) - invoice.refunded
            amount = data.get("amount", refundable)
            if (
                isinstance(amount, bool)
                or not isinstance(amount, int | float)
                or not 1 <= amount <= refundable
            ):
                return json_response(
                    400,
                    {
                        "error_code": "REFUND_AMOUNT_EXCEEDED",
                        "message": "The amount is more than can be refunded",
                    },
                )
            moment = iso_z(now())
            refund = {
                "gateway": "xendit",
                "id": f"rfd-{uuid.uuid4()}",
                "invoice_id": invoice.id,
                "external_id": invoice.external_id,
                "reference_id": str(data.get("reference_id") or ""),
                "idempotency_key": idempotency_key,
                "amount": int(amount),
                "reason": data["reason"],
                "status": "SUCCEEDED",
                "created": moment,
            }
            invoice.refunds.append(refund)
            return json_response(200, self._refund_body(refund))

    def _refund_body(self, refund: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": refund["id"],
            "payment_request_id": "",
            "invoice_id": refund["invoice_id"],
            "amount": refund["amount"],
            "payment_method_type": "QR_CODE",
            "channel_code": "QRIS",
            "currency": "IDR",
            "status": refund["status"],
            "reason": refund["reason"],
            "reference_id": refund["reference_id"],
            "failure_code": None,
            "refund_fee_amount": None,
            "created": refund["created"],
            "updated": refund["created"],
            "metadata": None,
        }

    # --- callbacks -------------------------------------------------------------------------------
    def _headers(self, token: str | None = None) -> dict[str, str]:
        return {"x-callback-token": self.callback_token if token is None else token}

    def _pay(self, invoice: Invoice, channel: str) -> None:
        method, code = CHANNELS.get(channel, CHANNELS["QRIS"])
        invoice.status = "PAID"
        invoice.paid_amount = invoice.amount
        invoice.paid_at = invoice.updated_at = now()
        invoice.payment_method = method
        invoice.payment_channel = code
        invoice.payment_id = str(uuid.uuid4())

    def expire_due(self) -> None:
        due = []
        with self.gateways.lock:
            moment = now()
            for invoice in self.invoices.values():
                if invoice.status == "PENDING" and invoice.expires_at <= moment:
                    invoice.status = "EXPIRED"
                    invoice.updated_at = moment
                    due.append(invoice.callback(self.gateways.url))
        for body in due:
            self.gateways.deliver_later("xendit", body, self._headers())

    # --- the tourist's page ---------------------------------------------------------------------
    def page(self, request: Request) -> Response:
        with self.gateways.lock:
            invoice = self.invoices.get(request.params["invoice_id"])
            if invoice is None:
                return html_response(pages.not_found("Xendit"), status=404)
            return html_response(
                pages.payment_page(
                    gateway="Xendit",
                    order_id=invoice.external_id,
                    amount=invoice.amount,
                    status=invoice.status,
                    open_=invoice.status == "PENDING",
                    expires_at=invoice.expires_at,
                    action=f"/xendit/web/{invoice.id}",
                    channels=[("QRIS", "QRIS"), ("BCA", "BCA Virtual Account"), ("OVO", "OVO")],
                )
            )

    def page_action(self, request: Request) -> Response:
        form = request.form()
        with self.gateways.lock:
            invoice = self.invoices.get(request.params["invoice_id"])
            if invoice is None:
                return html_response(pages.not_found("Xendit"), status=404)
            if invoice.status != "PENDING":
                return self._finish(invoice)
            if request.params["action"] == "pay":
                self._pay(invoice, form.get("channel") or "QRIS")
            else:
                # An invoice has no "failed": the tourist gives up and it expires.
                invoice.status = "EXPIRED"
                invoice.updated_at = now()
            body = invoice.callback(self.gateways.url)
        self.gateways.deliver("xendit", body, self._headers())
        return self._finish(invoice)

    def _finish(self, invoice: Invoice) -> Response:
        target = invoice.success_redirect_url if invoice.status in PAID else invoice.failure_redirect_url
        if target:
            return redirect(target)
        return html_response(pages.finished("Xendit", invoice.external_id, invoice.status))

    # --- control API ---------------------------------------------------------------------------
    def _find(self, key: str) -> Invoice | None:
        """By invoice id, or the newest invoice for an external_id (tests know Canting's order id)."""
        if key in self.invoices:
            return self.invoices[key]
        matches = [invoice for invoice in self.invoices.values() if invoice.external_id == key]
        return max(matches, key=lambda invoice: invoice.created_at) if matches else None

    def control_show(self, request: Request) -> Response:
        with self.gateways.lock:
            invoice = self._find(request.params["invoice_id"])
            if invoice is None:
                return json_response(404, {"error": "not_found"})
            return json_response(200, {**invoice.body(self.gateways.url), "refunds": list(invoice.refunds)})

    def control_pay(self, request: Request) -> Response:
        data = request.json()
        with self.gateways.lock:
            invoice = self._find(request.params["invoice_id"])
            if invoice is None:
                return json_response(404, {"error": "not_found"})
            self._pay(invoice, str(data.get("channel") or "QRIS"))
            body = invoice.callback(self.gateways.url)
        return self._send(invoice, body, notify=data.get("notify", True))

    def control_expire(self, request: Request) -> Response:
        data = request.json()
        with self.gateways.lock:
            invoice = self._find(request.params["invoice_id"])
            if invoice is None:
                return json_response(404, {"error": "not_found"})
            invoice.status = "EXPIRED"
            invoice.updated_at = now()
            body = invoice.callback(self.gateways.url)
        return self._send(invoice, body, notify=data.get("notify", True))

    def control_notify(self, request: Request) -> Response:
        """Send (or only build) callbacks: repeats, a stale status, a wrong token, a changed amount."""
        data = request.json()
        tamper = str(data.get("tamper") or "")
        if tamper not in {"", "token", "amount"}:
            return json_response(400, {"error": f"unknown tamper {tamper!r}"})
        with self.gateways.lock:
            invoice = self._find(request.params["invoice_id"])
            if invoice is None:
                return json_response(404, {"error": "not_found"})
            body = invoice.callback(self.gateways.url)
        if data.get("status"):
            body["status"] = str(data["status"])
        if tamper == "amount":
            body["amount"] = body["paid_amount"] = max(1, invoice.amount // 10)
        headers = self._headers("not-the-callback-token" if tamper == "token" else None)
        deliveries = []
        if data.get("send", True):
            deliveries = [
                self.gateways.deliver("xendit", body, headers).as_dict()
                for _ in range(int(data.get("times", 1)))
            ]
        return json_response(200, {"callback": body, "headers": headers, "deliveries": deliveries})

    def control_amount(self, request: Request) -> Response:
        data = request.json()
        with self.gateways.lock:
            invoice = self._find(request.params["invoice_id"])
            if invoice is None:
                return json_response(404, {"error": "not_found"})
            invoice.amount = int(data["amount"])
            if invoice.paid_amount is not None:
                invoice.paid_amount = invoice.amount
            return json_response(200, invoice.body(self.gateways.url))

    def _send(self, invoice: Invoice, body: dict[str, Any], *, notify: Any) -> Response:
        delivery = self.gateways.deliver("xendit", body, self._headers()).as_dict() if notify else None
        with self.gateways.lock:
            state = invoice.body(self.gateways.url)
        return json_response(
            200, {"invoice": state, "callback": body, "headers": self._headers(), "delivery": delivery}
        )

    def all_refunds(self) -> list[dict[str, Any]]:
        return [dict(refund) for invoice in self.invoices.values() for refund in invoice.refunds]
