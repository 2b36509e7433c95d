"""A workshop's closed days: rules skip them and no session can be put on one.

Sessions that already exist on a new closed day are left as they are and
reported, so the host can decide to cancel them (and tell the guests).
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from core.models import User
from core.timezones import wib_day_end, wib_day_start
from workshops.models import ClassSession, ClosedDay, SessionStatus, Workshop
from workshops.services.audit import audit_record, snapshot
from workshops.services.schedule import rules_fill_reopened

CLOSED_DAY_FIELDS = ["date_from", "date_to", "reason"]


@dataclass
class ClosedDayChange:
    closed_day: ClosedDay
    sessions_affected: list[ClassSession]


def _sessions_within(workshop: Workshop, date_from: date, date_to: date) -> list[ClassSession]:
    return list(
        ClassSession.objects.filter(
            batik_class__workshop=workshop,
            status=SessionStatus.SCHEDULED,
            starts_at__gte=wib_day_start(date_from),
            starts_at__lt=wib_day_end(date_to),
        )
        .select_related("batik_class")
        .order_by("starts_at", "pk")
    )


def closed_day_create(
    *, workshop: Workshop, date_from: date, date_to: date, reason: str = "", actor: User | None
) -> ClosedDayChange:
    """Close the workshop from `date_from` to `date_to` (WIB dates, inclusive)."""
    with transaction.atomic():
        closed_day = ClosedDay.objects.create(
            workshop=workshop, date_from=date_from, date_to=date_to, reason=reason
        )
        audit_record(
            actor=actor,
            workshop=workshop,
            action="closed_day.created",
            target=closed_day,
            after=snapshot(closed_day, CLOSED_DAY_FIELDS),
        )
    return ClosedDayChange(closed_day, _sessions_within(workshop, date_from, date_to))


def closed_day_update(*, closed_day: ClosedDay, actor: User | None, **changes) -> ClosedDayChange:
    """Change the dates or reason; dates no longer closed get their rules' sessions back."""
    with transaction.atomic():
        before = snapshot(closed_day, CLOSED_DAY_FIELDS)
        old_from, old_to = closed_day.date_from, closed_day.date_to
        for name, value in changes.items():
            setattr(closed_day, name, value)
        closed_day.save()
        audit_record(
            actor=actor,
            workshop=closed_day.workshop,
            action="closed_day.updated",
            target=closed_day,
            before=before,
            after=snapshot(closed_day, CLOSED_DAY_FIELDS),
        )
        _reopen(closed_day.workshop_id, old_from, old_to)
    return ClosedDayChange(
        closed_day, _sessions_within(closed_day.workshop, closed_day.date_from, closed_day.date_to)
    )


def closed_day_delete(*, closed_day: ClosedDay, actor: User | None) -> None:
    """Open the dates again; active rules make the sessions they skipped there."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            workshop=closed_day.workshop,
            action="closed_day.deleted",
            target=closed_day,
            before=snapshot(closed_day, CLOSED_DAY_FIELDS),
        )
        workshop_id, first, last = closed_day.workshop_id, closed_day.date_from, closed_day.date_to
        closed_day.delete()
        _reopen(workshop_id, first, last)


def _reopen(workshop_id: int, first: date, last: date) -> None:
    # Dates still covered by another closed day are skipped by the materialiser itself.
    rules_fill_reopened(workshop_id=workshop_id, first=first, last=last)
