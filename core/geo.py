"""Distance on the earth's surface, computed in the database so it can filter and order."""

from django.db.models import F, FloatField, Value
from django.db.models.expressions import Func
from django.db.models.functions import ACos, Cast, Cos, Least, Radians, Sin

EARTH_RADIUS_KM = 6371.0


def distance_km(lat: float, lng: float, *, lat_field: str = "latitude", lng_field: str = "longitude") -> Func:
    """Great-circle distance (spherical law of cosines) from (lat, lng) to each row."""
    row_lat = Radians(Cast(F(lat_field), FloatField()))
    row_lng = Radians(Cast(F(lng_field), FloatField()))
    here_lat = Radians(Value(lat, output_field=FloatField()))
    here_lng = Radians(Value(lng, output_field=FloatField()))
    cosine = Cos(here_lat) * Cos(row_lat) * Cos(row_lng - here_lng) + Sin(here_lat) * Sin(row_lat)
    # Rounding can push the cosine a hair above 1 for the same point; acos(>1) is an error.
    return ACos(Least(cosine, Value(1.0, output_field=FloatField()))) * Value(EARTH_RADIUS_KM)
