"""Waitlist endpoints: join a full session, see or leave one's own entry, accept an offer.

Thin views: permission → input → service or selector → output. A guest proves
the entry is theirs with its token (`?token=` or X-Manage-Token), shown once on joining
and carried by the offer e-mail's accept link.
"""

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import selectors
from bookings.api.serializers import BookingSessionOutput, ContactInput
from bookings.codes import waitlist_token
from bookings.models import WaitlistEntry
from bookings.services.holds import Contact
from bookings.services.waitlist import waitlist_accept, waitlist_join, waitlist_leave

TOKEN_PARAMETER = OpenApiParameter(
    "token", OpenApiTypes.STR, description="A guest's waitlist token (or header X-Manage-Token)."
)


class WaitlistJoinInput(serializers.Serializer):
    seats = serializers.IntegerField(min_value=1, max_value=500)
    contact = ContactInput(required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)

    def validate(self, attrs: dict) -> dict:
        if not self.context["request"].user.is_authenticated and "contact" not in attrs:
            raise serializers.ValidationError(
                {"contact": [_("Tell us your name and e-mail so we can tell you when seats come free.")]},
                code="required",
            )
        return attrs


class WaitlistEntryOutput(serializers.ModelSerializer):
    session = BookingSessionOutput()
    position = serializers.SerializerMethodField()
    booking = serializers.CharField(source="booking.code", default=None, allow_null=True)

    class Meta:
        model = WaitlistEntry
        fields = [
            "id",
            "status",
            "seats",
            "position",
            "session",
            "language",
            "joined_at",
            "offered_at",
            "offer_expires_at",
            "booking",
        ]
        read_only_fields = fields

    def get_position(self, entry: WaitlistEntry) -> int | None:
        return selectors.waitlist_position(entry=entry)


class GuestWaitlistEntryOutput(WaitlistEntryOutput):
    """The answer to joining; a guest's also carries the token (the only time it is shown)."""

    openapi_optional = ("token",)
    token = serializers.SerializerMethodField(help_text=_("Only when joining as a guest."))

    class Meta(WaitlistEntryOutput.Meta):
        fields = [*WaitlistEntryOutput.Meta.fields, "token"]

    def get_token(self, entry: WaitlistEntry) -> str:
        return waitlist_token(entry.pk, entry.manage_nonce)


def _token(request: Request) -> str:
    return request.headers.get("X-Manage-Token") or request.query_params.get("token", "")


def _caller_entry(request: Request, pk: int) -> WaitlistEntry:
    return selectors.waitlist_entry_for_caller(entry_id=pk, user=request.user, token=_token(request))


def _fresh(entry: WaitlistEntry) -> WaitlistEntry:
    return WaitlistEntry.objects.select_related("session__batik_class__workshop", "booking").get(pk=entry.pk)


class SessionWaitlistJoin(APIView):
    """Join a session's waitlist (signed in, or as a guest with a contact)."""

    permission_classes = [AllowAny]
    throttle_scope = "waitlist"

    @extend_schema(request=WaitlistJoinInput, responses={201: GuestWaitlistEntryOutput})
    def post(self, request: Request, pk: int) -> Response:
        form = WaitlistJoinInput(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user = request.user if request.user.is_authenticated else None
        entry = waitlist_join(
            session_id=pk,
            seats=data["seats"],
            contact=Contact(**data["contact"]) if "contact" in data else None,
            user=user,
            language=data.get("language") or get_language() or settings.LANGUAGE_CODE,
        )
        output = WaitlistEntryOutput if user is not None else GuestWaitlistEntryOutput
        return Response(output(_fresh(entry)).data, status=201)


class WaitlistEntryDetail(APIView):
    """One's own waitlist entry with its position; DELETE leaves the queue (or declines an offer)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=WaitlistEntryOutput, parameters=[TOKEN_PARAMETER])
    def get(self, request: Request, pk: int) -> Response:
        return Response(WaitlistEntryOutput(_caller_entry(request, pk)).data)

    @extend_schema(responses={204: None}, parameters=[TOKEN_PARAMETER])
    def delete(self, request: Request, pk: int) -> Response:
        waitlist_leave(entry=_caller_entry(request, pk))
        return Response(status=204)


class WaitlistOfferAccept(APIView):
    """GET shows the offer (safe for link scanners); POST accepts it and confirms the booking."""

    permission_classes = [AllowAny]

    @extend_schema(responses=WaitlistEntryOutput, parameters=[TOKEN_PARAMETER])
    def get(self, request: Request, pk: int) -> Response:
        return Response(WaitlistEntryOutput(_caller_entry(request, pk)).data)

    @extend_schema(request=None, responses=WaitlistEntryOutput, parameters=[TOKEN_PARAMETER])
    def post(self, request: Request, pk: int) -> Response:
        entry = waitlist_accept(entry=_caller_entry(request, pk))
        return Response(WaitlistEntryOutput(_fresh(entry)).data)
