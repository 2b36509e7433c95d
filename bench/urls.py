"""The project's URLs plus a stand-in `GET /api/v1/ping/` (only with `--stand-in-ping`).

The stand-in comes after the project's own patterns, so a real ping, once the
project has one, is what answers.
"""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urlpatterns


class StandInPing(APIView):
    """The cheapest DRF answer: no authentication, no permission check, no database."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


urlpatterns = [*project_urlpatterns, path("api/v1/ping/", StandInPing.as_view(), name="bench-ping")]
