"""Host endpoints for the bookings of a session: cancel, reschedule, roster, check-in, no-shows.

Thin views: permission → input → selector/service → output. A member of another
workshop gets 404 (the selectors only look inside the caller's workshops), a
signed-in tourist 403 (IsHost), nobody signed in 401.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import selectors
from bookings.api.csv import CsvOrJsonMixin, csv_response
from bookings.api.host_serializers import (
    CheckInInput,
    CheckInOutput,
    HostSessionOutput,
    NoShowsOutput,
    NotificationsInput,
    NotificationsOutput,
    RosterOutput,
    SessionCancelInput,
    SessionRescheduleInput,
    roster_csv_header,
    roster_csv_rows,
    roster_data,
)
from bookings.payments.services import payment_mark_paid
from bookings.services.checkin import booking_check_in, booking_check_in_undo, session_no_shows_mark
from bookings.services.notify import membership_notifications_set
from bookings.services.sessions import (
    session_bookings_move,
    session_cancel_with_bookings,
    session_reschedule_with_bookings,
    session_update_with_waitlist,
)
from core.timezones import wib_date
from workshops.api.host_schedule_serializers import HostSessionSerializer, SessionUpdateInput
from workshops.api.host_schedule_views import HostSessionDetail as WorkshopsHostSessionDetail
from workshops.permissions import IsCoordinator, IsHost, session_for_member

TAGS = ["host"]
CONFLICT = OpenApiResponse(description="The session's or booking's state does not allow it (see `code`).")
NOT_FOUND = OpenApiResponse(description="Not one of your workshops' sessions or bookings.")


class HostView(APIView):
    permission_classes = [IsHost]


class SessionCancel(HostView):
    @extend_schema(
        tags=TAGS,
        request=SessionCancelInput,
        responses={200: HostSessionOutput, 404: NOT_FOUND, 409: CONFLICT},
        summary="Cancel a session, cancel its bookings and tell every guest why",
    )
    def post(self, request: Request, pk: int) -> Response:
        session = selectors.session_for_host(user=request.user, session_id=pk)
        form = SessionCancelInput(data=request.data)
        form.is_valid(raise_exception=True)
        cancelled = session_cancel_with_bookings(
            session=session, reason=form.validated_data["reason"], actor=request.user
        )
        return Response(HostSessionOutput(cancelled).data)


class SessionReschedule(HostView):
    @extend_schema(
        tags=TAGS,
        request=SessionRescheduleInput,
        responses={200: HostSessionOutput, 404: NOT_FOUND, 409: CONFLICT},
        summary="Move a session (or its bookings into another session); guests may then cancel for free",
    )
    def post(self, request: Request, pk: int) -> Response:
        session = selectors.session_for_host(user=request.user, session_id=pk)
        form = SessionRescheduleInput(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if "target_session" in data:
            moved = session_bookings_move(
                session=session, target_session_id=data["target_session"], actor=request.user
            )
        else:
            moved = session_reschedule_with_bookings(
                session=session, starts_at=data["starts_at"], actor=request.user
            )
        return Response(HostSessionOutput(moved).data)


class SessionRoster(CsvOrJsonMixin, APIView):
    # Coordinators read every roster; only a workshop's own members change anything.
    permission_classes = [IsHost | IsCoordinator]

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["json", "csv"], description="`csv`: a UTF-8 file."
            ),
        ],
        responses={
            (200, "application/json"): RosterOutput,
            (200, "text/csv"): OpenApiTypes.BINARY,
            404: NOT_FOUND,
        },
        summary="Who is coming: every booking of a session, as JSON or CSV",
    )
    def get(self, request: Request, pk: int) -> Response:
        session = selectors.session_for_host(user=request.user, session_id=pk, coordinators_read=True)
        bookings = selectors.session_roster(session=session)
        if self.wants_csv(request):
            day = wib_date(session.starts_at).isoformat()
            return csv_response(
                header=roster_csv_header(),
                rows=roster_csv_rows(bookings),
                filename=f"roster-{session.batik_class.slug}-{day}.csv",
            )
        return Response(RosterOutput(roster_data(session, bookings)).data)


class CheckIn(HostView):
    service = staticmethod(booking_check_in)

    @extend_schema(
        tags=TAGS,
        request=CheckInInput,
        responses={200: CheckInOutput, 404: NOT_FOUND, 409: CONFLICT},
        summary="Check a guest in by booking code (safe to repeat); `collected` also marks the cash paid",
    )
    def post(self, request: Request) -> Response:
        form = CheckInInput(data=request.data)
        form.is_valid(raise_exception=True)
        booking = selectors.booking_for_host(user=request.user, code=form.validated_data["code"])
        changed = type(self).service(booking=booking, actor=request.user)
        if form.validated_data.get("collected"):
            payment_mark_paid(booking=changed, actor=request.user, note="check-in")
            changed = selectors.booking_for_host(user=request.user, code=changed.code)
        return Response(CheckInOutput(changed).data)


class CheckInUndo(CheckIn):
    service = staticmethod(booking_check_in_undo)

    @extend_schema(
        tags=TAGS,
        request=CheckInInput,
        responses={200: CheckInOutput, 404: NOT_FOUND, 409: CONFLICT},
        summary="Undo a check-in, on the day of the session (WIB)",
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class SessionNoShows(HostView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: NoShowsOutput, 404: NOT_FOUND, 409: CONFLICT},
        summary="After the session: mark every confirmed booking not checked in as a no-show",
    )
    def post(self, request: Request, pk: int) -> Response:
        session = selectors.session_for_host(user=request.user, session_id=pk)
        marked = session_no_shows_mark(session=session, actor=request.user)
        return Response(NoShowsOutput({"marked": len(marked), "codes": [b.code for b in marked]}).data)


class Notifications(HostView):
    @extend_schema(
        tags=TAGS, responses=NotificationsOutput(many=True), summary="Your booking e-mails, per workshop"
    )
    def get(self, request: Request) -> Response:
        memberships = selectors.memberships_of(user=request.user)
        return Response(NotificationsOutput(memberships, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=NotificationsInput,
        responses={200: NotificationsOutput, 404: NOT_FOUND},
        summary="Turn your e-mails about new bookings and cancellations on or off",
    )
    def patch(self, request: Request) -> Response:
        form = NotificationsInput(data=request.data)
        form.is_valid(raise_exception=True)
        membership = membership_notifications_set(
            user=request.user,
            workshop_slug=form.validated_data["workshop"],
            notify_bookings=form.validated_data["notify_bookings"],
        )
        return Response(NotificationsOutput(membership).data)


class HostSessionDetailWithWaitlist(WorkshopsHostSessionDetail):
    """GET / PATCH one session, as in the workshops host API; a raised capacity moves the waitlist."""

    @extend_schema(request=SessionUpdateInput, responses=HostSessionSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        session = session_for_member(request.user, pk)
        form = SessionUpdateInput(data=request.data)
        form.is_valid(raise_exception=True)
        session = session_update_with_waitlist(session=session, actor=request.user, **form.validated_data)
        return Response(self.get_serializer(session).data)
