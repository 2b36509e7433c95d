from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tourism.models import Village


class VillageSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Village
        fields = ["slug", "name", "city", "province"]
        read_only_fields = fields


class VillageSerializer(serializers.ModelSerializer):
    highlights = serializers.SerializerMethodField()
    classification_label = serializers.CharField(source="get_classification_display", read_only=True)
    distance_km = serializers.SerializerMethodField()

    class Meta:
        model = Village
        fields = [
            "slug",
            "name",
            "city",
            "province",
            "description",
            "address",
            "latitude",
            "longitude",
            "highlights",
            "whatsapp",
            "classification",
            "classification_label",
            "distance_km",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_highlights(self, village: Village) -> list[str]:
        return village.highlight_list

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, village: Village) -> float | None:
        distance = getattr(village, "distance_km", None)
        return round(distance, 2) if distance is not None else None
