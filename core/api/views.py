import hashlib
import time

from django.http import HttpResponse
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.cache import (
    CATALOGUE_VERSION_KEY,
    SEATS_CHANGED_KEY,
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
    """Serve a list from the cache while the catalogue has not changed (core/cache.py).

    The key holds the language and the full query. A page is stored with the
    catalogue version and the time it was computed: a catalogue change (a new
    version) makes the next request recompute; seats that moved since make it
    recompute once the page is SEATS_STALE_SECONDS old. Time-based filters
    ("not started yet") may lag by at most `cache_seconds`; the booking itself
    always checks the session afresh.
    """

    cache_seconds = 30

    def list(self, request: Request, *args, **kwargs):
        raw = f"{get_language()}|{request.path}|{request.GET.urlencode()}"
        key = "catalogue:" + hashlib.sha256(raw.encode()).hexdigest()
        # One round trip (MGET) for the page, the current version and the last seat change.
        found = cache_get_many([key, CATALOGUE_VERSION_KEY, SEATS_CHANGED_KEY])
        version = int(found.get(CATALOGUE_VERSION_KEY) or 0)
        stored = found.get(key)
        now_ms = int(time.time() * 1000)
        if stored is not None and _still_fresh(
            stored, version, int(found.get(SEATS_CHANGED_KEY) or 0), now_ms
        ):
            return HttpResponse(stored[2], content_type="application/json")
        response = super().list(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        body = JSONRenderer().render(response.data)
        cache_set(key, (version, now_ms, body), self.cache_seconds)
        return HttpResponse(body, content_type="application/json")


def _still_fresh(stored: tuple, version: int, seats_changed_ms: int, now_ms: int) -> bool:
    if len(stored) != 3 or stored[0] != version:
        return False
    computed_ms = stored[1]
    # A seat change in the same millisecond as the page counts as after it.
    return seats_changed_ms < computed_ms or now_ms - computed_ms < SEATS_STALE_SECONDS * 1000


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


class MeView(APIView):
    """The signed-in caller: a browser session or an app's X-Session-Token."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
