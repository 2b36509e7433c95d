"""Xendit invoices: a hosted page that takes QRIS, virtual accounts, e-wallets and cards.

Documented protocol (docs.xendit.co):
- POST {api}/v2/invoices {"external_id", "amount", "payer_email", "description",
  "invoice_duration" (seconds), "success_redirect_url", "currency"}
  → {"id", "invoice_url", "status", "expiry_date"}
- GET {api}/v2/invoices/{id}
- POST {api}/refunds {"invoice_id", "amount", "reason", "reference_id"} (Idempotency-key header)
- Callback: POST to our endpoint with the header x-callback-token and the invoice as body.
Authentication is HTTP Basic with the secret key as user and an empty password.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from bookings.payments.gateways.http import GatewayNotFound, GatewayRefused, request_json

PAID_STATUSES = frozenset({"PAID", "SETTLED"})
# Xendit's refund reasons are an enumeration.
REFUND_REASONS = frozenset({"FRAUDULENT", "DUPLICATE", "REQUESTED_BY_CUSTOMER", "CANCELLATION", "OTHERS"})


@dataclass(frozen=True)
class Invoice:
    id: str
    external_id: str
    status: str
    amount: int
    invoice_url: str = ""
    paid_amount: int | None = None
    expiry_date: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_paid(self) -> bool:
        return self.status in PAID_STATUSES

    @property
    def is_expired(self) -> bool:
        return self.status == "EXPIRED"


@dataclass(frozen=True)
class XenditRefund:
    id: str
    status: str
    amount: int
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


def callback_token_is_valid(received: str | None, *, expected: str) -> bool:
    """Constant-time comparison of the x-callback-token header with ours; no token set → nothing is valid."""
    if not expected or not received:
        return False
    return hmac.compare_digest(received.encode(), expected.encode())


class XenditClient:
    def __init__(self, *, secret_key: str, api_url: str, timeout: float) -> None:
        self.secret_key = secret_key
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout

    def create_invoice(
        self,
        *,
        external_id: str,
        amount: int,
        invoice_duration: int,
        description: str,
        payer_email: str = "",
        success_redirect_url: str = "",
        failure_redirect_url: str = "",
    ) -> Invoice:
        payload: dict[str, Any] = {
            "external_id": external_id,
            "amount": amount,
            "currency": "IDR",
            "description": description[:1000],
            "invoice_duration": invoice_duration,
        }
        if payer_email:
            payload["payer_email"] = payer_email
        if success_redirect_url:
            payload["success_redirect_url"] = success_redirect_url
        if failure_redirect_url:
            payload["failure_redirect_url"] = failure_redirect_url
        response = request_json(
            "POST", f"{self.api_url}/v2/invoices", key=self.secret_key, timeout=self.timeout, body=payload
        )
        invoice = self._invoice_or_raise(response, what=f"invoice for {external_id}")
        if not invoice.invoice_url:
            raise GatewayRefused(
                f"Xendit gave no invoice_url for {external_id}", status=response.status, body=response.body
            )
        return invoice

    def get_invoice(self, invoice_id: str) -> Invoice:
        response = request_json(
            "GET",
            f"{self.api_url}/v2/invoices/{quote(invoice_id, safe='')}",
            key=self.secret_key,
            timeout=self.timeout,
        )
        return self._invoice_or_raise(response, what=f"invoice {invoice_id}")

    def create_refund(self, *, invoice_id: str, amount: int, reason: str, reference_id: str) -> XenditRefund:
        """Refund `amount` of a paid invoice; the same reference_id repeated is the same refund."""
        if reason not in REFUND_REASONS:
            raise ValueError(f"Xendit refund reason must be one of {sorted(REFUND_REASONS)}")
        response = request_json(
            "POST",
            f"{self.api_url}/refunds",
            key=self.secret_key,
            timeout=self.timeout,
            body={
                "invoice_id": invoice_id,
                "amount": amount,
                "currency": "IDR",
                "reason": reason,
                "reference_id": reference_id,
            },
            headers={"Idempotency-key": reference_id},
        )
        body = response.body if isinstance(response.body, dict) else {}
        if response.status == 404:
            raise GatewayNotFound(f"Xendit has no invoice {invoice_id}", status=404, body=response.body)
        if response.status not in (200, 201) or body.get("status") not in {"SUCCEEDED", "PENDING"}:
            raise GatewayRefused(
                f"Xendit refused the refund of {invoice_id}: HTTP {response.status} "
                f"{body.get('error_code', '')} {body.get('message', '')}",
                status=response.status,
                body=response.body,
            )
        return XenditRefund(
            id=str(body.get("id", "")), status=str(body["status"]), amount=int(body["amount"]), raw=body
        )

    def _invoice_or_raise(self, response: Any, *, what: str) -> Invoice:
        body = response.body if isinstance(response.body, dict) else {}
        if response.status == 404:
            raise GatewayNotFound(f"Xendit has no {what}", status=404, body=response.body)
        if response.status not in (200, 201) or not body.get("id") or "status" not in body:
            raise GatewayRefused(
                f"Xendit refused {what}: HTTP {response.status} "
                f"{body.get('error_code', '')} {body.get('message', '')}",
                status=response.status,
                body=response.body,
            )
        try:
            return Invoice(
                id=str(body["id"]),
                external_id=str(body.get("external_id", "")),
                status=str(body["status"]),
                amount=_whole(body.get("amount")),
                invoice_url=str(body.get("invoice_url") or ""),
                paid_amount=_whole(body["paid_amount"]) if body.get("paid_amount") is not None else None,
                expiry_date=_parse_time(body.get("expiry_date")),
                raw=body,
            )
        except (TypeError, ValueError) as exc:
            raise GatewayRefused(f"Xendit sent an unreadable {what}: {exc}", status=response.status) from exc


def _whole(value: Any) -> int:
    # JSON numbers may arrive as 150000 or 150000.0; a fraction of a rupiah is not ours.
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value < 0:
        raise ValueError(f"not a whole rupiah amount: {value!r}")
    return int(value)


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
