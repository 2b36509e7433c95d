"""Turns the demo catalogue into rows, idempotently.

Every object is found by its natural key (slug, e-mail, class + label, class + start)
and only written when missing or different, so a second run changes nothing and
reports zero created.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.utils import timezone, translation
from modeltranslation.utils import build_localized_fieldname

from core.models import User
from core.timezones import wib_date
from demo import catalogue
from demo.catalogue import ClassTemplate, Person, Text, VillageSpec, WorkshopSpec
from demo.schedule import ClassPlan, PlannedSession, planned_sessions, rng_for, weekly_slots
from tourism.models import Village
from workshops.models import (
    BatikClass,
    ClassSession,
    MembershipRole,
    PaymentMethod,
    PriceTier,
    Workshop,
    WorkshopMembership,
)

M = TypeVar("M", bound=models.Model)

PRICE_FLOOR = 25_000
PRICE_CEILING = 75_000
PRICE_STEP = 5_000
# A session that starts within the hour is no use to anyone browsing the demo.
MIN_LEAD = timedelta(hours=1)
# Workshops sit within about 700 m of their village's centre.
WORKSHOP_SPREAD_MICRODEGREES = 6_000


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


KINDS = ("villages", "workshops", "classes", "price tiers", "sessions", "accounts", "memberships", "groups")


@dataclass
class SeedReport:
    """What one run did, per kind of object."""

    first_day: date
    last_day: date
    tallies: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})

    def tally(self, kind: str) -> Tally:
        return self.tallies[kind]


def demo_seed(*, weeks: int = 8, now: datetime | None = None) -> SeedReport:
    """Load the Singkawang demo with `weeks` weeks of sessions from today (WIB).

    Idempotent: existing rows are matched by natural key and only updated where the
    catalogue differs. Users, memberships and sessions are only ever created, so a
    changed password or a session a host edited survives a re-run.
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    now = now or timezone.now()
    first_day = wib_date(now)
    report = SeedReport(first_day=first_day, last_day=first_day + timedelta(days=weeks * 7 - 1))
    # modeltranslation copies the *active* language into the untranslated column on save;
    # pin Indonesian so that column holds the default language whoever runs the seed.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic():
        villages = {spec.slug: _village(spec, report.tally("villages")) for spec in catalogue.VILLAGES}
        _coordinator(report)
        for spec in catalogue.WORKSHOPS:
            workshop = _workshop(spec, villages[spec.village], report.tally("workshops"))
            host = _user(
                email=catalogue.host_email(spec.slug), person=spec.host, tally=report.tally("accounts")
            )
            _membership(host, workshop, report.tally("memberships"))
            classes = [
                _batik_class(spec, workshop, offer.template, offer.is_published, report)
                for offer in spec.offers
            ]
            _sessions(spec, [c for c in classes if c.is_published], now, weeks, report.tally("sessions"))
    return report


# --- Generic upsert ----------------------------------------------------------------------------


def _upsert(model: type[M], tally: Tally, *, lookup: dict[str, Any], values: dict[str, Any]) -> M:
    # Read, then write: the seed runs alone inside one transaction, so nothing races it.
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**{**lookup, **values})
        tally.created += 1
    else:
        changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if not changed:
            tally.unchanged += 1
            return obj
        for name, value in changed.items():
            setattr(obj, name, value)
        tally.updated += 1
    # Validate like a form would: a typo in the catalogue fails loudly here, not in a page.
    obj.full_clean()
    obj.save()
    return obj


def _translated(field_name: str, text: Text, **placeholders: str) -> dict[str, str]:
    """`title_ind`, `title_en`, ... for every locale the text is written in."""
    values = {}
    for locale, value in text.by_locale().items():
        values[build_localized_fieldname(field_name, locale)] = value.format(**placeholders)
    return values


