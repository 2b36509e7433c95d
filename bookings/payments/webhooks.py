"""Midtrans notifications and Xendit callbacks: check who sent it, ask the gateway, act, keep it.

A notification only says "look again": its body is never trusted for the outcome.
After the signature (Midtrans) or the callback token (Xendit) checks out, the
gateway is asked for the transaction as it stands, and that answer decides. So a
repeated, stale or reordered notification can only ever lead to the gateway's
current state, and the payment services make each transition once.

Every notification is kept (forged ones too, marked unverified). A verified one is
answered 200 whatever it named, so the endpoints never tell whether an order exists.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from django.conf import settings
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from bookings.payments.errors import AmountMismatch, PaymentGatewayUnavailable, PaymentNotFound
from bookings.payments.gateways import GatewayNotFound
from bookings.payments.gateways.midtrans import signature_is_valid
from bookings.payments.gateways.xendit import callback_token_is_valid
from bookings.payments.models import Payment, PaymentMethod, PaymentNotification
from bookings.payments.providers.base import GatewayError
from bookings.payments.providers.midtrans import midtrans_client
from bookings.payments.providers.xendit import xendit_client
from bookings.payments.services import payment_failed, payment_succeeded
from core.api.schema import error_response
from core.errors import DomainError

logger = logging.getLogger(__name__)


class InvalidSignature(DomainError):
    code = "invalid_signature"
    status_code = 403
    default_message = _("The notification signature is not valid.")


class InvalidCallbackToken(DomainError):
    code = "invalid_callback_token"
    status_code = 403
    default_message = _("The callback token is not valid.")


class InvalidNotification(DomainError):
    code = "invalid_notification"
    status_code = 400
    default_message = _("The notification is not a JSON object.")


class PaymentWebhookThrottle(ScopedRateThrottle):
    """Per client address; the rate is read from settings at each request, not frozen at import."""

    def get_rate(self) -> str | None:
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)


ACK = inline_serializer("PaymentWebhookAck", fields={"status": serializers.CharField()})


def _body(request: Request, method: str) -> dict[str, Any]:
    """The JSON object sent; anything else is kept as text and refused."""
    text = request.body.decode("utf-8", "replace")
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        _keep(method, order_id="", raw={"unparsed": text[:10_000]}, verified=False, outcome="not_json")
        raise InvalidNotification()
    return body


UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: Any) -> Any:
    """`value` with every string made storable in PostgreSQL text and jsonb.

    Anyone may post here, and a NUL character or a lone UTF-16 surrogate, valid in
    JSON, cannot be stored: each becomes U+FFFD, so the notification is still kept.
    """
    if isinstance(value, str):
        return UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


def _keep(method: str, *, order_id: Any, raw: Any, verified: bool, outcome: str) -> PaymentNotification:
    return PaymentNotification.objects.create(
        method=method,
        order_id=_storable(str(order_id or ""))[:200],
        raw=_storable(raw),
        received_at=timezone.now(),
        verified=verified,
        outcome=outcome,
    )


def _done(notification: PaymentNotification, *, outcome: str, payment: Payment | None = None) -> Response:
    PaymentNotification.objects.filter(pk=notification.pk).update(outcome=outcome[:200], payment=payment)
    logger.info("payments: %s notification %s → %s", notification.method, notification.order_id, outcome)
    return Response({"status": "ok"})


def _gateway_down(notification: PaymentNotification, exc: GatewayError) -> PaymentGatewayUnavailable:
    # Answered 503 so the gateway sends it again later; nothing about the order is said.
    logger.warning("payments: %s re-query failed for %s: %s", notification.method, notification.order_id, exc)
    PaymentNotification.objects.filter(pk=notification.pk).update(outcome="gateway_unavailable")
    return PaymentGatewayUnavailable()


# A gateway is answered in the one error shape too; what each refusal means for it.
NOT_JSON = error_response("`invalid_notification`: the body is not a JSON object (kept, unverified).")
GATEWAY_DOWN = error_response(
    "`payment_gateway_unavailable`: the gateway could not be asked about the order; send it again later."
)


class _WebhookView(APIView):
    """Public by design: a gateway, not a person, calls it, proving itself with a signature or token."""

    # Answered 200 whatever order a verified request names (never 404 or 409, which would tell
    # whether an order exists); the raw body is read, whatever its Content-Type (never 415).
    schema_never_answers = ("404", "409", "415")
    # The gateway always sends a JSON object; no body at all is refused (400 `invalid_notification`).
    schema_body_required = True
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PaymentWebhookThrottle]
    throttle_scope = "payment_webhook"


class MidtransNotification(_WebhookView):
    """Midtrans HTTP notification (Dashboard → Settings → Payment Notification URL)."""

    @extend_schema(
        tags=["payments"],
        summary="Midtrans payment notification",
        description=(
            "Sent by Midtrans. signature_key must equal SHA512(order_id + status_code + gross_amount "
            "+ server key) or the answer is 403 `invalid_signature`. The transaction is then read "
            "from Midtrans and acted on. Any verified notification is answered 200."
        ),
        request=OpenApiTypes.OBJECT,
        responses={
            200: ACK,
            400: NOT_JSON,
            403: error_response("`invalid_signature`: signature_key is missing or wrong (kept, unverified)."),
            503: GATEWAY_DOWN,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        method = PaymentMethod.MIDTRANS
        body = _body(request, method)
        order_id = body.get("order_id")
        if not signature_is_valid(body, server_key=settings.MIDTRANS_SERVER_KEY):
            _keep(method, order_id=order_id, raw=body, verified=False, outcome="invalid_signature")
            raise InvalidSignature()
        notification = _keep(method, order_id=order_id, raw=body, verified=True, outcome="received")
        try:
            status = midtrans_client().status(order_id)
        except GatewayNotFound:
            return _done(notification, outcome="unknown_order")
        except GatewayError as exc:
            raise _gateway_down(notification, exc) from exc
        payment = Payment.objects.filter(order_id=order_id, method=method).first()
        if payment is None or status.order_id != order_id:
            return _done(notification, outcome="unknown_order")
        said = status.transaction_status
        try:
            amount = status.amount
        except ValueError:
            return _done(notification, outcome=f"{said}: amount unreadable", payment=payment)
        try:
            if status.is_paid:
                payment = payment_succeeded(
                    order_id=order_id,
                    amount=amount,
                    provider_reference=status.transaction_id or payment.provider_reference,
                )
            elif status.is_failed:
                payment = payment_failed(order_id=order_id, status=said)
            else:  # pending, a card challenge, a refund: nothing for Canting to do
                return _done(notification, outcome=f"{said}: no change", payment=payment)
        except AmountMismatch:
            logger.warning(
                "payments: Midtrans %s settled %s, not %s", order_id, status.gross_amount, payment.amount
            )
            return _done(
                notification, outcome=f"{said}: amount_mismatch {status.gross_amount}", payment=payment
            )
        except PaymentNotFound:
            return _done(notification, outcome="unknown_order")
        return _done(notification, outcome=f"{said}: {payment.status}", payment=payment)


class XenditCallback(_WebhookView):
    """Xendit invoice callback (Dashboard → Settings → Webhooks → Invoices paid)."""

    @extend_schema(
        tags=["payments"],
        summary="Xendit invoice callback",
        description=(
            "Sent by Xendit with the header x-callback-token, which must equal the account's "
            "verification token or the answer is 403 `invalid_callback_token`. The invoice is then "
            "read from Xendit and acted on. Any verified callback is answered 200."
        ),
        parameters=[OpenApiParameter("x-callback-token", str, OpenApiParameter.HEADER, required=True)],
        request=OpenApiTypes.OBJECT,
        responses={
            200: ACK,
            400: NOT_JSON,
            403: error_response(
                "`invalid_callback_token`: x-callback-token is missing or wrong (kept, unverified)."
            ),
            503: GATEWAY_DOWN,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        method = PaymentMethod.XENDIT
        body = _body(request, method)
        order_id = body.get("external_id")
        token = request.headers.get("x-callback-token")
        if not callback_token_is_valid(token, expected=settings.XENDIT_CALLBACK_TOKEN):
            _keep(method, order_id=order_id, raw=body, verified=False, outcome="invalid_callback_token")
            raise InvalidCallbackToken()
        notification = _keep(method, order_id=order_id, raw=body, verified=True, outcome="received")
        invoice_id = body.get("id")
        if not isinstance(invoice_id, str) or not 0 < len(invoice_id) <= 100:
            return _done(notification, outcome="no invoice id")
        try:
            invoice = xendit_client().get_invoice(invoice_id)
        except GatewayNotFound:
            return _done(notification, outcome="unknown_order")
        except GatewayError as exc:
            raise _gateway_down(notification, exc) from exc
        payment = Payment.objects.filter(order_id=invoice.external_id, method=method).first()
        if payment is None or (payment.provider_reference and payment.provider_reference != invoice.id):
            return _done(notification, outcome="unknown_order")
        said = invoice.status
        paid = invoice.paid_amount if invoice.paid_amount is not None else invoice.amount
        try:
            if invoice.is_paid:
                if invoice.amount != paid:
                    raise AmountMismatch()
                payment = payment_succeeded(
                    order_id=payment.order_id, amount=paid, provider_reference=invoice.id
                )
            elif invoice.is_expired:
                payment = payment_failed(order_id=payment.order_id, status="expired")
            else:
                return _done(notification, outcome=f"{said}: no change", payment=payment)
        except AmountMismatch:
            logger.warning("payments: Xendit %s paid %s, not %s", payment.order_id, paid, payment.amount)
            return _done(notification, outcome=f"{said}: amount_mismatch {paid}", payment=payment)
        except PaymentNotFound:
            return _done(notification, outcome="unknown_order")
        return _done(notification, outcome=f"{said}: {payment.status}", payment=payment)


# Included under /api/v1/payments/ by bookings.api.urls.
webhook_urlpatterns = [
    path(
        "payments/midtrans/notification/",
        MidtransNotification.as_view(),
        name="payment-midtrans-notification",
    ),
    path("payments/xendit/callback/", XenditCallback.as_view(), name="payment-xendit-callback"),
]
