"""`/api/v1/me/export/` and `/api/v1/me/delete/`: a person's rights of access and erasure (UU PDP)."""

from allauth.core import ratelimit
from django.contrib.auth import logout
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.errors import TooManyAttempts
from bookings.personal_data import personal_data_export
from bookings.services.privacy import account_delete
from core.timezones import WIB


def export_filename() -> str:
    return f"canting-data-{timezone.now().astimezone(WIB):%Y%m%d}.json"


class MeExport(APIView):
    """Download everything Canting holds about you, as a JSON file."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        response = Response(personal_data_export(user=request.user))
        response["Content-Disposition"] = f'attachment; filename="{export_filename()}"'
        response["Cache-Control"] = "no-store"
        return response


class AccountDeleteInput(serializers.Serializer):
    password = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text=_("Your current password."),
    )
    confirm = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=254,
        help_text=_("Accounts without a password: your account's e-mail address."),
    )


class AccountDeleteOutput(serializers.Serializer):
    deleted = serializers.BooleanField()
    bookings_cancelled = serializers.IntegerField(
        help_text=_("Held and future confirmed bookings cancelled; their seats were given back.")
    )
    bookings_anonymised = serializers.IntegerField(
        help_text=_("Bookings kept in the workshops' records without your name or contact details.")
    )
    waitlist_entries_anonymised = serializers.IntegerField()


def consume_attempt(request) -> None:
    """Typing passwords at this endpoint is rate-limited like allauth's own re-authentication."""
    if not ratelimit.consume(request, action="reauthenticate", user=request.user):
        raise TooManyAttempts()


class MeDelete(APIView):
    """Delete your account: held and future bookings are cancelled, past ones kept anonymised."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AccountDeleteInput, responses=AccountDeleteOutput)
    def post(self, request: Request) -> Response:
        form = AccountDeleteInput(data=request.data)
        form.is_valid(raise_exception=True)
        consume_attempt(request._request)
        deletion = account_delete(
            user=request.user,
            password=form.validated_data.get("password", ""),
            confirm=form.validated_data.get("confirm", ""),
        )
        # A browser session ends with the account; an app's session token no longer finds its user.
        logout(request._request)
        return Response(
            AccountDeleteOutput(
                {
                    "deleted": True,
                    "bookings_cancelled": deletion.bookings_cancelled,
                    "bookings_anonymised": deletion.bookings_anonymised,
                    "waitlist_entries_anonymised": deletion.waitlist_entries_anonymised,
                }
            ).data
        )
