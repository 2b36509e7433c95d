"""Reads of workshops, classes and sessions: the public catalogue, then the host side."""

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core.queries import SubqueryCount
from tourism.models import Village
from workshops.models import (
    AuditEntry,
    BatikClass,
    ClassSession,
    ClosedDay,
    Invitation,
    PriceTier,
    ScheduleRule,
    Workshop,
    WorkshopMembership,
)
from workshops.permissions import member_workshops


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


def _confirmed_seats() -> Coalesce:
    """Seats of confirmed or attended bookings: progress toward the class's minimum.

    A correlated subquery, not a JOIN + GROUP BY: PostgreSQL then sums only the
    rows of the page it returns, and the paginator's COUNT leaves it out. It goes
    through the reverse relation by name: workshops does not import bookings.
    """
    seats = (
        ClassSession.objects.filter(pk=OuterRef("pk"))
        .annotate(n=Sum("bookings__seats", filter=Q(bookings__status__in=["confirmed", "attended"])))
        .values("n")
    )
    return Coalesce(Subquery(seats), Value(0))


def session_list() -> QuerySet[ClassSession]:
    return (
        ClassSession.objects.bookable_catalogue()
        .select_related("batik_class__workshop__village")
        .annotate(price_from=_lowest_price("batik_class"), confirmed_seats=_confirmed_seats())
        .order_by("starts_at", "id")
    )


# --- The host side: everything filtered to the caller's workshops -------------


def host_workshops(user) -> QuerySet[Workshop]:
    """The caller's workshops, each with the caller's role in it."""
    role = WorkshopMembership.objects.filter(workshop=OuterRef("pk"), user=user).values("role")[:1]
    return (
        member_workshops(user)
        .select_related("village")
        .annotate(my_role=Subquery(role))
        .order_by("name", "id")
    )


def host_classes(workshop: Workshop) -> QuerySet[BatikClass]:
    return (
        BatikClass.objects.filter(workshop=workshop)
        .select_related("workshop")
        .prefetch_related(Prefetch("price_tiers", queryset=PriceTier.objects.order_by("position", "id")))
        .order_by("title", "id")
    )


def host_sessions(user) -> QuerySet[ClassSession]:
    """Sessions of every workshop the caller is a member of, for the host's calendar."""
    return (
        ClassSession.objects.filter(batik_class__workshop__in=member_workshops(user))
        .select_related("batik_class__workshop")
        .order_by("starts_at", "id")
    )


def host_rules(batik_class: BatikClass) -> QuerySet[ScheduleRule]:
    return ScheduleRule.objects.filter(batik_class=batik_class).select_related("batik_class").order_by("pk")


def host_rule(user, rule_id: int) -> ScheduleRule | None:
    return (
        ScheduleRule.objects.select_related("batik_class__workshop")
        .filter(pk=rule_id, batik_class__workshop__in=member_workshops(user))
        .first()
    )


def workshop_members(workshop: Workshop) -> QuerySet[WorkshopMembership]:
    return (
        WorkshopMembership.objects.filter(workshop=workshop)
        .select_related("user")
        .order_by("created_at", "id")
    )


def pending_invitations(workshop: Workshop) -> QuerySet[Invitation]:
    return Invitation.objects.filter(workshop=workshop, accepted_at__isnull=True).order_by(
        "-created_at", "-id"
    )


def workshop_closed_days(workshop: Workshop) -> QuerySet[ClosedDay]:
    return ClosedDay.objects.filter(workshop=workshop).order_by("date_from", "id")


def workshop_audit(workshop: Workshop) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(workshop=workshop).select_related("actor").order_by("-created_at", "-id")
