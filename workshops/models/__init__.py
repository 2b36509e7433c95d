"""Models of the workshops app, one module per concern; import them from here."""

from workshops.models.audit import AuditEntry
from workshops.models.catalogue import BatikClass, BatikClassQuerySet, Level, PriceTier, Technique
from workshops.models.payments import PaymentMethod
from workshops.models.schedule import ClosedDay, ScheduleRule, weekday_mask
from workshops.models.sessions import ClassSession, ClassSessionQuerySet, SessionDecision, SessionStatus
from workshops.models.workshop import (
    Invitation,
    MembershipRole,
    Workshop,
    WorkshopMembership,
    WorkshopQuerySet,
)

__all__ = [
    "AuditEntry",
    "BatikClass",
    "BatikClassQuerySet",
    "ClassSession",
    "ClassSessionQuerySet",
    "ClosedDay",
    "Invitation",
    "Level",
    "MembershipRole",
    "PaymentMethod",
    "PriceTier",
    "ScheduleRule",
    "SessionDecision",
    "SessionStatus",
    "Technique",
    "Workshop",
    "WorkshopMembership",
    "WorkshopQuerySet",
    "weekday_mask",
]
