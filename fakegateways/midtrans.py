"""Fake Midtrans: Snap transactions, the Core API status and refund, HTTP notifications.

Paths mirror the real services under a /midtrans prefix, so Canting points
MIDTRANS_SNAP_URL and MIDTRANS_API_URL at http://127.0.0.1:8010/midtrans.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fakegateways import pages
from fakegateways.server import (
    Request,
    Response,
    html_response,
    json_response,
    key_matches,
    now,
    redirect,
    wib_text,
)

if TYPE_CHECKING:
    from fakegateways.server import FakeGateways

# Midtrans's status_code for each transaction_status.
STATUS_CODES = {
    "pending": "201",
    "settlement": "200",
    "capture": "200",
    "deny": "202",
    "cancel": "200",
    "expire": "407",
    "failure": "202",
    "refund": "200",
    "partial_refund": "200",
}
PAID = {"settlement", "capture"}
REFUNDABLE = {"settlement", "capture", "partial_refund"}
# Midtrans refunds cards, QRIS and e-wallets; a virtual account payment goes back by hand.
NOT_REFUNDABLE_TYPES = {"bank_transfer", "echannel", "cstore"}
ORDER_ID = re.compile(r"^[A-Za-z0-9\-_.~]{1,50}$")
EXPIRY_UNITS = {
    "second": 1,
    "seconds": 1,
    "minute": 60,
    "minutes": 60,
    "hour": 3600,
    "hours": 3600,
    "day": 86400,
    "days": 86400,
}
UNAUTHORIZED_SNAP = {
    "error_messages": ["Access denied due to unauthorized transaction, please check client or server key"]
}
UNAUTHORIZED_API = {"status_code": "401", "status_message": "Unknown Merchant server_key/id"}
NOT_FOUND = {"status_code": "404", "status_message": "Transaction doesn't exist."}


def signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


def gross(amount: int) -> str:
    return f"{amount}.00"


@dataclass
class Transaction:
    order_id: str
    gross_amount: int
    token: str
    created_at: datetime
    expires_at: datetime
    transaction_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    transaction_status: str = "pending"
    payment_type: str = ""
    fraud_status: str = ""
    settled_at: datetime | None = None
    finish_url: str = ""
    customer: dict[str, Any] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)
    refunds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status_code(self) -> str:
        return STATUS_CODES.get(self.transaction_status, "200")

    @property
    def refunded(self) -> int:
        return sum(refund["amount"] for refund in self.refunds)

    def status_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status_code": self.status_code,
            "status_message": "Success, transaction is found",
            "transaction_id": self.transaction_id,
            "order_id": self.order_id,
            "merchant_id": "G000000000",
            "gross_amount": gross(self.gross_amount),
            "currency": "IDR",
            "payment_type": self.payment_type or "qris",
            "transaction_time": wib_text(self.created_at),
            "transaction_status": self.transaction_status,
            "expiry_time": wib_text(self.expires_at),
        }
        if self.fraud_status:
            body["fraud_status"] = self.fraud_status
        if self.settled_at:
            body["settlement_time"] = wib_text(self.settled_at)
        if self.refunds:
            body["refund_amount"] = gross(self.refunded)
            body["refunds"] = [
                {
                    "refund_chargeback_id": refund["refund_chargeback_id"],
                    "refund_amount": gross(refund["amount"]),
                    "reason": refund["reason"],
                    "refund_key": refund["refund_key"],
                    "created_at": refund["created_at"],
                }
                for refund in self.refunds
            ]
        return body

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.status_body(),
            "token": self.token,
            "expires_at": self.expires_at.isoformat(),
            "finish_url": self.finish_url,
            "customer_details": self.customer,
            "item_details": self.items,
            "refunds": list(self.refunds),
        }


class FakeMidtrans:
    def __init__(self, gateways: FakeGateways, *, server_key: str) -> None:
        self.gateways = gateways
        self.server_key = server_key
        self.transactions: dict[str, Transaction] = {}
        self.by_token: dict[str, str] = {}
        self._chargeback_ids = iter(range(1, 10**9))

    def reset(self) -> None:
        self.transactions.clear()
        self.by_token.clear()

    def register(self, gateways: FakeGateways) -> None:
        gateways.route("POST", "/midtrans/snap/v1/transactions", self.create)
        gateways.route("GET", r"/midtrans/v2/(?P<order_id>[^/]+)/status", self.status)
        gateways.route("POST", r"/midtrans/v2/(?P<order_id>[^/]+)/refund", self.refund)
        gateways.route("GET", r"/midtrans/snap/v2/vtweb/(?P<token>[^/]+)", self.page)
        gateways.route(
            "POST", r"/midtrans/snap/v2/vtweb/(?P<token>[^/]+)/(?P<action>pay|fail)", self.page_action
        )
        gateways.route("GET", r"/_control/midtrans/(?P<order_id>[^/]+)", self.control_show)
        gateways.route("POST", r"/_control/midtrans/(?P<order_id>[^/]+)/pay", self.control_pay)
        gateways.route("POST", r"/_control/midtrans/(?P<order_id>[^/]+)/status", self.control_status)
        gateways.route("POST", r"/_control/midtrans/(?P<order_id>[^/]+)/notify", self.control_notify)
        gateways.route("POST", r"/_control/midtrans/(?P<order_id>[^/]+)/amount", self.control_amount)

    # --- the merchant's API ---------------------------------------------------------------
    def create(self, request: Request) -> Response:
        if not key_matches(request, self.server_key):
            return json_response(401, UNAUTHORIZED_SNAP)
        if outage := self.gateways.outage_response():
            return outage
        data = request.json()
        details = data.get("transaction_details") if isinstance(data, dict) else None
        if not isinstance(details, dict):
            return json_response(400, {"error_messages": ["transaction_details is required"]})
        order_id, amount = details.get("order_id"), details.get("gross_amount")
        errors = []
        if not isinstance(order_id, str) or not ORDER_ID.match(order_id):
            errors.append("transaction_details.order_id is invalid")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
            errors.append("transaction_details.gross_amount must be a whole number of at least 1")
        items = data.get("item_details") or []
        if items and not errors:
            try:
                total = sum(int(item["price"]) * int(item["quantity"]) for item in items)
            except (KeyError, TypeError, ValueError):
                total = -1
            if total != amount:
                errors.append("transaction_details.gross_amount is not equal to the sum of item_details")
        expiry = data.get("expiry") or {"unit": "days", "duration": 1}
        unit = EXPIRY_UNITS.get(str(expiry.get("unit")))
        duration = expiry.get("duration")
        if unit is None or isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
            errors.append("expiry.unit or expiry.duration is invalid")
        with self.gateways.lock:
            if not errors and order_id in self.transactions:
                errors.append("transaction_details.order_id has already been taken")
            if errors:
                return json_response(400, {"error_messages": errors})
            created = now()
            token = str(uuid.uuid4())
            self.transactions[order_id] = Transaction(
                order_id=order_id,
                gross_amount=amount,
                token=token,
                created_at=created,
                expires_at=created + timedelta(seconds=unit * duration),
                finish_url=str((data.get("callbacks") or {}).get("finish") or ""),
                customer=data.get("customer_details") or {},
                items=items,
            )
            self.by_token[token] = order_id
        return json_response(
            201, {"token": token, "redirect_url": f"{self.gateways.url}/midtrans/snap/v2/vtweb/{token}"}
        )

    def status(self, request: Request) -> Response:
        if not key_matches(request, self.server_key):
            return json_response(401, UNAUTHORIZED_API)
        if outage := self.gateways.outage_response():
            return outage
        with self.gateways.lock:
            transaction = self.transactions.get(request.params["order_id"])
            if transaction is None:
                return json_response(404, NOT_FOUND)
            return json_response(200, transaction.status_body())

    def refund(self, request: Request) -> Response:
        if not key_matches(request, self.server_key):
            return json_response(401, UNAUTHORIZED_API)
        if outage := self.gateways.outage_response():
            return outage
        data = request.json()
        with self.gateways.lock:
            transaction = self.transactions.get(request.params["order_id"])
            if transaction is None:
                return json_response(404, NOT_FOUND)
            refund_key = str(data.get("refund_key") or secrets.token_hex(8))
            for earlier in transaction.refunds:
                if earlier["refund_key"] == refund_key:  # a retry: the same refund, not a new one
                    return json_response(200, self._refund_body(transaction, earlier))
            if transaction.transaction_status not in REFUNDABLE:
                return json_response(
                    412,
                    {
                        "status_code": "412",
                        "status_message": "Merchant cannot modify the status of the transaction",
                    },
                )
            if transaction.payment_type in NOT_REFUNDABLE_TYPES:
                return json_response(
                    412, {"status_code": "412", "status_message": "Payment type is not supported for refund"}
                )
            amount = data.get("amount", transaction.gross_amount - transaction.refunded)
            if (
                isinstance(amount, bool)
                or not isinstance(amount, int)
                or not 1 <= amount <= (transaction.gross_amount - transaction.refunded)
            ):
                return json_response(
                    412,
                    {
                        "status_code": "412",
                        "status_message": "Refund amount is more than the refundable amount",
                    },
                )
            refund = {
                "gateway": "midtrans",
                "order_id": transaction.order_id,
                "refund_key": refund_key,
                "refund_chargeback_id": next(self._chargeback_ids),
                "amount": amount,
                "reason": str(data.get("reason") or ""),
                "created_at": wib_text(now()),
            }
            transaction.refunds.append(refund)
            transaction.transaction_status = (
                "refund" if transaction.refunded >= transaction.gross_amount else "partial_refund"
            )
            body = self._refund_body(transaction, refund)
            notification = self.notification(transaction)
        self.gateways.deliver_later("midtrans", notification)
        return json_response(200, body)

    def _refund_body(self, transaction: Transaction, refund: dict[str, Any]) -> dict[str, Any]:
        return {
            "status_code": "200",
            "status_message": "Success, refund request is approved",
            "transaction_id": transaction.transaction_id,
            "order_id": transaction.order_id,
            "gross_amount": gross(transaction.gross_amount),
            "currency": "IDR",
            "payment_type": transaction.payment_type or "qris",
            "transaction_time": wib_text(transaction.created_at),
            "transaction_status": transaction.transaction_status,
            "refund_chargeback_id": refund["refund_chargeback_id"],
            "refund_amount": gross(refund["amount"]),
            "refund_key": refund["refund_key"],
        }

    # --- notifications ----------------------------------------------------------------------
    def notification(
        self, transaction: Transaction, *, transaction_status: str | None = None, tamper: str = ""
    ) -> dict[str, Any]:
        """The body Midtrans POSTs, signed with the server key (or not, when tampering)."""
        status = transaction_status or transaction.transaction_status
        status_code = STATUS_CODES.get(status, "200")
        body = {
            **transaction.status_body(),
            "transaction_status": status,
            "status_code": status_code,
            "status_message": "midtrans payment notification",
        }
        body.pop("refunds", None)
        body["signature_key"] = signature(
            transaction.order_id, status_code, body["gross_amount"], self.server_key
        )
        if tamper == "amount":
            # Someone edits the amount in transit; the signature no longer fits.
            body["gross_amount"] = gross(max(1, transaction.gross_amount // 10))
        elif tamper == "signature":
            body["signature_key"] = signature(
                transaction.order_id, status_code, body["gross_amount"], "not-the-key"
            )
        elif tamper == "amount_number":
            # Same amount, but as a JSON number: the raw string is what Midtrans signs.
            body["gross_amount"] = float(transaction.gross_amount)
        elif tamper:
            raise ValueError(f"unknown tamper {tamper!r}")
        return body

    def _settle(self, transaction: Transaction, payment_type: str) -> None:
        transaction.transaction_status = "capture" if payment_type == "credit_card" else "settlement"
        transaction.payment_type = payment_type
        transaction.fraud_status = "accept"
        transaction.settled_at = now()

    def expire_due(self) -> None:
        due = []
        with self.gateways.lock:
            moment = now()
            for transaction in self.transactions.values():
                if transaction.transaction_status == "pending" and transaction.expires_at <= moment:
                    transaction.transaction_status = "expire"
                    due.append(self.notification(transaction))
        for body in due:
            self.gateways.deliver_later("midtrans", body)

    # --- the tourist's page ------------------------------------------------------------------
    def _by_token(self, token: str) -> Transaction | None:
        order_id = self.by_token.get(token)
        return self.transactions.get(order_id) if order_id else None

    def page(self, request: Request) -> Response:
        with self.gateways.lock:
            transaction = self._by_token(request.params["token"])
            if transaction is None:
                return html_response(pages.not_found("Midtrans"), status=404)
            return html_response(
                pages.payment_page(
                    gateway="Midtrans",
                    order_id=transaction.order_id,
                    amount=transaction.gross_amount,
                    status=transaction.transaction_status,
                    open_=transaction.transaction_status == "pending",
                    expires_at=transaction.expires_at,
                    action=f"/midtrans/snap/v2/vtweb/{transaction.token}",
                    channels=[("qris", "QRIS"), ("bank_transfer", "BCA Virtual Account"), ("gopay", "GoPay")],
                )
            )

    def page_action(self, request: Request) -> Response:
        form = request.form()
        with self.gateways.lock:
            transaction = self._by_token(request.params["token"])
            if transaction is None:
                return html_response(pages.not_found("Midtrans"), status=404)
            if transaction.transaction_status != "pending":
                return self._finish(transaction)
            if request.params["action"] == "pay":
                self._settle(transaction, form.get("channel") or "qris")
            else:
                transaction.transaction_status = "deny"
            notification = self.notification(transaction)
        # Sent before the tourist is sent back, so Canting's page already knows.
        self.gateways.deliver("midtrans", notification)
        return self._finish(transaction)

    def _finish(self, transaction: Transaction) -> Response:
        if transaction.finish_url:
            query = urlencode(
                {
                    "order_id": transaction.order_id,
                    "status_code": transaction.status_code,
                    "transaction_status": transaction.transaction_status,
                }
            )
            separator = "&" if "?" in transaction.finish_url else "?"
            return redirect(f"{transaction.finish_url}{separator}{query}")
        return html_response(pages.finished("Midtrans", transaction.order_id, transaction.transaction_status))

    # --- control API (tests and demos) --------------------------------------------------------
    def control_show(self, request: Request) -> Response:
        with self.gateways.lock:
            transaction = self.transactions.get(request.params["order_id"])
            if transaction is None:
                return json_response(404, {"error": "not_found"})
            return json_response(200, transaction.as_dict())

    def control_pay(self, request: Request) -> Response:
        data = request.json()
        with self.gateways.lock:
            transaction = self.transactions.get(request.params["order_id"])
            if transaction is None:
                return json_response(404, {"error": "not_found"})
            self._settle(transaction, str(data.get("payment_type") or "qris"))
            body = self.notification(transaction)
        return self._send(body, notify=data.get("notify", True), transaction=transaction)

    def control_status(self, request: Request) -> Response:
        data = request.json()
        status = str(data.get("transaction_status", ""))
        if status not in STATUS_CODES:
            return json_response(400, {"error": "bad_status", "allowed": sorted(STATUS_CODES)})
        with self.gateways.lock:
            transaction = self.transactions.get(request.params["order_id"])
            if transaction is None:
                return json_response(404, {"error": "not_found"})
            if status in PAID:
                self._settle(transaction, str(data.get("payment_type") or "qris"))
                transaction.transaction_status = status
            else:
                transaction.transaction_status = status
            if "fraud_status" in data:
                transaction.fraud_status = str(data["fraud_status"])
            body = self.notification(transaction)
        return self._send(body, notify=data.get("notify", True), transaction=transaction)

    def control_notify(self, request: Request) -> Response:
        """Send (or only build) notifications: repeats, a stale status, or a tampered body."""
        data = request.json()
        times = int(data.get("times", 1))
        with self.gateways.lock:
            transaction = self.transactions.get(request.params["order_id"])
            if transaction is None:
                return json_response(404, {"error": "not_found"})
            body = self.notification(
                transaction,
                transaction_status=data.get("transaction_status"),
                tamper=str(data.get("tamper") or ""),
            )
        deliveries = []
        if data.get("send", True):
            deliveries = [self.gateways.deliver("midtrans", body).as_dict() for _ in range(times)]
        return json_response(200, {"notification": body, "deliveries": deliveries})

    def control_amount(self, request: Request) -> Response:
        """Change what the gateway records as the amount (a transaction that is not what was asked)."""
        data = request.json()
        with self.gateways.lock:
            transaction = self.transactions.get(request.params["order_id"])
            if transaction is None:
                return json_response(404, {"error": "not_found"})
            transaction.gross_amount = int(data["gross_amount"])
            return json_response(200, transaction.as_dict())

    def _send(self, body: dict[str, Any], *, notify: Any, transaction: Transaction) -> Response:
        delivery = self.gateways.deliver("midtrans", body).as_dict() if notify else None
        with self.gateways.lock:
            state = transaction.as_dict()
        return json_response(200, {"transaction": state, "notification": body, "delivery": delivery})

    def all_refunds(self) -> list[dict[str, Any]]:
        return [dict(refund) for transaction in self.transactions.values() for refund in transaction.refunds]
