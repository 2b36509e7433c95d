"""Reads of workshops, classes and sessions for the public catalogue."""

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from core.queries import SubqueryCount
from tourism.models import Village
from workshops.models import BatikClass, ClassSession, PriceTier, Workshop


def upcoming_sessions() -> QuerySet[ClassSession]:
    """Scheduled sessions of the public catalogue that have not started yet."""
    return ClassSession.objects.bookable_catalogue().open_for_booking()


def village_detail_queryset() -> QuerySet[Village]:
    """Published villages with how many workshops and upcoming sessions each has."""
    workshops = Workshop.objects.published().filter(village=OuterRef("pk")).values("pk")
    sessions = upcoming_sessions().filter(batik_class__workshop__village=OuterRef("pk")).values("pk")
    return Village.objects.published().annotate(
        workshop_count=SubqueryCount(workshops),
        upcoming_session_count=SubqueryCount(sessions),
    )


def workshop_list() -> QuerySet[Workshop]:
    published_classes = BatikClass.objects.filter(workshop=OuterRef("pk"), is_published=True)
    return (
        Workshop.objects.published()
        .select_related("village")
        .annotate(class_count=SubqueryCount(published_classes.values("pk")))
        .order_by("name", "id")
    )


def _lowest_price(class_ref: str) -> Subquery:
    tiers = PriceTier.objects.filter(batik_class=OuterRef(class_ref)).order_by("amount")
    return Subquery(tiers.values("amount")[:1])


def class_list() -> QuerySet[BatikClass]:
    return (
        BatikClass.objects.published()
        .select_related("workshop__village")
        .prefetch_related(Prefetch("price_tiers", queryset=PriceTier.objects.order_by("position", "id")))
        .annotate(price_from=_lowest_price("pk"))
        .order_by("title", "id")
    )


def session_list() -> QuerySet[ClassSession]:
    return (
        ClassSession.objects.bookable_catalogue()
        .select_related("batik_class__workshop__village")
        .annotate(price_from=_lowest_price("batik_class"))
        .order_by("starts_at", "id")
    )
