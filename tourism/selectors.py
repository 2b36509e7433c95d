"""Reads of the village catalogue."""

from django.db.models import QuerySet

from core.geo import distance_km
from tourism.models import Village


def village_list(
    *, near: tuple[float, float] | None = None, radius_km: float | None = None
) -> QuerySet[Village]:
    """Published villages; with `near`, only those within `radius_km`, nearest first."""
    villages = Village.objects.published()
    if near is None:
        return villages.order_by("name", "id")
    lat, lng = near
    return (
        villages.filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(distance_km=distance_km(lat, lng))
        .filter(distance_km__lte=radius_km)
        .order_by("distance_km", "id")
    )
