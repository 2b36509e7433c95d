"""Host API shapes for workshops, members, invitations, classes and price tiers.

Serializers here validate and shape only; every write goes through a service.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import SPOKEN_LANGUAGES, split_languages
from workshops.models import (
    BatikClass,
    Invitation,
    MembershipRole,
    PaymentMethod,
    PriceTier,
    Workshop,
    WorkshopMembership,
)
from workshops.services.classes import CLASS_TEXTS, TRANSLATION_SUFFIXES


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "enum": [c for c, _l in SPOKEN_LANGUAGES]}}
)
class LanguageCodesField(serializers.ListField):
    """Languages as a JSON list (`["id", "en"]`), stored as `id,en`."""

    child = serializers.ChoiceField(choices=SPOKEN_LANGUAGES)

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("allow_empty", False)
        super().__init__(**kwargs)

    def to_representation(self, value: str) -> list[str]:
        return split_languages(value)

    def to_internal_value(self, data) -> str:
        return ",".join(dict.fromkeys(super().to_internal_value(data)))


def _translated(*names: str) -> list[str]:
    return [f"{name}_{suffix}" for name in names for suffix in TRANSLATION_SUFFIXES]


class PaymentMethodListField(serializers.ListField):
    """Payment methods as a JSON list (`["at_workshop", "bank_transfer"]`), each once."""

    child = serializers.ChoiceField(choices=PaymentMethod.choices)

    def to_internal_value(self, data) -> list[str]:
        return list(dict.fromkeys(super().to_internal_value(data)))


class HostWorkshopSerializer(serializers.ModelSerializer):
    village = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    payment_methods = PaymentMethodListField(
        required=False,
        allow_empty=False,
        help_text=_(
            "How tourists may pay: at_workshop, bank_transfer (needs the bank fields), midtrans, xendit."
        ),
    )
    role = serializers.CharField(source="my_role", read_only=True, allow_null=True)
    languages = LanguageCodesField()

    class Meta:
        model = Workshop
        fields = [
            "slug",
            "name",
            "production_group",
            "village",
            "role",
            "is_published",
            *_translated("description"),
            "address",
            "whatsapp",
            "email",
            "languages",
            "hold_minutes",
            "payment_methods",
            "bank_name",
            "bank_account_number",
            "bank_account_holder",
        ]
        read_only_fields = ["slug", "name", "production_group", "village", "role", "is_published"]


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = WorkshopMembership
        fields = ["id", "email", "name", "role", "notify_bookings", "created_at"]
        read_only_fields = ["id", "email", "name", "notify_bookings", "created_at"]


class MemberRoleInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=MembershipRole.choices)


class InvitationInput(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=MembershipRole.choices, default=MembershipRole.STAFF)


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "created_at", "expires_at", "accepted_at"]


class InvitationCreatedSerializer(InvitationSerializer):
    token = serializers.CharField(
        read_only=True, help_text=_("Shown once: the invitee accepts with it (it was also e-mailed).")
    )

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "token"]


class InvitationAcceptInput(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class HostTierSerializer(serializers.ModelSerializer):
    amount = serializers.IntegerField(min_value=0, max_value=100_000_000, help_text=_("Whole rupiah."))

    class Meta:
        model = PriceTier
        fields = ["id", *_translated("label"), "amount", "position"]
        read_only_fields = ["id"]
        extra_kwargs = {"label_ind": {"required": True, "allow_blank": False}}


class HostClassSerializer(serializers.ModelSerializer):
    languages = LanguageCodesField(required=False)
    payment_methods = PaymentMethodListField(
        required=False,
        allow_empty=False,
        allow_null=True,
        help_text=_("This class's own payment methods; null: the workshop's."),
    )
    price_tiers = HostTierSerializer(many=True, read_only=True)

    class Meta:
        model = BatikClass
        fields = [
            "slug",
            *_translated(*CLASS_TEXTS),
            "technique",
            "level",
            "duration_minutes",
            "min_participants",
            "max_participants",
            "min_age",
            "languages",
            "cancellation_hours",
            "go_no_go_hours",
            "auto_cancel_below_minimum",
            "max_seats_per_booking",
            "payment_methods",
            "is_published",
            "price_tiers",
        ]
        read_only_fields = ["slug", "price_tiers"]
        extra_kwargs = {"title_ind": {"required": True, "allow_blank": False}}

    def validate_min_participants(self, value: int) -> int:
        if value < 1:
            raise serializers.ValidationError(_("At least 1."))
        return value
