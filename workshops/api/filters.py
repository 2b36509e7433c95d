from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from core.api.filters import (
    IntegerFilter,
    LanguageListFilter,
    StrictBooleanFilter,
    WibDateFromFilter,
    WibDateToFilter,
)
from core.fields import SPOKEN_LANGUAGES
from workshops.models import BatikClass, ClassSession, Level, SessionStatus, Technique, Workshop

# Bounds for the numeric filters, so a number too large for the database is a 400, not a query.
MAX_RUPIAH = 100_000_000
MAX_MINUTES = 10_000


class WorkshopFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", max_length=100, label=_("Search"))
    village = filters.CharFilter(field_name="village__slug", max_length=140)
    technique = filters.ChoiceFilter(choices=Technique.choices, method="with_technique")
    language = LanguageListFilter(field_name="languages")

    class Meta:
        model = Workshop
        fields = ["q", "village", "technique", "language"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(name__icontains=value) | Q(production_group__icontains=value) | Q(description__icontains=value)
        )

    def with_technique(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        classes = BatikClass.objects.filter(technique=value, is_published=True)
        return queryset.filter(pk__in=classes.values("workshop_id"))


class BatikClassFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", max_length=100, label=_("Search"))
    village = filters.CharFilter(field_name="workshop__village__slug", max_length=140)
    workshop = filters.CharFilter(field_name="workshop__slug", max_length=140)
    technique = filters.ChoiceFilter(choices=Technique.choices)
    level = filters.ChoiceFilter(choices=Level.choices)
    language = LanguageListFilter(field_name="languages")
    price_min = IntegerFilter(field_name="price_from", lookup_expr="gte", min_value=0, max_value=MAX_RUPIAH)
    price_max = IntegerFilter(field_name="price_from", lookup_expr="lte", min_value=0, max_value=MAX_RUPIAH)
    duration_min = IntegerFilter(
        field_name="duration_minutes", lookup_expr="gte", min_value=0, max_value=MAX_MINUTES
    )
    duration_max = IntegerFilter(
        field_name="duration_minutes", lookup_expr="lte", min_value=0, max_value=MAX_MINUTES
    )
    ordering = filters.OrderingFilter(
        fields=(("title", "title"), ("price_from", "price"), ("duration_minutes", "duration"))
    )

    class Meta:
        model = BatikClass
        fields = ["q", "village", "workshop", "technique", "level", "language"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class SessionFilter(filters.FilterSet):
    batik_class = filters.CharFilter(field_name="batik_class__slug", max_length=180, label=_("Class slug"))
    workshop = filters.CharFilter(field_name="batik_class__workshop__slug", max_length=140)
    village = filters.CharFilter(field_name="batik_class__workshop__village__slug", max_length=140)
    technique = filters.ChoiceFilter(field_name="batik_class__technique", choices=Technique.choices)
    language = filters.ChoiceFilter(field_name="language", choices=SPOKEN_LANGUAGES)
    status = filters.ChoiceFilter(field_name="status", choices=SessionStatus.choices)
    date_from = WibDateFromFilter(field_name="starts_at", label=_("From date (WIB)"))
    date_to = WibDateToFilter(field_name="starts_at", label=_("To date (WIB)"))
    seats = IntegerFilter(method="with_seats", min_value=1, max_value=500, label=_("Seats wanted"))
    available = StrictBooleanFilter(method="only_available", label=_("Only with free seats"))

    class Meta:
        model = ClassSession
        fields = ["batik_class", "workshop", "village", "technique", "language", "status"]

    def with_seats(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # Acts together with `available` in filter_queryset().
        return queryset

    def only_available(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        data = self.form.cleaned_data
        # Without an explicit range, a tourist sees what is still to come.
        if not data.get("date_from") and not data.get("date_to"):
            queryset = queryset.not_ended()
        queryset = super().filter_queryset(queryset)
        seats = int(data.get("seats") or 0)
        if data.get("available"):
            queryset = queryset.open_for_booking()
            seats = max(seats, 1)
        if seats:
            queryset = queryset.with_seats_left(seats)
        return queryset
