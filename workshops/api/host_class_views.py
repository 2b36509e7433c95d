"""Host endpoints for classes and their price tiers: members read, owners change."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import NotFound
from workshops import selectors
from workshops.api.host_base import HostListView, HostView
from workshops.api.host_serializers import HostClassSerializer, HostTierSerializer
from workshops.models import BatikClass, PriceTier
from workshops.permissions import class_for_member, require_owner, workshop_for_member, workshop_for_owner
from workshops.services.classes import (
    batik_class_create,
    batik_class_update,
    price_tier_create,
    price_tier_delete,
    price_tier_update,
)


class HostClassListCreate(HostListView):
    """The workshop's classes, published or not (GET); a new class (POST, owners)."""

    serializer_class = HostClassSerializer

    def get_queryset(self) -> QuerySet[BatikClass]:
        if self.fake:
            return BatikClass.objects.none()
        return selectors.host_classes(workshop_for_member(self.request.user, self.kwargs["slug"]))

    @extend_schema(responses={201: HostClassSerializer})
    def post(self, request: Request, slug: str) -> Response:
        workshop = workshop_for_owner(request.user, slug)
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        batik_class = batik_class_create(workshop=workshop, actor=request.user, **form.validated_data)
        return Response(self.get_serializer(batik_class).data, status=status.HTTP_201_CREATED)


class HostClassDetail(HostView):
    """One class (GET, members); edit texts, limits and policies or unpublish (PATCH, owners)."""

    serializer_class = HostClassSerializer

    def get(self, request: Request, class_slug: str) -> Response:
        return Response(self.get_serializer(class_for_member(request.user, class_slug)).data)

    def patch(self, request: Request, class_slug: str) -> Response:
        batik_class = class_for_member(request.user, class_slug)
        require_owner(request.user, batik_class.workshop)
        form = self.get_serializer(batik_class, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        batik_class = batik_class_update(batik_class=batik_class, actor=request.user, **form.validated_data)
        return Response(self.get_serializer(batik_class).data)


class HostTierListCreate(HostListView):
    """A class's price tiers (GET, members); a new tier (POST, owners)."""

    serializer_class = HostTierSerializer

    def get_queryset(self) -> QuerySet[PriceTier]:
        if self.fake:
            return PriceTier.objects.none()
        batik_class = class_for_member(self.request.user, self.kwargs["class_slug"])
        return batik_class.price_tiers.order_by("position", "id")

    @extend_schema(responses={201: HostTierSerializer})
    def post(self, request: Request, class_slug: str) -> Response:
        batik_class = class_for_member(request.user, class_slug)
        require_owner(request.user, batik_class.workshop)
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        tier = price_tier_create(batik_class=batik_class, actor=request.user, **form.validated_data)
        return Response(self.get_serializer(tier).data, status=status.HTTP_201_CREATED)


class HostTierDetail(HostView):
    """Rename or reprice a tier (PATCH), or delete one nobody booked (DELETE); owners only."""

    serializer_class = HostTierSerializer

    def _tier(self, class_slug: str, pk: int) -> PriceTier:
        batik_class = class_for_member(self.request.user, class_slug)
        require_owner(self.request.user, batik_class.workshop)
        tier = batik_class.price_tiers.filter(pk=pk).first()
        if tier is None:
            raise NotFound()
        tier.batik_class = batik_class
        return tier

    def patch(self, request: Request, class_slug: str, pk: int) -> Response:
        tier = self._tier(class_slug, pk)
        form = self.get_serializer(tier, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        tier = price_tier_update(tier=tier, actor=request.user, **form.validated_data)
        return Response(self.get_serializer(tier).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, class_slug: str, pk: int) -> Response:
        price_tier_delete(tier=self._tier(class_slug, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
