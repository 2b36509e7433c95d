"""Booking endpoints: permission → input → service → output. No rules here."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotAuthenticated
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import selectors
from bookings.api.idempotency import respond_idempotently
from bookings.api.serializers import BookingCreateInput, BookingOutput, GuestBookingOutput
from bookings.models import Booking
from bookings.notifications.calendar import booking_ics
from bookings.notifications.qr import booking_qr_svg
from bookings.services.holds import booking_cancel, booking_confirm, booking_hold

TOKEN_PARAMETERS = [
    OpenApiParameter(
        "token", OpenApiTypes.STR, description="A guest's manage token (or header X-Manage-Token)."
    ),
    OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False),
]


def _token(request: Request) -> str:
    return request.headers.get("X-Manage-Token") or request.query_params.get("token", "")


def _caller_booking(request: Request, code: str) -> Booking:
    return selectors.booking_for_caller(code=code, user=request.user, token=_token(request))


def _scope(request: Request, guest_email: str) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"email:{guest_email.strip().lower()}"


class BookingListCreate(ListAPIView):
    """Your bookings (GET, signed in) and a new hold (POST, signed in or as a guest)."""

    permission_classes = [AllowAny]
    serializer_class = BookingOutput
    # New holds per client address and per user (CANTING_THROTTLE_BOOKINGS); reads are not counted.
    throttle_scope = "bookings"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        if not self.request.user.is_authenticated:
            raise NotAuthenticated()
        return selectors.bookings_of_user(user=self.request.user)

    @extend_schema(
        request=BookingCreateInput, responses={201: GuestBookingOutput}, parameters=TOKEN_PARAMETERS[1:]
    )
    def post(self, request: Request) -> Response:
        form = BookingCreateInput(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        contact = form.contact_value()

        def hold() -> tuple[int, dict]:
            booking = booking_hold(
                session_id=form.validated_data["session"],
                lines=form.line_requests(),
                contact=contact,
                user=user,
                language=form.language_value(),
            )
            output = BookingOutput if user is not None else GuestBookingOutput
            return 201, output(booking).data

        return respond_idempotently(
            request, scope=_scope(request, contact.email if contact else ""), action=hold
        )


def _fresh(booking: Booking) -> Booking:
    return (
        Booking.objects.select_related("session__batik_class__workshop")
        .prefetch_related("lines")
        .get(pk=booking.pk)
    )


class BookingDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=BookingOutput, parameters=TOKEN_PARAMETERS[:1])
    def get(self, request: Request, code: str) -> Response:
        return Response(BookingOutput(_caller_booking(request, code)).data)


class BookingTransition(APIView):
    """POST /confirm/ and /cancel/: a state change of the caller's booking."""

    permission_classes = [AllowAny]
    service = None

    @extend_schema(request=None, responses=BookingOutput, parameters=TOKEN_PARAMETERS)
    def post(self, request: Request, code: str) -> Response:
        booking = _caller_booking(request, code)
        service = type(self).service

        def act() -> tuple[int, dict]:
            return 200, BookingOutput(_fresh(service(booking=booking))).data

        return respond_idempotently(request, scope=_scope(request, booking.contact_email), action=act)


class BookingConfirm(BookingTransition):
    service = staticmethod(booking_confirm)


class BookingCancel(BookingTransition):
    service = staticmethod(booking_cancel)


class BookingCalendar(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.BINARY}, parameters=TOKEN_PARAMETERS[:1])
    def get(self, request: Request, code: str) -> HttpResponse:
        booking = _caller_booking(request, code)
        response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{booking.code}.ics"'
        return response


class BookingQr(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "image/svg+xml"): OpenApiTypes.BINARY}, parameters=TOKEN_PARAMETERS[:1])
    def get(self, request: Request, code: str) -> HttpResponse:
        booking = _caller_booking(request, code)
        return HttpResponse(booking_qr_svg(booking.code), content_type="image/svg+xml")
