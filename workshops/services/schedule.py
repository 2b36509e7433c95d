"""Recurring schedules: rules that keep a class's sessions made for a rolling horizon.

A rule makes sessions at once when saved and the daily beat task extends them.
Changing or deleting a rule touches only future sessions nobody has booked;
the booked ones stay as they are and are reported back to the host.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.models import User
from core.timezones import WIB, wib_date
from workshops.models import ClassSession, ClosedDay, ScheduleRule, SessionStatus, weekday_mask
from workshops.services._common import catalogue_changed_on_commit
from workshops.services.audit import audit_record, snapshot

# "At least 12 weeks": sessions exist up to and including today + 84 days (WIB).
HORIZON_DAYS = 12 * 7

RULE_FIELDS = [
    "weekday_mask",
    "start_time",
    "duration_minutes",
    "capacity",
    "language",
    "valid_from",
    "valid_until",
    "is_active",
]


@dataclass
class RuleChange:
    """What saving or deleting a rule did to the schedule."""

    rule: ScheduleRule | None
    created: int = 0
    removed: int = 0
    kept: list[ClassSession] = field(default_factory=list)


def _closed_ranges(rule: ScheduleRule, first: date, last: date) -> list[tuple[date, date]]:
    return list(
        ClosedDay.objects.filter(
            workshop_id=rule.batik_class.workshop_id, date_from__lte=last, date_to__gte=first
        ).values_list("date_from", "date_to")
    )


def _materialise_range(rule: ScheduleRule, first: date, last: date, now: datetime) -> int:
    """Make the rule's sessions on WIB dates first..last that do not exist yet; returns how many."""
    if not rule.is_active:
        return 0
    first = max(first, rule.valid_from)
    if rule.valid_until is not None:
        last = min(last, rule.valid_until)
    if first > last:
        return 0
    closed = _closed_ranges(rule, first, last)
    starts: list[datetime] = []
    day = first
    while day <= last:
        if rule.weekday_mask & (1 << (day.isoweekday() - 1)) and not any(
            start <= day <= end for start, end in closed
        ):
            # The wall-clock time in WIB on that WIB date: 23:30 stays on its own date.
            moment = datetime.combine(day, rule.start_time, tzinfo=WIB)
            if moment > now:
                starts.append(moment)
        day += timedelta(days=1)
    if not starts:
        return 0
    existing = set(
        ClassSession.objects.filter(batik_class_id=rule.batik_class_id, starts_at__in=starts).values_list(
            "starts_at", flat=True
        )
    )
    length = timedelta(minutes=rule.duration_minutes or rule.batik_class.duration_minutes)
    new = [
        ClassSession(
            batik_class_id=rule.batik_class_id,
            rule=rule,
            starts_at=moment,
            ends_at=moment + length,
            capacity=rule.capacity,
            language=rule.language,
        )
        for moment in starts
        if moment not in existing
    ]
    # The partial unique index (rule, starts_at) makes a racing run's rows a no-op.
    ClassSession.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        catalogue_changed_on_commit()
    return len(new)


def _extend(rule: ScheduleRule, now: datetime) -> int:
    """Fill the horizon after the last date already made (the daily step)."""
    today = wib_date(now)
    last = today + timedelta(days=HORIZON_DAYS)
    first = today
    if rule.materialised_until is not None:
        first = max(first, rule.materialised_until + timedelta(days=1))
    created = _materialise_range(rule, first, last, now)
    if rule.materialised_until is None or rule.materialised_until < last:
        ScheduleRule.objects.filter(pk=rule.pk).update(materialised_until=last)
        rule.materialised_until = last
    return created


def _future_unbooked(rule: ScheduleRule, now: datetime) -> QuerySet[ClassSession]:
    return ClassSession.objects.filter(
        rule=rule, status=SessionStatus.SCHEDULED, starts_at__gt=now, seats_taken=0, bookings__isnull=True
    )


