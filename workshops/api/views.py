"""Public, read-only catalogue endpoints: thin views over the selectors."""

from rest_framework import generics

from core.api.views import CachedListMixin, PublicReadMixin
from workshops import selectors
from workshops.api.filters import BatikClassFilter, SessionFilter, WorkshopFilter
from workshops.api.serializers import (
    BatikClassSerializer,
    SessionSerializer,
    VillageDetailSerializer,
    WorkshopSerializer,
)


class VillageDetail(PublicReadMixin, generics.RetrieveAPIView):
    """A village with how many workshops and upcoming sessions it has."""

    serializer_class = VillageDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.village_detail_queryset()


class WorkshopList(PublicReadMixin, CachedListMixin, generics.ListAPIView):
    serializer_class = WorkshopSerializer
    filterset_class = WorkshopFilter

    def get_queryset(self):
        return selectors.workshop_list()


class WorkshopDetail(PublicReadMixin, generics.RetrieveAPIView):
    serializer_class = WorkshopSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.workshop_list()


class ClassList(PublicReadMixin, CachedListMixin, generics.ListAPIView):
    serializer_class = BatikClassSerializer
    filterset_class = BatikClassFilter

    def get_queryset(self):
        return selectors.class_list()


class ClassDetail(PublicReadMixin, generics.RetrieveAPIView):
    serializer_class = BatikClassSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.class_list()


class SessionList(PublicReadMixin, CachedListMixin, generics.ListAPIView):
    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        return selectors.session_list()


class SessionDetail(PublicReadMixin, generics.RetrieveAPIView):
    serializer_class = SessionSerializer

    def get_queryset(self):
        return selectors.session_list()
