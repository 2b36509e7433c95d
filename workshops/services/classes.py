"""A workshop owner's classes and their price tiers."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.models import User
from workshops.errors import InvalidHostInput, TierInUse
from workshops.models import BatikClass, PriceTier, Workshop
from workshops.services._common import catalogue_changed_on_commit
from workshops.services.audit import audit_record, snapshot

# Whatever a host may set on a class (translated texts use modeltranslation's columns).
CLASS_TEXTS = ["title", "description", "included", "takes_home", "what_to_bring"]
TRANSLATION_SUFFIXES = ["ind", "en", "zh_hans", "ms"]
CLASS_FIELDS = [
    *(f"{name}_{suffix}" for name in CLASS_TEXTS for suffix in TRANSLATION_SUFFIXES),
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
]
TIER_FIELDS = [*(f"label_{suffix}" for suffix in TRANSLATION_SUFFIXES), "amount", "position"]


def _unique_slug(title: str) -> str:
    base = slugify(title)[:160] or "kelas"
    slug, n = base, 1
    # The unique index backs this up if two owners pick the same title at once.
    while BatikClass.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_limits(batik_class: BatikClass) -> None:
    errors: dict[str, list[str]] = {}
    if batik_class.max_participants < batik_class.min_participants:
        errors["max_participants"] = [_("The maximum cannot be lower than the minimum.")]
    limit = batik_class.max_seats_per_booking
    if limit is not None and not 1 <= limit <= batik_class.max_participants:
        errors["max_seats_per_booking"] = [_("Between 1 and the maximum participants.")]
    if errors:
        raise InvalidHostInput(next(iter(errors.values()))[0], fields=errors)


def batik_class_create(*, workshop: Workshop, actor: User | None, **fields: Any) -> BatikClass:
    """A new class of `workshop` (unpublished unless `is_published`)."""
    with transaction.atomic():
        batik_class = BatikClass(workshop=workshop, slug=_unique_slug(fields.get("title_ind", "")), **fields)
        _check_limits(batik_class)
        batik_class.save()
        audit_record(
            actor=actor,
            workshop=workshop,
            action="class.created",
            target=batik_class,
            after=snapshot(batik_class, CLASS_FIELDS),
        )
        catalogue_changed_on_commit()
    return batik_class


def batik_class_update(*, batik_class: BatikClass, actor: User | None, **fields: Any) -> BatikClass:
    """Edit a class's texts, limits and policies, or (un)publish it."""
    with transaction.atomic():
        before = snapshot(batik_class, CLASS_FIELDS)
        for name, value in fields.items():
            setattr(batik_class, name, value)
        _check_limits(batik_class)
        batik_class.save()
        audit_record(
            actor=actor,
            workshop=batik_class.workshop,
            action="class.updated",
            target=batik_class,
            before=before,
            after=snapshot(batik_class, CLASS_FIELDS),
        )
        catalogue_changed_on_commit()
    return batik_class


def price_tier_create(*, batik_class: BatikClass, actor: User | None, **fields: Any) -> PriceTier:
    """A new price of `batik_class` in whole rupiah."""
    with transaction.atomic():
        tier = PriceTier.objects.create(batik_class=batik_class, **fields)
        audit_record(
            actor=actor,
            workshop=batik_class.workshop,
            action="tier.created",
            target=tier,
            after=snapshot(tier, TIER_FIELDS),
        )
        catalogue_changed_on_commit()
    return tier


def price_tier_update(*, tier: PriceTier, actor: User | None, **fields: Any) -> PriceTier:
    """Rename or reprice a tier; bookings keep the label and price they were made with."""
    with transaction.atomic():
        before = snapshot(tier, TIER_FIELDS)
        for name, value in fields.items():
            setattr(tier, name, value)
        tier.save()
        audit_record(
            actor=actor,
            workshop=tier.batik_class.workshop,
            action="tier.updated",
            target=tier,
            before=before,
            after=snapshot(tier, TIER_FIELDS),
        )
        catalogue_changed_on_commit()
    return tier


def price_tier_delete(*, tier: PriceTier, actor: User | None) -> None:
    """Delete a tier nobody booked; a tier used by bookings is 409 `tier_in_use`."""
    workshop = tier.batik_class.workshop
    try:
        with transaction.atomic():
            audit_record(
                actor=actor,
                workshop=workshop,
                action="tier.deleted",
                target=tier,
                before=snapshot(tier, TIER_FIELDS),
            )
            # The booking lines' PROTECT foreign key decides, not a count read beforehand.
            tier.delete()
            catalogue_changed_on_commit()
    except (ProtectedError, IntegrityError):
        # IntegrityError: a booking line arrived between the check and the deferred FK check.
        raise TierInUse() from None
