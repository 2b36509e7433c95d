from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from core.api.filters import LatLngFilter
from tourism.models import Village
from tourism.selectors import village_list


class VillageFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", max_length=100, label=_("Search"))
    province = filters.CharFilter(field_name="province", lookup_expr="iexact", max_length=120)
    city = filters.CharFilter(field_name="city", lookup_expr="iexact", max_length=120)
    classification = filters.ChoiceFilter(
        field_name="classification", choices=Village._meta.get_field("classification").choices
    )
    near = LatLngFilter(method="noop", label=_("Near 'latitude,longitude'"))
    radius_km = filters.NumberFilter(
        # A Decimal bound: the filter reads a Decimal, and Decimal("0.1") < 0.1 (the float is a hair above).
        method="noop",
        min_value=Decimal("0.1"),
        max_value=500,
        label=_("Radius in km (with near)"),
    )
    ordering = filters.OrderingFilter(fields=(("name", "name"), ("city", "city")))

    class Meta:
        model = Village
        fields = ["q", "province", "city", "classification", "near", "radius_km"]

    def noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # `near` and `radius_km` act together in filter_queryset().
        return queryset

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(name__icontains=value) | Q(city__icontains=value) | Q(description__icontains=value)
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        near = self.form.cleaned_data.get("near")
        if near is not None:
            radius = self.form.cleaned_data.get("radius_km") or 25
            queryset = village_list(near=near, radius_km=float(radius))
        return super().filter_queryset(queryset)