def _coordinate(value: str | Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.000001"))


# --- Catalogue ---------------------------------------------------------------------------------


def _village(spec: VillageSpec, tally: Tally) -> Village:
    return _upsert(
        Village,
        tally,
        lookup={"slug": spec.slug},
        values={
            "name": spec.name,
            "city": catalogue.CITY,
            "province": catalogue.PROVINCE,
            "address": spec.address,
            "latitude": _coordinate(spec.latitude),
            "longitude": _coordinate(spec.longitude),
            "whatsapp": spec.whatsapp,
            "classification": spec.classification,
            "is_published": True,
            **_translated("description", spec.description),
            **_translated("highlights", spec.highlights),
        },
    )


def _workshop(spec: WorkshopSpec, village: Village, tally: Tally) -> Workshop:
    rng = rng_for("workshop", spec.slug)
    spread = WORKSHOP_SPREAD_MICRODEGREES
    return _upsert(
        Workshop,
        tally,
        lookup={"slug": spec.slug},
        values={
            "village_id": village.pk,
            "name": spec.name,
            "production_group": spec.production_group,
            "address": spec.address,
            "latitude": _coordinate(village.latitude + Decimal(rng.randint(-spread, spread)).scaleb(-6)),
            "longitude": _coordinate(village.longitude + Decimal(rng.randint(-spread, spread)).scaleb(-6)),
            "languages": spec.languages,
            "whatsapp": spec.whatsapp,
            "email": catalogue.host_email(spec.slug),
            "hold_minutes": 15,
            "is_published": True,
            **_translated("description", spec.description),
            **_payment_setup(spec),
        },
    )


DEMO_BANKS = ("BRI", "BNI", "Bank Kalbar", "Mandiri", "BCA")


def _payment_setup(spec: WorkshopSpec) -> dict[str, Any]:
    """Every sanggar takes cash; many take transfers to the group's account, some QRIS through a gateway."""
    rng = rng_for("payments", spec.slug)
    methods = [PaymentMethod.AT_WORKSHOP.value]
    bank = {"bank_name": "", "bank_account_number": "", "bank_account_holder": ""}
    if rng.random() < 0.6:
        methods.append(PaymentMethod.BANK_TRANSFER.value)
        bank = {
            "bank_name": rng.choice(DEMO_BANKS),
            "bank_account_number": "".join(str(rng.randint(0, 9)) for _digit in range(10)),
            "bank_account_holder": spec.production_group,
        }
    gateway = rng.random()
    if gateway < 0.3:
        methods.append(PaymentMethod.MIDTRANS.value)
    elif gateway < 0.45:
        methods.append(PaymentMethod.XENDIT.value)
    return {"payment_methods": methods, **bank}


def _batik_class(
    spec: WorkshopSpec, workshop: Workshop, template_key: str, is_published: bool, report: SeedReport
) -> BatikClass:
    template = catalogue.TEMPLATES[template_key]
    slug = f"{template.key}-{spec.slug}"
    # Each group sets its own price and table size around the template's.
    rng = rng_for("class", slug)
    price = _clamp_price(template.price + rng.choice((-PRICE_STEP, 0, 0, PRICE_STEP)))
    max_participants = max(template.min_participants, 8, template.max_participants - rng.choice((0, 0, 2, 4)))
    batik_class = _upsert(
        BatikClass,
        report.tally("classes"),
        lookup={"slug": slug},
        values={
            "workshop_id": workshop.pk,
            "technique": template.technique,
            "level": template.level,
            "duration_minutes": template.duration_minutes,
            "min_participants": template.min_participants,
            "max_participants": max_participants,
            "min_age": template.min_age,
            "languages": spec.languages,
            "cancellation_hours": template.cancellation_hours,
            "is_published": is_published,
            **_class_texts(template, spec),
        },
    )
    for position, tier in enumerate(catalogue.TIER_SCHEMES[template.tiers]):
        _upsert(
            PriceTier,
            report.tally("price tiers"),
            lookup={
                "batik_class_id": batik_class.pk,
                build_localized_fieldname("label", "id"): tier.label.id,
            },
            values={
                "amount": _clamp_price(price * tier.percent // 100),
                "position": position,
                **_translated("label", tier.label),
            },
        )
    return batik_class


def _class_texts(template: ClassTemplate, spec: WorkshopSpec) -> dict[str, str]:
    motifs = spec.motif.by_locale()
    values: dict[str, str] = {}
    for locale, title in template.title.by_locale().items():
        # A motif not written in this locale keeps its Indonesian name.
        values[build_localized_fieldname("title", locale)] = title.format(
            motif=motifs.get(locale, spec.motif.id)
        )
    for field_name in ("description", "included", "takes_home", "what_to_bring"):
        text: Text = getattr(template, field_name)
        for locale, value in text.by_locale().items():
            motif = motifs.get(locale, spec.motif.id)
            values[build_localized_fieldname(field_name, locale)] = value.format(
                motif=motif, workshop=spec.name
            )
    return values


def _clamp_price(amount: int) -> int:
    """Round to Rp5.000 and keep within what a class costs around Indonesia."""
    rounded = (amount + PRICE_STEP // 2) // PRICE_STEP * PRICE_STEP
    return min(PRICE_CEILING, max(PRICE_FLOOR, rounded))


# --- Schedule ----------------------------------------------------------------------------------


def _sessions(spec: WorkshopSpec, classes: list[BatikClass], now: datetime, weeks: int, tally: Tally) -> None:
    plans = [
        ClassPlan(
            slug=c.slug,
            duration_minutes=c.duration_minutes,
            min_participants=c.min_participants,
            max_participants=c.max_participants,
            languages=tuple(c.language_list),
        )
        for c in classes
    ]
    slots = weekly_slots(classes=plans, closed_weekdays=spec.closed_weekdays)
    planned: list[PlannedSession] = list(
        planned_sessions(
            workshop_slug=spec.slug,
            slots=slots,
            first_day=wib_date(now),
            days=weeks * 7,
            not_before=now + MIN_LEAD,
        )
    )
    by_slug = {c.slug: c for c in classes}
    # One query for what exists instead of one per session: a workshop has ~50 of them.
    existing = {
        (class_id, starts_at.astimezone(UTC))
        for class_id, starts_at in ClassSession.objects.filter(batik_class__in=classes).values_list(
            "batik_class_id", "starts_at"
        )
    }
    new = [
        ClassSession(
            batik_class=by_slug[p.class_slug],
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            capacity=p.capacity,
            language=p.language,
        )
        for p in planned
        if (by_slug[p.class_slug].pk, p.starts_at.astimezone(UTC)) not in existing
    ]
    ClassSession.objects.bulk_create(new, batch_size=500)
    tally.created += len(new)
    tally.unchanged += len(planned) - len(new)


# --- Accounts ----------------------------------------------------------------------------------


def _user(*, email: str, person: Person, tally: Tally, is_staff: bool = False) -> User:
    # Create only: never touch an existing account, so its password and flags stay as set.
    user = User.objects.filter(email=email).first()
    if user is not None:
        tally.unchanged += 1
        return user
    user = User(
        email=email,
        username=email,
        first_name=person.first_name,
        last_name=person.last_name,
        is_staff=is_staff,
    )
    user.password = _demo_password_hash()
    user.save()
    tally.created += 1
    return user


def _demo_password_hash() -> str:
    # Outside DEBUG the shared, published password is never set: accounts need a reset.
    return _password_hash(usable=settings.DEBUG)


@cache
def _password_hash(*, usable: bool) -> str:
    # One hash for all demo accounts: they share the password anyway, and hashing it
    # once instead of per account saves `make run` about half a second per account.
    return make_password(catalogue.DEMO_PASSWORD if usable else None)


def _membership(user: User, workshop: Workshop, tally: Tally) -> None:
    _membership_obj, created = WorkshopMembership.objects.get_or_create(
        user=user, workshop=workshop, defaults={"role": MembershipRole.OWNER}
    )
    if created:
        tally.created += 1
    else:
        tally.unchanged += 1


def _coordinator(report: SeedReport) -> User:
    coordinator = _user(
        email=catalogue.COORDINATOR_EMAIL,
        person=catalogue.COORDINATOR,
        tally=report.tally("accounts"),
        is_staff=True,
    )
    tally = report.tally("groups")
    group, created = Group.objects.get_or_create(name=catalogue.COORDINATORS_GROUP)
    view_permissions = Permission.objects.filter(
        content_type__app_label__in=catalogue.COORDINATOR_VIEW_APPS, codename__startswith="view_"
    )
    # Apps gain models over time; a re-run grants the view permissions they bring.
    missing = list(view_permissions.exclude(group=group))
    if missing:
        group.permissions.add(*missing)
    if created:
        tally.created += 1
    elif missing:
        tally.updated += 1
    else:
        tally.unchanged += 1
    coordinator.groups.add(group)
    return coordinator
