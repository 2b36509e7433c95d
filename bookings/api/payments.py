"""Payment endpoints: a tourist pays a held booking; a host records transfers, cash and refunds.

Thin views like the rest of the booking API: the caller's booking (owner, manage
token, or a member of its workshop) → input → one service → output.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import selectors
from bookings.api.host_serializers import CheckInOutput
from bookings.api.idempotency import respond_idempotently
from bookings.api.payment_serializers import (
    HostPaymentNoteInput,
    HostPaymentRejectInput,
    PayInput,
    PaymentOutput,
)
from bookings.api.serializers import BookingOutput
from bookings.api.views import TOKEN_PARAMETERS, _caller_booking, _fresh, _scope
from bookings.payments.services import (
    payment_mark_paid,
    payment_refund_mark_done,
    payment_reject,
    payment_start,
)
from workshops.permissions import IsHost

TAGS = ["host"]
CONFLICT = OpenApiResponse(description="The booking's or payment's state does not allow it (see `code`).")
NOT_FOUND = OpenApiResponse(description="Not your booking (or not one of your workshops' bookings).")


class PayOutput(serializers.Serializer):
    payment = PaymentOutput()
    booking = BookingOutput()


class BookingPay(APIView):
    """POST /pay/: choose how to pay a held booking and start paying."""

    permission_classes = [AllowAny]

    @extend_schema(
        request=PayInput,
        responses={
            201: PayOutput,
            400: OpenApiResponse(description="`payment_method_not_accepted`: the class does not take it."),
            404: NOT_FOUND,
            409: CONFLICT,
            503: OpenApiResponse(description="`payment_gateway_unavailable`: try again shortly."),
        },
        parameters=TOKEN_PARAMETERS,
        summary="Pay a held booking: at the workshop, by bank transfer, or through a gateway",
        description=(
            "`at_workshop` confirms the booking at once (the host collects at check-in). "
            "`bank_transfer` keeps the seats held until the transfer deadline and answers with "
            "instructions. `midtrans` / `xendit` answer with `checkout_url`, the gateway's page; "
            "the hold follows the payment's expiry."
        ),
    )
    def post(self, request: Request, code: str) -> Response:
        booking = _caller_booking(request, code)
        form = PayInput(data=request.data)
        form.is_valid(raise_exception=True)

        def pay() -> tuple[int, dict]:
            payment, _checkout = payment_start(booking=booking, method=form.validated_data["method"])
            return 201, PayOutput({"payment": payment, "booking": _fresh(booking)}).data

        return respond_idempotently(request, scope=_scope(request, booking.contact_email), action=pay)


class HostPaymentAction(APIView):
    permission_classes = [IsHost]
    input_class = HostPaymentNoteInput

    def act(self, booking, user, data):  # pragma: no cover - each subclass says what it does
        raise NotImplementedError

    def post(self, request: Request, code: str) -> Response:
        booking = selectors.booking_for_host(user=request.user, code=code)
        form = self.input_class(data=request.data)
        form.is_valid(raise_exception=True)
        self.act(booking, request.user, form.validated_data)
        return Response(CheckInOutput(selectors.booking_for_host(user=request.user, code=code)).data)


class HostPaymentPaid(HostPaymentAction):
    @extend_schema(
        tags=TAGS,
        request=HostPaymentNoteInput,
        responses={200: CheckInOutput, 404: NOT_FOUND, 409: CONFLICT},
        summary="Mark a booking paid: the bank transfer arrived, or the cash was collected (safe to repeat)",
    )
    def post(self, request: Request, code: str) -> Response:
        return super().post(request, code)

    def act(self, booking, user, data):
        return payment_mark_paid(booking=booking, actor=user, note=data["note"])


class HostPaymentReject(HostPaymentAction):
    input_class = HostPaymentRejectInput

    @extend_schema(
        tags=TAGS,
        request=HostPaymentRejectInput,
        responses={200: CheckInOutput, 404: NOT_FOUND, 409: CONFLICT},
        summary="Reject a bank transfer that did not arrive: the held seats are released and the guest told",
    )
    def post(self, request: Request, code: str) -> Response:
        return super().post(request, code)

    def act(self, booking, user, data):
        return payment_reject(booking=booking, actor=user, reason=data["reason"])


class HostPaymentRefunded(HostPaymentAction):
    @extend_schema(
        tags=TAGS,
        request=HostPaymentNoteInput,
        responses={200: CheckInOutput, 404: NOT_FOUND, 409: CONFLICT},
        summary="Record a refund the workshop made by hand (cash or transfer); the guest is told",
    )
    def post(self, request: Request, code: str) -> Response:
        return super().post(request, code)

    def act(self, booking, user, data):
        return payment_refund_mark_done(booking=booking, actor=user, note=data["note"])
