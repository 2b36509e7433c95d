from rest_framework import generics

from core.api.views import CachedListMixin, PublicReadMixin
from tourism.api.filters import VillageFilter
from tourism.api.serializers import VillageSerializer
from tourism.selectors import village_list


class VillageList(PublicReadMixin, CachedListMixin, generics.ListAPIView):
    """Published tourism villages; `near` + `radius_km` lists the nearest first."""

    serializer_class = VillageSerializer
    filterset_class = VillageFilter

    def get_queryset(self):
        return village_list()
