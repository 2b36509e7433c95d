from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import User


class PublicReadMixin:
    """Catalogue reads: open to everyone, with no session or CSRF machinery."""

    permission_classes: list = []
    authentication_classes: list = []


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
