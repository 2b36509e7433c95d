import hashlib
import time

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import error_body
from core.cache import (
    CATALOGUE_VERSION_KEY,
    SEATS_STALE_SECONDS,
    cache_get_many,
    cache_set,
)
from core.models import User


class PublicReadMixin:
    """Catalogue reads: open to everyone, with no session or CSRF machinery."""

    permission_classes: list = []
    authentication_classes: list = []


class CachedListMixin:
    """Serve a list from the cache for a few seconds, or until the catalogue changes (core/cache.py).

    The key holds the language and the full query. A page is stored with the
    catalogue version and the time it was computed: a catalogue change (a new
    version) makes the next request recompute, and so does a page
    SEATS_STALE_SECONDS old, so seat counts and time-based filters ("not
    started yet") lag by at most that. The booking itself always checks the
    session afresh.
    """

    def list(self, request: Request, *args, **kwargs):
        raw = f"{get_language()}|{request.path}|{request.GET.urlencode()}"
        key = "catalogue:" + hashlib.sha256(raw.encode()).hexdigest()
        # One round trip (MGET) for the page and the current version.
        found = cache_get_many([key, CATALOGUE_VERSION_KEY])
        version = int(found.get(CATALOGUE_VERSION_KEY) or 0)
        stored = found.get(key)
        now_ms = int(time.time() * 1000)
        if stored is not None and _still_fresh(stored, version, now_ms):
            return HttpResponse(stored[2], content_type="application/json")
        response = super().list(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        body = JSONRenderer().render(response.data)
        # Redis drops the page itself soon after; the time stored decides.
        cache_set(key, (version, now_ms, body), SEATS_STALE_SECONDS + 1)
        return HttpResponse(body, content_type="application/json")


def _still_fresh(stored: tuple, version: int, now_ms: int) -> bool:
    if len(stored) != 3 or stored[0] != version:
        return False
    return 0 <= now_ms - stored[1] < SEATS_STALE_SECONDS * 1000


class PingView(PublicReadMixin, APIView):
    """The cheapest DRF answer: what load balancers and the benchmark's floor call."""

    @extend_schema(responses={200: {"type": "object", "properties": {"ok": {"type": "boolean"}}}})
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class MeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "first_name", "last_name", "phone", "preferred_language"]
        read_only_fields = fields


class MeView(APIView):
    """The signed-in caller: a browser session or an app's X-Session-Token."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 (no URL matched, e.g. `/api/v1/sessions/abc/`): JSON in the error shape under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return page_not_found(request, exception)
