"""The benchmark's data: a small catalogue by bulk_create, sessions and bookings by COPY.

- The booking runs use one class with one price tier (`Kelas Bench`): a contention
  session (20 seats) for each round of that run, 50 spread sessions (20 seats each)
  and warm-up sessions.
- Browsing sees 20,000 sessions of 100 classes (20 workshops in 4 villages) with
  200,000 bookings and their lines: statuses mixed, some sessions past, cancelled or
  full, and every session's seats_taken equal to the seats of its bookings that hold
  seats (held, confirmed, attended: SEAT_HOLDING_STATUSES, as the capacity audit counts).

Everything is drawn from a fixed seed, so two runs load the same data.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection, models
from django.utils import translation

from bookings.codes import CODE_ALPHABET, CODE_PREFIX
from bookings.models import SEAT_HOLDING_STATUSES, Booking, BookingLine, BookingStatus
from tourism.models import Village
from workshops.models import BatikClass, ClassSession, Level, PriceTier, SessionStatus, Technique, Workshop

SEED = 20_251_128
BROWSE_SESSIONS = 20_000
BROWSE_BOOKINGS = 200_000
VILLAGES = 4
WORKSHOPS_PER_VILLAGE = 5
CLASSES_PER_WORKSHOP = 5
BENCH_CAPACITY = 20
# The contention run is 200 requests, a quarter of a second: it is repeated on sessions of its own.
CONTENTION_ROUNDS = 5
SPREAD_SESSIONS = 50
WARMUP_SESSIONS = 5
WARMUP_CAPACITY = 200


@dataclass
class BenchData:
    bench_capacity: int = BENCH_CAPACITY
    contention_sessions: list[int] = field(default_factory=list)
    spread_sessions: list[int] = field(default_factory=list)
    warmup_sessions: list[int] = field(default_factory=list)
    sessions: int = 0
    bookings: int = 0
    lines: int = 0

    @property
    def contention_session(self) -> int:
        return self.contention_sessions[0]


_PAIRS = [a + b for a in CODE_ALPHABET for b in CODE_ALPHABET]


def _code(n: int) -> str:
    """A distinct booking code for every n below 29**6 (six letters, like the real ones)."""
    pairs = len(_PAIRS)
    high, low = divmod(n % pairs**3, pairs)
    top, middle = divmod(high, pairs)
    return CODE_PREFIX + _PAIRS[top] + _PAIRS[middle] + _PAIRS[low]


def _catalogue(rng: random.Random) -> tuple[list[BatikClass], dict[int, list[PriceTier]], BatikClass]:
    techniques = list(Technique.values)
    with translation.override("id"):
        villages = Village.objects.bulk_create(
            [
                Village(
                    name=f"Kampung Bench {v}",
                    slug=f"kampung-bench-{v}",
                    city="Singkawang",
                    province="Kalimantan Barat",
                    description_ind="Kampung wisata untuk uji beban.",
                    description_en="A tourism village for the load test.",
                    latitude=0.9 + v / 100,
                    longitude=108.98,
                    is_published=True,
                )
                for v in range(VILLAGES)
            ]
        )
        workshops = Workshop.objects.bulk_create(
            [
                Workshop(
                    village=village,
                    name=f"Sanggar Bench {v}-{w}",
                    slug=f"sanggar-bench-{v}-{w}",
                    production_group=f"Kelompok Produksi Bench {v}-{w}",
                    description_ind="Sanggar batik.",
                    address=f"Jl. Bench No. {w + 1}, Singkawang",
                    languages="id,en",
                    whatsapp="+6281200000000",
                    is_published=True,
                )
                for v, village in enumerate(villages)
                for w in range(WORKSHOPS_PER_VILLAGE)
            ]
        )
        classes = BatikClass.objects.bulk_create(
            [
                BatikClass(
                    workshop=workshop,
                    title_ind=f"Kelas Batik {w}-{c}",
                    title_en=f"Batik Class {w}-{c}",
                    slug=f"kelas-bench-{w}-{c}",
                    technique=techniques[(w + c) % len(techniques)],
                    level=Level.BEGINNER,
                    duration_minutes=rng.choice([90, 120, 180, 240]),
                    description_ind="Belajar membatik dari awal sampai akhir.",
                    min_participants=1,
                    max_participants=20,
                    languages="id,en",
                    is_published=True,
                )
                for w, workshop in enumerate(workshops)
                for c in range(CLASSES_PER_WORKSHOP)
            ]
        )
        tiers = []
        for batik_class in classes:
            adult = rng.randrange(30, 80) * 1000
            labels = [("Dewasa", "Adult", adult), ("Pelajar", "Student", adult - 10_000)]
            labels.append(("Mancanegara", "International", adult + 25_000))
            for position, (label_id, label_en, amount) in enumerate(labels[: rng.randint(1, 3)]):
                tiers.append(
                    PriceTier(
                        batik_class=batik_class,
                        label_ind=label_id,
                        label_en=label_en,
                        amount=amount,
                        position=position,
                    )
                )
        tiers = PriceTier.objects.bulk_create(tiers)
        bench_class = BatikClass.objects.create(
            workshop=workshops[0],
            title_ind="Kelas Bench",
            title_en="Bench Class",
            slug="kelas-bench",
            technique=Technique.CAP,
            duration_minutes=120,
            max_participants=20,
            languages="id,en",
            is_published=True,
        )
        PriceTier.objects.create(
            batik_class=bench_class, label_ind="Dewasa", label_en="Adult", amount=50_000, position=0
        )
    by_class: dict[int, list[PriceTier]] = {}
    for tier in tiers:
        by_class.setdefault(tier.batik_class_id, []).append(tier)
    return classes, by_class, bench_class


def _booking_sessions(bench_class: BatikClass, now: datetime, data: BenchData) -> None:
    start = (now + timedelta(days=30)).replace(hour=1, minute=0, second=0, microsecond=0)

    def session(n: int, capacity: int) -> ClassSession:
        starts_at = start + timedelta(hours=3 * n)
        return ClassSession(
            batik_class=bench_class,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=bench_class.duration_minutes),
            capacity=capacity,
            note="bench",
        )

    rounds, spread = CONTENTION_ROUNDS, SPREAD_SESSIONS
    created = ClassSession.objects.bulk_create(
        [session(n, BENCH_CAPACITY) for n in range(rounds)]
        + [session(rounds + n, BENCH_CAPACITY) for n in range(spread)]
        + [session(rounds + spread + n, WARMUP_CAPACITY) for n in range(WARMUP_SESSIONS)]
    )
    data.contention_sessions = [s.pk for s in created[:rounds]]
    data.spread_sessions = [s.pk for s in created[rounds : rounds + spread]]
    data.warmup_sessions = [s.pk for s in created[rounds + spread :]]


def _booking_counts(rng: random.Random) -> list[int]:
    """How many bookings each browse session gets: 0–20, adding up to BROWSE_BOOKINGS."""
    mean = BROWSE_BOOKINGS // BROWSE_SESSIONS
    counts = [rng.randint(0, 2 * mean) for _ in range(BROWSE_SESSIONS)]
    diff = BROWSE_BOOKINGS - sum(counts)
    step = 1 if diff > 0 else -1
    i = 0
    while diff:
        n = i % BROWSE_SESSIONS
        if 0 <= counts[n] + step <= 2 * mean:
            counts[n] += step
            diff -= step
        i += 1
    return counts


UPCOMING_STATUSES = (
    [BookingStatus.CONFIRMED] * 65
    + [BookingStatus.HELD] * 10
    + [BookingStatus.CANCELLED] * 15
    + [BookingStatus.EXPIRED] * 10
)
PAST_STATUSES = [BookingStatus.ATTENDED] * 75 + [BookingStatus.NO_SHOW] * 10 + [BookingStatus.CANCELLED] * 15
CONFIRMED_ONCE = (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
SEATS = (1, 1, 1, 2, 2, 3)
BOOKING_LANGUAGES = ("id", "id", "en", "zh-hans", "ms")
SESSION_LANGUAGES = ("id", "id", "en")


def _browse(
    rng: random.Random,
    classes: list[BatikClass],
    tiers: dict[int, list[PriceTier]],
    now: datetime,
    data: BenchData,
) -> None:
    """Sessions from a month ago to eleven months ahead, with their bookings and lines, by COPY."""
    rand = rng.random

    def pick(seq):  # rng.choice, several times faster
        return seq[int(rand() * len(seq))]

    first = (now - timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    counts = _booking_counts(rng)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM workshops_classsession")
        session_id = cursor.fetchone()[0]
    minutes = [timedelta(minutes=m) for m in range(60 * 24 * 61)]
    session_rows, booking_rows, line_rows = [], [], []
    booking_id = line_id = 0
    span_hours = 365 * 24
    for n in range(BROWSE_SESSIONS):
        session_id += 1
        batik_class = classes[n % len(classes)]
        starts_at = first + timedelta(hours=int(rand() * span_hours), minutes=30 * (rand() < 0.5))
        ends_at = starts_at + timedelta(minutes=batik_class.duration_minutes)
        capacity = 8 + int(rand() * 13)
        past = ends_at <= now
        if past:
            status = SessionStatus.COMPLETED
        elif rand() < 0.03:
            status = SessionStatus.CANCELLED
        else:
            status = SessionStatus.SCHEDULED
        statuses = PAST_STATUSES if past else UPCOMING_STATUSES
        booked_before = min(now, starts_at)
        taken = 0
        class_tiers = tiers[batik_class.pk]
        for _ in range(counts[n]):
            booking_id += 1
            seats = pick(SEATS)
            booking_status = BookingStatus.CANCELLED if status == SessionStatus.CANCELLED else pick(statuses)
            if booking_status in SEAT_HOLDING_STATUSES:
                if taken + seats > capacity:
                    booking_status = BookingStatus.CANCELLED
                else:
                    taken += seats
            if booking_status == BookingStatus.HELD:
                held_at = now - minutes[1 + int(rand() * 10)]
            else:
                held_at = booked_before - minutes[1440 + int(rand() * 60 * 24 * 59)]
            hold_expires_at = held_at + minutes[15]
            confirmed_at = cancelled_at = expired_at = None
            if booking_status in CONFIRMED_ONCE:
                confirmed_at = held_at + minutes[1 + int(rand() * 14)]
                hold_expires_at = None
            elif booking_status == BookingStatus.CANCELLED:
                cancelled_at = held_at + minutes[1 + int(rand() * 600)]
            elif booking_status == BookingStatus.EXPIRED:
                expired_at = hold_expires_at
            # One line, or two when the class has two prices and there are seats for both.
            if seats == 1 or len(class_tiers) == 1:
                picked = ((class_tiers[0], seats),)
            else:
                first_tier, second_tier = rng.sample(class_tiers, 2)
                picked = ((first_tier, seats - 1), (second_tier, 1))
            total = 0
            for tier, quantity in picked:
                line_id += 1
                total += quantity * tier.amount
                line_rows.append((line_id, booking_id, tier.pk, tier.label_ind, quantity, tier.amount))
            booking_rows.append(
                (
                    booking_id,
                    _code(booking_id * 7919),
                    session_id,
                    f"Tamu {booking_id}",
                    f"guest{booking_id}@browse.example",
                    "",
                    pick(BOOKING_LANGUAGES),
                    seats,
                    total,
                    booking_status,
                    held_at,
                    hold_expires_at,
                    confirmed_at,
                    cancelled_at,
                    expired_at,
                    f"{rng.getrandbits(128):032x}",
                )
            )
        session_rows.append(
            (
                session_id,
                batik_class.pk,
                starts_at,
                ends_at,
                capacity,
                taken,
                status,
                pick(SESSION_LANGUAGES),
                "",
                now,
                now,
            )
        )
    with connection.cursor() as cursor:
        # Bulk-load switch (superuser): skip the foreign-key triggers for these rows,
        # which reference only rows made above. The constraints stay in the schema.
        cursor.execute("SET session_replication_role = replica")
    try:
        _copy(
            ClassSession,
            "id, batik_class_id, starts_at, ends_at, capacity, seats_taken, status, language, note,"
            " created_at, updated_at",
            session_rows,
        )
        _copy(
            Booking,
            "id, code, session_id, contact_name, contact_email, contact_phone, language, seats, total,"
            " status, held_at, hold_expires_at, confirmed_at, cancelled_at, expired_at, manage_nonce",
            booking_rows,
        )
        _copy(BookingLine, "id, booking_id, tier_id, label, quantity, unit_price", line_rows)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    for table in ("workshops_classsession", "bookings_booking", "bookings_bookingline"):
        with connection.cursor() as cursor:
            # The ids were written by COPY: move each identity sequence past them.
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
    data.sessions += len(session_rows)
    data.bookings = len(booking_rows)
    data.lines = len(line_rows)


def _copy(model: type[models.Model], columns: str, rows: list[tuple]) -> None:
    """COPY rows in, with the table's secondary indexes built afterwards (far faster).

    Columns the rows leave out get the model field's default, so a new column with
    a default does not break the loader.
    """
    table = model._meta.db_table
    given = [column.strip() for column in columns.split(",")]
    rest = [field for field in model._meta.concrete_fields if field.column not in given]
    missing = [field.column for field in rest if field.get_default() is None and not field.null]
    if missing:
        raise RuntimeError(f"bench/data.py: give {table}.{', '.join(missing)} (no default)")
    columns = ", ".join(given + [field.column for field in rest])
    extra = tuple(field.get_default() for field in rest)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.contype = 'u'
            """,
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = %s AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass
            )
            """,
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + extra)
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def counter_mismatches() -> int:
    """Sessions whose seats_taken differs from the seats their bookings hold (should be 0)."""
    holding = ", ".join(f"'{status}'" for status in SEAT_HOLDING_STATUSES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COUNT(*) FROM workshops_classsession s
            LEFT JOIN (
                SELECT session_id, SUM(seats) AS seats FROM bookings_booking
                WHERE status IN ({holding}) GROUP BY session_id
            ) b ON b.session_id = s.id
            WHERE s.seats_taken <> COALESCE(b.seats, 0) OR s.seats_taken > s.capacity
            """
        )
        return cursor.fetchone()[0]


def load(now: datetime | None = None) -> BenchData:
    """Fill the (migrated, empty) benchmark database; returns the ids the runs need."""
    now = now or datetime.now(UTC)
    rng = random.Random(SEED)
    data = BenchData()
    classes, tiers, bench_class = _catalogue(rng)
    _booking_sessions(bench_class, now, data)
    data.sessions = 1 + SPREAD_SESSIONS + WARMUP_SESSIONS
    _browse(rng, classes, tiers, now, data)
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum would have them on a live database.
        cursor.execute("VACUUM ANALYZE")
    return data
