"""Midtrans: Snap (hosted payment page) to start, Core API to read status and refund.

Documented protocol (docs.midtrans.com):
- POST {snap}/snap/v1/transactions → 201 {"token", "redirect_url"}
- GET {api}/v2/{order_id}/status → {"transaction_status", "status_code", "gross_amount", ...}
- POST {api}/v2/{order_id}/refund {"refund_key", "amount", "reason"}
- HTTP notification: JSON with signature_key = SHA512(order_id + status_code + gross_amount + server_key)
Authentication is HTTP Basic with the server key as user and an empty password.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from bookings.payments.gateways.http import GatewayNotFound, GatewayRefused, request_json

# What Midtrans means by each transaction_status, reduced to what Canting does with it.
SUCCESS_STATUSES = frozenset({"settlement", "capture"})
FAILURE_STATUSES = frozenset({"expire", "cancel", "deny", "failure"})


@dataclass(frozen=True)
class SnapTransaction:
    token: str
    redirect_url: str


@dataclass(frozen=True)
class TransactionStatus:
    order_id: str
    transaction_status: str
    status_code: str
    gross_amount: str
    fraud_status: str = ""
    payment_type: str = ""
    transaction_id: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def amount(self) -> int:
        """The amount in whole rupiah; Midtrans writes it as "150000.00"."""
        return parse_gross_amount(self.gross_amount)

    @property
    def is_paid(self) -> bool:
        # A card capture counts only when fraud detection accepted it; "challenge" waits.
        if self.transaction_status == "capture":
            return self.fraud_status in {"accept", ""}
        return self.transaction_status == "settlement"

    @property
    def is_failed(self) -> bool:
        return self.transaction_status in FAILURE_STATUSES


@dataclass(frozen=True)
class Refund:
    refund_key: str
    refund_amount: int
    transaction_status: str
    refund_chargeback_id: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


def parse_gross_amount(value: str) -> int:
    """ "150000.00" → 150000. Fractions of a rupiah are not an amount Canting ever asks for."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite() or amount != amount.to_integral_value() or amount < 0:
        raise ValueError(f"not a whole rupiah amount: {value!r}")
    return int(amount)


def notification_signature(*, order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    """SHA512 hex of the four values concatenated exactly as sent (no re-formatting of the amount)."""
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


def signature_is_valid(body: Any, *, server_key: str) -> bool:
    """Whether a notification body carries the signature only the server key could make.

    Works on the raw JSON strings: a number where Midtrans sends a string (or a missing
    field) fails, because re-formatting "150000.00" would sign something else.
    """
    if not server_key or not isinstance(body, dict):
        return False
    parts = [body.get(name) for name in ("order_id", "status_code", "gross_amount", "signature_key")]
    if not all(isinstance(part, str) and part for part in parts):
        return False
    order_id, status_code, gross_amount, received = parts
    expected = notification_signature(
        order_id=order_id, status_code=status_code, gross_amount=gross_amount, server_key=server_key
    )
    return hmac.compare_digest(expected.encode(), received.lower().encode())


class MidtransClient:
    """Snap + Core API client. `snap_url` and `api_url` are the bases (sandbox, production or the fake)."""

    def __init__(self, *, server_key: str, snap_url: str, api_url: str, timeout: float) -> None:
        self.server_key = server_key
        self.snap_url = snap_url.rstrip("/")
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout

    def create_transaction(
        self,
        *,
        order_id: str,
        gross_amount: int,
        expiry_minutes: int,
        customer: dict[str, str] | None = None,
        items: list[dict[str, Any]] | None = None,
        finish_url: str = "",
    ) -> SnapTransaction:
        payload: dict[str, Any] = {
            "transaction_details": {"order_id": order_id, "gross_amount": gross_amount},
            "expiry": {"unit": "minutes", "duration": expiry_minutes},
        }
        if customer:
            payload["customer_details"] = customer
        if items:
            payload["item_details"] = items
        if finish_url:
            payload["callbacks"] = {"finish": finish_url}
        response = request_json(
            "POST",
            f"{self.snap_url}/snap/v1/transactions",
            key=self.server_key,
            timeout=self.timeout,
            body=payload,
        )
        body = response.body if isinstance(response.body, dict) else {}
        if response.status not in (200, 201) or not body.get("token") or not body.get("redirect_url"):
            raise GatewayRefused(
                f"Midtrans Snap refused order {order_id}: HTTP {response.status} {_errors(body)}",
                status=response.status,
                body=response.body,
            )
        return SnapTransaction(token=str(body["token"]), redirect_url=str(body["redirect_url"]))

    def status(self, order_id: str) -> TransactionStatus:
        """The transaction as Midtrans sees it now; GatewayNotFound when it does not exist."""
        response = request_json(
            "GET",
            f"{self.api_url}/v2/{quote(order_id, safe='')}/status",
            key=self.server_key,
            timeout=self.timeout,
        )
        body = response.body if isinstance(response.body, dict) else {}
        # The Core API repeats the outcome in the body's status_code, sometimes with HTTP 200
        # ("404" for an unknown order). An expired transaction is a normal answer: "407".
        status_code = str(body.get("status_code", ""))
        if response.status == 404 or status_code == "404":
            raise GatewayNotFound(f"Midtrans has no order {order_id}", status=404, body=response.body)
        if response.status != 200 or not body.get("transaction_status"):
            raise GatewayRefused(
                f"Midtrans status for {order_id}: HTTP {response.status} {body.get('status_message', '')}",
                status=response.status,
                body=response.body,
            )
        return TransactionStatus(
            order_id=str(body.get("order_id", order_id)),
            transaction_status=str(body["transaction_status"]),
            status_code=status_code,
            gross_amount=str(body.get("gross_amount", "")),
            fraud_status=str(body.get("fraud_status") or ""),
            payment_type=str(body.get("payment_type") or ""),
            transaction_id=str(body.get("transaction_id") or ""),
            raw=body,
        )

    def refund(self, *, order_id: str, amount: int, reason: str, refund_key: str) -> Refund:
        """Ask for `amount` back. The same refund_key repeated is the same refund, never a second one."""
        response = request_json(
            "POST",
            f"{self.api_url}/v2/{quote(order_id, safe='')}/refund",
            key=self.server_key,
            timeout=self.timeout,
            body={"refund_key": refund_key, "amount": amount, "reason": reason[:255]},
        )
        body = response.body if isinstance(response.body, dict) else {}
        status_code = str(body.get("status_code", ""))
        if response.status == 404 or status_code == "404":
            raise GatewayNotFound(f"Midtrans has no order {order_id}", status=404, body=response.body)
        if response.status != 200 or status_code != "200":
            raise GatewayRefused(
                f"Midtrans refused the refund of {order_id}: {status_code} {body.get('status_message', '')}",
                status=response.status,
                body=response.body,
            )
        return Refund(
            refund_key=str(body.get("refund_key") or refund_key),
            refund_amount=parse_gross_amount(str(body.get("refund_amount", amount))),
            transaction_status=str(body.get("transaction_status", "")),
            refund_chargeback_id=str(body.get("refund_chargeback_id") or ""),
            raw=body,
        )


def _errors(body: dict[str, Any]) -> str:
    messages = body.get("error_messages")
    if isinstance(messages, list):
        return "; ".join(str(message) for message in messages)
    return str(body.get("status_message", ""))
