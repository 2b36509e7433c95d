"""Host API shapes for sessions, schedule rules, closed days and the audit log."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import SPOKEN_LANGUAGES
from core.timezones import WIB
from workshops.models import AuditEntry, ClassSession, ClosedDay, ScheduleRule

WIB_HELP = _("ISO 8601; a time without an offset is read as WIB (UTC+7).")


def wib_datetime(**kwargs) -> serializers.DateTimeField:
    return serializers.DateTimeField(default_timezone=WIB, help_text=WIB_HELP, **kwargs)


class SessionClassSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class SessionWorkshopSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class HostSessionSerializer(serializers.ModelSerializer):
    seats_left = serializers.IntegerField(read_only=True)
    fill_rate = serializers.SerializerMethodField(help_text=_("Seats taken ÷ capacity, 0–1."))
    batik_class = SessionClassSerializer(read_only=True)
    workshop = SessionWorkshopSerializer(source="batik_class.workshop", read_only=True)

    class Meta:
        model = ClassSession
        fields = [
            "id",
            "starts_at",
            "ends_at",
            "capacity",
            "seats_taken",
            "seats_left",
            "fill_rate",
            "status",
            "language",
            "note",
            "cancel_reason",
            "cancelled_at",
            "rule",
            "batik_class",
            "workshop",
        ]
        read_only_fields = fields

    def get_fill_rate(self, session: ClassSession) -> float:
        return round(session.seats_taken / session.capacity, 3) if session.capacity else 0.0


class SessionCreateInput(serializers.Serializer):
    starts_at = wib_datetime()
    capacity = serializers.IntegerField(min_value=1, max_value=500, required=False)
    language = serializers.ChoiceField(choices=SPOKEN_LANGUAGES, default="id")
    note = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)


class SessionUpdateInput(serializers.Serializer):
    starts_at = wib_datetime(required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=500, required=False)
    language = serializers.ChoiceField(choices=SPOKEN_LANGUAGES, required=False)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)


class SessionBriefSerializer(serializers.ModelSerializer):
    """A session named in a report (left alone by a rule change, on a closed day)."""

    batik_class = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ClassSession
        fields = ["id", "starts_at", "ends_at", "seats_taken", "status", "batik_class"]
        read_only_fields = fields


@extend_schema_field(
    {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 7}, "minItems": 1}
)
class WeekdaysField(serializers.ListField):
    child = serializers.IntegerField(min_value=1, max_value=7)

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("help_text", _("ISO weekdays: 1 = Monday … 7 = Sunday."))
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> list[int]:
        return sorted(set(super().to_internal_value(data)))


class RuleSerializer(serializers.ModelSerializer):
    weekdays = WeekdaysField()
    batik_class = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    language = serializers.ChoiceField(choices=SPOKEN_LANGUAGES, default="id")
    capacity = serializers.IntegerField(min_value=1, max_value=500)
    start_time = serializers.TimeField(help_text=_("Wall-clock time in WIB, e.g. 09:00."))

    class Meta:
        model = ScheduleRule
        fields = [
            "id",
            "batik_class",
            "weekdays",
            "start_time",
            "duration_minutes",
            "capacity",
            "language",
            "valid_from",
            "valid_until",
            "is_active",
            "materialised_until",
        ]
        read_only_fields = ["id", "batik_class", "materialised_until"]

    def validate(self, attrs: dict) -> dict:
        valid_from = attrs.get("valid_from", getattr(self.instance, "valid_from", None))
        valid_until = attrs.get("valid_until", getattr(self.instance, "valid_until", None))
        if valid_from and valid_until and valid_until < valid_from:
            raise serializers.ValidationError(
                {"valid_until": [_("Must be on or after the start date.")]}, code="date_order"
            )
        return attrs


class RuleChangeSerializer(serializers.Serializer):
    rule = RuleSerializer(allow_null=True)
    sessions_created = serializers.IntegerField(source="created")
    sessions_removed = serializers.IntegerField(source="removed")
    sessions_kept = SessionBriefSerializer(
        source="kept", many=True, help_text=_("Future sessions with bookings, left as they were.")
    )


class ClosedDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = ClosedDay
        fields = ["id", "date_from", "date_to", "reason"]
        read_only_fields = ["id"]

    def validate(self, attrs: dict) -> dict:
        date_from = attrs.get("date_from", getattr(self.instance, "date_from", None))
        date_to = attrs.get("date_to", getattr(self.instance, "date_to", None))
        if date_from and date_to and date_to < date_from:
            raise serializers.ValidationError(
                {"date_to": [_("Must be on or after the first date.")]}, code="date_order"
            )
        if date_from and date_to and (date_to - date_from).days > 366:
            raise serializers.ValidationError(
                {"date_to": [_("A closed period is at most a year.")]}, code="period_too_long"
            )
        return attrs


class ClosedDayChangeSerializer(serializers.Serializer):
    closed_day = ClosedDaySerializer()
    sessions_affected = SessionBriefSerializer(
        many=True, help_text=_("Scheduled sessions on these dates; cancel them if the guests must be told.")
    )


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = ["id", "created_at", "actor", "action", "target_type", "target_id", "before", "after"]
        read_only_fields = fields

    def get_actor(self, entry: AuditEntry) -> str | None:
        return entry.actor.email if entry.actor else None