def _clear_future(rule: ScheduleRule, now: datetime) -> tuple[int, list[ClassSession]]:
    """Delete the rule's future sessions nobody booked; return (how many, the booked ones left)."""
    # Lock first: a hold waiting on these rows finds them gone and is refused,
    # rather than booking a session that is being deleted.
    ids = list(
        _future_unbooked(rule, now)
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    removed = ClassSession.objects.filter(pk__in=ids).delete()[0] if ids else 0
    kept = list(
        ClassSession.objects.filter(rule=rule, status=SessionStatus.SCHEDULED, starts_at__gt=now)
        .exclude(pk__in=ids)
        .order_by("starts_at", "pk")
    )
    if removed:
        catalogue_changed_on_commit()
    return removed, kept


def rule_create(
    *,
    batik_class,
    weekdays: list[int],
    start_time: time,
    capacity: int,
    valid_from: date,
    valid_until: date | None = None,
    duration_minutes: int | None = None,
    language: str = "id",
    is_active: bool = True,
    actor: User | None,
) -> RuleChange:
    """Save a weekly rule and make its sessions for the next 12 weeks at once."""
    now = timezone.now()
    with transaction.atomic():
        rule = ScheduleRule.objects.create(
            batik_class=batik_class,
            weekday_mask=weekday_mask(weekdays),
            start_time=start_time,
            capacity=capacity,
            valid_from=valid_from,
            valid_until=valid_until,
            duration_minutes=duration_minutes,
            language=language,
            is_active=is_active,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        change = RuleChange(rule=rule, created=_extend(rule, now))
        audit_record(
            actor=actor,
            workshop=batik_class.workshop,
            action="rule.created",
            target=rule,
            after={**snapshot(rule, RULE_FIELDS), "sessions_created": change.created},
        )
    return change


def rule_update(*, rule: ScheduleRule, actor: User | None, **changes) -> RuleChange:
    """Change a rule; its future unbooked sessions are made again, booked ones are left alone.

    `changes` may hold `weekdays` and any of the rule's fields.
    """
    now = timezone.now()
    with transaction.atomic():
        rule = (
            ScheduleRule.objects.select_for_update().select_related("batik_class__workshop").get(pk=rule.pk)
        )
        before = snapshot(rule, RULE_FIELDS)
        if "weekdays" in changes:
            changes["weekday_mask"] = weekday_mask(changes.pop("weekdays"))
        for name, value in changes.items():
            setattr(rule, name, value)
        rule.materialised_until = None
        rule.save()
        removed, kept = _clear_future(rule, now)
        change = RuleChange(rule=rule, removed=removed, kept=kept, created=_extend(rule, now))
        audit_record(
            actor=actor,
            workshop=rule.batik_class.workshop,
            action="rule.updated",
            target=rule,
            before=before,
            after={
                **snapshot(rule, RULE_FIELDS),
                "sessions_removed": removed,
                "sessions_created": change.created,
                "sessions_kept": [session.pk for session in kept],
            },
        )
    return change


def rule_delete(*, rule: ScheduleRule, actor: User | None) -> RuleChange:
    """Delete a rule and its future unbooked sessions; booked and past ones stay (unlinked)."""
    now = timezone.now()
    with transaction.atomic():
        rule = (
            ScheduleRule.objects.select_for_update().select_related("batik_class__workshop").get(pk=rule.pk)
        )
        removed, kept = _clear_future(rule, now)
        audit_record(
            actor=actor,
            workshop=rule.batik_class.workshop,
            action="rule.deleted",
            target=rule,
            before=snapshot(rule, RULE_FIELDS),
            after={"sessions_removed": removed, "sessions_kept": [session.pk for session in kept]},
        )
        rule.delete()
    return RuleChange(rule=None, removed=removed, kept=kept)


def rule_extend(*, rule_id: int, now: datetime | None = None) -> int:
    """Extend one rule's sessions to the horizon; safe to run twice (the rule row is locked)."""
    now = now or timezone.now()
    with transaction.atomic():
        rule = (
            ScheduleRule.objects.select_for_update()
            .select_related("batik_class")
            .filter(pk=rule_id, is_active=True)
            .first()
        )
        return _extend(rule, now) if rule is not None else 0


def rules_due(*, now: datetime | None = None) -> QuerySet[ScheduleRule]:
    """Active rules whose sessions do not yet reach the horizon."""
    now = now or timezone.now()
    today = wib_date(now)
    horizon = today + timedelta(days=HORIZON_DAYS)
    return (
        ScheduleRule.objects.filter(is_active=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .filter(Q(materialised_until__isnull=True) | Q(materialised_until__lt=horizon))
        .order_by("pk")
    )


def rules_fill_reopened(*, workshop_id: int, first: date, last: date) -> int:
    """Make the sessions rules skipped on dates that are open again (a closed day removed)."""
    now = timezone.now()
    first = max(first, wib_date(now))
    created = 0
    rules = ScheduleRule.objects.select_related("batik_class").filter(
        batik_class__workshop_id=workshop_id, is_active=True, materialised_until__gte=first
    )
    for rule in rules:
        created += _materialise_range(rule, first, min(last, rule.materialised_until), now)
    return created
