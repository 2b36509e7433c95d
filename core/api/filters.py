"""Filter pieces shared by the catalogue endpoints."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.fields import SPOKEN_LANGUAGES, language_filter_regex
from core.timezones import wib_day_end, wib_day_start


class LanguageListFilter(filters.ChoiceFilter):
    """Matches rows whose comma-separated language list contains the code."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("choices", SPOKEN_LANGUAGES)
        kwargs.setdefault("label", _("Language spoken"))
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__regex": language_filter_regex(value)})


class WibDateFromFilter(filters.DateFilter):
    """Rows on or after this calendar date in WIB."""

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__gte": wib_day_start(value)})


class WibDateToFilter(filters.DateFilter):
    """Rows on or before this calendar date in WIB (the whole day is included)."""

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__lt": wib_day_end(value)})


class LatLngField(forms.CharField):
    """`near=0.9,108.98` → (0.9, 108.98), with a clear message when it is not a coordinate."""

    default_error_messages = {
        "invalid": _("Give a position as 'latitude,longitude', for example 0.9076,108.9840."),
        "range": _("Latitude must be between -90 and 90 and longitude between -180 and 180."),
    }

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        parts = value.split(",")
        try:
            lat, lng = (float(part) for part in parts)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise forms.ValidationError(self.error_messages["range"], code="out_of_range")
        return (lat, lng)


LATITUDE = r"-?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?)"
LONGITUDE = r"-?(180(\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]+)?)"


@extend_schema_field({"type": "string", "pattern": f"^{LATITUDE},{LONGITUDE}$", "example": "0.9076,108.9840"})
class LatLngFilter(filters.Filter):
    field_class = LatLngField


class StrictBooleanField(forms.Field):
    """true/false (and 1/0, yes/no); anything else is an error rather than silently ignored."""

    default_error_messages = {"invalid": _("Use true or false.")}
    _values = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self._values[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(filters.Filter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes decimals)."""

    field_class = forms.IntegerField
