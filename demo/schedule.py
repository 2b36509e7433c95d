"""When the demo classes meet: a weekly pattern per class, unrolled into dated sessions in WIB.

Pure functions, no database. Every random choice comes from a generator seeded by the
object's own name, so adding a workshop does not reshuffle the others, and the same
class on the same date always gets the same session: a re-run, even on a later day,
finds the sessions it made before instead of making near-duplicates.
"""

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.timezones import WIB

SEED = "canting-demo-singkawang"

# Start times a host would offer: mornings before the heat, and after the midday break.
SHORT_CLASS_STARTS = (time(9, 0), time(10, 0), time(13, 30), time(15, 0))
# Ecoprint and other long classes start early so the cloth can steam before dusk.
LONG_CLASS_STARTS = (time(8, 0), time(9, 0), time(13, 0))
LONG_CLASS_MINUTES = 180
LAST_END = time(18, 0)
# Tables are cleared and dye baths changed between two classes of one workshop.
TURNAROUND_MINUTES = 30
# Share of dates a workshop is shut anyway: a family celebration, a market day.
DAY_OFF_CHANCE = 0.06


def rng_for(*names: str) -> random.Random:
    """A generator seeded by a name (strings seed via SHA-512, so it is stable across runs)."""
    return random.Random(":".join((SEED, *names)))


@dataclass(frozen=True)
class ClassPlan:
    """What the scheduler needs to know about one class."""

    slug: str
    duration_minutes: int
    min_participants: int
    max_participants: int
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Slot:
    """A weekly recurring session of one class."""

    class_slug: str
    weekday: int  # Monday = 0
    start: time
    duration_minutes: int
    capacity: int
    language: str


@dataclass(frozen=True)
class PlannedSession:
    class_slug: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    language: str


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def weekly_slots(*, classes: Iterable[ClassPlan], closed_weekdays: Iterable[int]) -> list[Slot]:
    """Two to four sessions a week per class, on the workshop's open days, never overlapping.

    One workshop has one room and one team, so its classes take turns.
    """
    open_days = [day for day in range(7) if day not in set(closed_weekdays)]
    busy: dict[int, list[tuple[int, int]]] = {day: [] for day in open_days}
    slots: list[Slot] = []
    for plan in classes:
        rng = rng_for("slots", plan.slug)
        days = sorted(rng.sample(open_days, k=min(len(open_days), rng.randint(2, 4))))
        starts = LONG_CLASS_STARTS if plan.duration_minutes >= LONG_CLASS_MINUTES else SHORT_CLASS_STARTS
        for day in days:
            free = [
                start
                for start in starts
                if _minutes(start) + plan.duration_minutes <= _minutes(LAST_END)
                and not _overlaps(busy[day], _minutes(start), plan.duration_minutes)
            ]
            if not free:
                continue
            start = rng.choice(free)
            begin = _minutes(start)
            busy[day].append((begin, begin + plan.duration_minutes + TURNAROUND_MINUTES))
            slots.append(
                Slot(
                    class_slug=plan.slug,
                    weekday=day,
                    start=start,
                    duration_minutes=plan.duration_minutes,
                    capacity=_capacity(rng, plan),
                    language=_language(rng, plan),
                )
            )
    return slots


def _overlaps(taken: list[tuple[int, int]], begin: int, duration: int) -> bool:
    end = begin + duration + TURNAROUND_MINUTES
    return any(begin < other_end and other_begin < end for other_begin, other_end in taken)


def _capacity(rng: random.Random, plan: ClassPlan) -> int:
    # Most slots take the full class; on some fewer members can come to help.
    if rng.random() < 0.7:
        return plan.max_participants
    return max(plan.min_participants, plan.max_participants - rng.choice((2, 4)))


def _language(rng: random.Random, plan: ClassPlan) -> str:
    # Indonesian first; now and then a slot is taught in another language the group speaks.
    others = [code for code in plan.languages if code != "id"]
    if not others or rng.random() < 0.75:
        return "id"
    return rng.choice(others)


def is_day_off(workshop_slug: str, day: date) -> bool:
    """Whether a workshop is shut on `day` although it is not its weekly closing day."""
    return rng_for("day-off", workshop_slug, day.isoformat()).random() < DAY_OFF_CHANCE


def planned_sessions(
    *,
    workshop_slug: str,
    slots: Iterable[Slot],
    first_day: date,
    days: int,
    not_before: datetime,
) -> Iterator[PlannedSession]:
    """The dated sessions of one workshop's weekly slots from `first_day` (WIB) for `days` days.

    Sessions starting at or before `not_before` are left out: nobody can book them any more.
    """
    by_weekday: dict[int, list[Slot]] = {}
    for slot in slots:
        by_weekday.setdefault(slot.weekday, []).append(slot)
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if is_day_off(workshop_slug, day):
            continue
        for slot in by_weekday.get(day.weekday(), []):
            starts_at = datetime.combine(day, slot.start, tzinfo=WIB)
            if starts_at <= not_before:
                continue
            yield PlannedSession(
                class_slug=slot.class_slug,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=slot.duration_minutes),
                capacity=slot.capacity,
                language=slot.language,
            )
