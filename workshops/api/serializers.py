from django.utils.translation import gettext as _
from rest_framework import serializers

from tourism.api.serializers import VillageSerializer, VillageSummarySerializer
from workshops.models import BatikClass, ClassSession, PaymentMethod, PriceTier, Workshop


class VillageDetailSerializer(VillageSerializer):
    workshop_count = serializers.IntegerField(read_only=True)
    upcoming_session_count = serializers.IntegerField(read_only=True)

    class Meta(VillageSerializer.Meta):
        fields = [*VillageSerializer.Meta.fields, "workshop_count", "upcoming_session_count"]


class LanguageListField(serializers.ListField):
    child = serializers.CharField()

    def to_representation(self, value: str) -> list[str]:
        return [code for code in (value or "").split(",") if code]


class WorkshopSummarySerializer(serializers.ModelSerializer):
    village = VillageSummarySerializer(read_only=True)

    class Meta:
        model = Workshop
        fields = ["slug", "name", "production_group", "village"]


class WorkshopSerializer(serializers.ModelSerializer):
    village = VillageSummarySerializer(read_only=True)
    languages = LanguageListField(read_only=True)
    class_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Workshop
        fields = [
            "slug",
            "name",
            "production_group",
            "description",
            "address",
            "latitude",
            "longitude",
            "languages",
            "whatsapp",
            "village",
            "class_count",
        ]


class PriceTierSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriceTier
        fields = ["id", "label", "amount"]


class ClassSummarySerializer(serializers.ModelSerializer):
    price_from = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = BatikClass
        fields = ["slug", "title", "technique", "duration_minutes", "price_from"]


class PaymentMethodsField(serializers.ListField):
    """The payment methods a tourist may choose for the class (the class's own, else its workshop's)."""

    child = serializers.ChoiceField(choices=PaymentMethod.choices)

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)


class BatikClassSerializer(serializers.ModelSerializer):
    workshop = WorkshopSummarySerializer(read_only=True)
    payment_methods = PaymentMethodsField(source="accepted_payment_methods")
    languages = LanguageListField(read_only=True)
    price_tiers = PriceTierSerializer(many=True, read_only=True)
    price_from = serializers.IntegerField(read_only=True, allow_null=True)
    technique_label = serializers.CharField(source="get_technique_display", read_only=True)

    class Meta:
        model = BatikClass
        fields = [
            "slug",
            "title",
            "technique",
            "technique_label",
            "level",
            "duration_minutes",
            "description",
            "included",
            "takes_home",
            "what_to_bring",
            "min_participants",
            "max_participants",
            "min_age",
            "languages",
            "cancellation_hours",
            "payment_methods",
            "price_from",
            "price_tiers",
            "workshop",
        ]


class SessionClassSummarySerializer(serializers.Serializer):
    """The class of a session, read from the session row (its lowest price is annotated there)."""

    slug = serializers.CharField(source="batik_class.slug")
    title = serializers.CharField(source="batik_class.title")
    technique = serializers.CharField(source="batik_class.technique")
    duration_minutes = serializers.IntegerField(source="batik_class.duration_minutes")
    price_from = serializers.IntegerField(allow_null=True, default=None)


class SessionSerializer(serializers.ModelSerializer):
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    seats_left = serializers.SerializerMethodField()
    # Nested serializers declared once: building them per row cost most of a page's time.
    batik_class = SessionClassSummarySerializer(source="*", read_only=True)
    workshop = WorkshopSummarySerializer(source="batik_class.workshop", read_only=True)
    min_participants = serializers.IntegerField(source="batik_class.min_participants", read_only=True)
    confirmed_seats = serializers.SerializerMethodField()
    minimum_progress = serializers.SerializerMethodField()
    payment_methods = PaymentMethodsField(source="batik_class.accepted_payment_methods")

    class Meta:
        model = ClassSession
        fields = [
            "id",
            "starts_at",
            "ends_at",
            "capacity",
            "seats_left",
            "min_participants",
            "confirmed_seats",
            "minimum_progress",
            "decision",
            "decided_at",
            "status",
            "language",
            "note",
            "payment_methods",
            "batik_class",
            "workshop",
        ]

    def get_seats_left(self, session: ClassSession) -> int:
        return session.seats_left

    def get_confirmed_seats(self, session: ClassSession) -> int | None:
        return getattr(session, "confirmed_seats", None)

    def get_minimum_progress(self, session: ClassSession) -> str | None:
        """'3 of 5 needed' while a minimum above one is not reached; empty once it is, or without one."""
        confirmed, minimum = getattr(session, "confirmed_seats", None), session.batik_class.min_participants
        if confirmed is None or minimum <= 1 or confirmed >= minimum:
            return None
        return _("%(confirmed)s of %(minimum)s needed") % {"confirmed": confirmed, "minimum": minimum}
