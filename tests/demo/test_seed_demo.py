"""The Singkawang demo that `make run` loads: complete, plausible, and safe to load again."""

import math
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from core.models import User
from core.timezones import WIB, wib_date
from demo.catalogue import DEMO_PASSWORD
from demo.loader import demo_seed
from tourism.models import Village, VillageClassification
from workshops.models import (
    BatikClass,
    ClassSession,
    MembershipRole,
    PriceTier,
    Technique,
    Workshop,
    WorkshopMembership,
)

SINGKAWANG = (0.90, 108.98)


def seed(**options: object) -> str:
    """The catalogue only: the demo bookings have their own tests below."""
    out = StringIO()
    call_command("seed_demo", stdout=out, without_bookings=True, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def catalogue_snapshot() -> dict[str, list[tuple]]:
    return {
        "classes": sorted(
            BatikClass.objects.values_list("slug", "workshop__slug", "max_participants", "is_published")
        ),
        "tiers": sorted(
            PriceTier.objects.values_list("batik_class__slug", "label_ind", "amount", "position")
        ),
        "sessions": sorted(
            ClassSession.objects.values_list(
                "batik_class__slug", "starts_at", "ends_at", "capacity", "language"
            )
        ),
    }


@pytest.mark.django_db
def test_seeding_twice_changes_nothing_and_the_second_run_creates_nothing() -> None:
    first = seed()
    counts = row_counts()
    last_edit = {
        m: m.objects.order_by("-updated_at").values_list("updated_at", flat=True)[0]
        for m in (Village, Workshop, BatikClass)
    }

    second = seed()

    assert sum(int(n) for n in re.findall(r"(\d+) created", first)) > 0
    assert row_counts() == counts
    assert [int(n) for n in re.findall(r"(\d+) created", second)] == [0] * 8
    assert [int(n) for n in re.findall(r"(\d+) updated", second)] == [0] * 8
    # Not even a needless save: nothing's updated_at moved.
    for model, moment in last_edit.items():
        assert model.objects.order_by("-updated_at").values_list("updated_at", flat=True)[0] == moment


@pytest.mark.django_db
def test_demo_is_the_same_every_time_it_is_loaded_from_scratch() -> None:
    now = timezone.now()
    demo_seed(now=now)
    before = catalogue_snapshot()
    ClassSession.objects.all().delete()
    BatikClass.objects.all().delete()
    Workshop.objects.all().delete()
    Village.objects.all().delete()

    demo_seed(now=now)

    assert catalogue_snapshot() == before


@pytest.mark.django_db
def test_demo_has_singkawang_villages_near_the_city() -> None:
    seed()

    villages = list(Village.objects.all())
    assert len(villages) >= 3
    for village in villages:
        assert (village.city, village.province) == ("Singkawang", "Kalimantan Barat")
        assert village.is_published
        assert km_between(SINGKAWANG, (float(village.latitude), float(village.longitude))) <= 15
        assert village.classification in VillageClassification.values
        assert village.whatsapp.startswith("+62812")
        assert len(village.highlight_list) >= 2
        assert village.description_ind and village.description_en


@pytest.mark.django_db
def test_demo_has_eighteen_workshops_one_per_production_group() -> None:
    seed()

    workshops = Workshop.objects.all()
    assert workshops.count() == 18
    assert len(set(workshops.values_list("production_group", flat=True))) == 18
    assert workshops.values("village").distinct().count() >= 3
    for workshop in workshops:
        assert workshop.is_published and workshop.hold_minutes == 15
        assert workshop.language_list[0] == "id"
        assert set(workshop.language_list) <= {"id", "en", "zh", "hak", "ms"}
        assert km_between(SINGKAWANG, (float(workshop.latitude), float(workshop.longitude))) <= 15


@pytest.mark.django_db
def test_demo_classes_cover_every_technique_with_realistic_prices_and_sizes() -> None:
    seed()

    classes = BatikClass.objects.prefetch_related("price_tiers")
    assert classes.count() >= 30
    assert set(classes.values_list("technique", flat=True)) == set(Technique.values)
    assert classes.filter(min_participants=5).exists()
    assert classes.filter(is_published=False).count() <= 1
    for batik_class in classes:
        tiers = list(batik_class.price_tiers.all())
        assert tiers, batik_class.slug
        assert all(25_000 <= tier.amount <= 75_000 for tier in tiers), batik_class.slug
        assert all(
            tier.label_ind and tier.label_en and tier.label_zh_hans and tier.label_ms for tier in tiers
        )
        assert (
            batik_class.title_ind
            and batik_class.title_en
            and batik_class.title_zh_hans
            and batik_class.title_ms
        )
        assert 60 <= batik_class.duration_minutes <= 240
        assert 8 <= batik_class.max_participants <= 25
    assert max(len(c.price_tiers.all()) for c in classes) == 3
    assert all(c.duration_minutes >= 180 for c in classes if c.technique == Technique.ECOPRINT)


@pytest.mark.django_db
def test_demo_schedules_sessions_in_the_future_across_eight_weeks() -> None:
    seed()
    now = timezone.now()
    today = wib_date(now)

    sessions = list(ClassSession.objects.select_related("batik_class"))
    assert all(s.starts_at > now for s in sessions)
    weeks = {(wib_date(s.starts_at) - today).days // 7 for s in sessions}
    assert weeks == set(range(8))
    for session in sessions:
        assert session.capacity <= session.batik_class.max_participants
        assert session.seats_taken == 0
        assert session.ends_at - session.starts_at == timedelta(minutes=session.batik_class.duration_minutes)
        assert 8 <= session.starts_at.astimezone(WIB).hour <= 15
    published = BatikClass.objects.filter(is_published=True)
    assert all(c.sessions.exists() for c in published)
    # Not every class every day: two to four sessions a week, fewer on days off.
    for batik_class in published:
        assert batik_class.sessions.count() <= 4 * 8


@pytest.mark.django_db
def test_weeks_option_sets_how_far_ahead_sessions_go() -> None:
    seed(weeks=1)

    last_day = wib_date(timezone.now()) + timedelta(days=6)
    assert ClassSession.objects.exists()
    assert all(wib_date(s.starts_at) <= last_day for s in ClassSession.objects.all())


@pytest.mark.django_db
def test_reseeding_a_day_later_adds_only_the_new_last_day() -> None:
    now = timezone.now()
    demo_seed(now=now)
    last_id = ClassSession.objects.order_by("-id").values_list("id", flat=True)[0]

    demo_seed(now=now + timedelta(days=1))

    new_days = {wib_date(s.starts_at) for s in ClassSession.objects.filter(id__gt=last_id)}
    assert new_days <= {wib_date(now) + timedelta(days=56)}


@pytest.mark.django_db
def test_every_workshop_has_one_owner_who_can_log_in_with_the_demo_password(settings) -> None:
    settings.DEBUG = True
    seed()

    for workshop in Workshop.objects.all():
        memberships = WorkshopMembership.objects.filter(workshop=workshop)
        assert [m.role for m in memberships] == [MembershipRole.OWNER]
        host = memberships[0].user
        assert host.email == host.username == f"host.{workshop.slug}@canting.test"
        assert host.check_password(DEMO_PASSWORD)
        assert not host.is_staff


@pytest.mark.django_db
def test_coordinator_can_view_but_not_change_the_catalogue_in_the_admin(settings) -> None:
    settings.DEBUG = True
    seed()

    coordinator = User.objects.get(email="koordinator@canting.test")
    assert coordinator.is_staff and not coordinator.is_superuser
    assert list(coordinator.groups.values_list("name", flat=True)) == ["coordinators"]
    assert coordinator.has_perm("tourism.view_village")
    assert coordinator.has_perm("workshops.view_classsession")
    assert not coordinator.has_perm("workshops.change_batikclass")
    assert coordinator.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_reseeding_keeps_a_password_someone_changed() -> None:
    seed()
    host = User.objects.get(email="host.lentera-merah@canting.test")
    host.set_password("ganti-sandi-sendiri")
    host.save()

    seed()

    host.refresh_from_db()
    assert host.check_password("ganti-sandi-sendiri")


@pytest.mark.django_db
def test_catalogue_api_lists_the_singkawang_villages_after_seeding(api) -> None:
    seed()

    response = api.get("/api/v1/villages/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert {v["slug"] for v in results} == set(Village.objects.values_list("slug", flat=True))
    assert {v["city"] for v in results} == {"Singkawang"}


@pytest.mark.django_db
def test_demo_password_is_printed_only_when_debug_is_on(settings) -> None:
    settings.DEBUG = False
    quiet = seed()
    settings.DEBUG = True
    loud = seed()

    assert DEMO_PASSWORD not in quiet
    assert DEMO_PASSWORD in loud
    assert "http://127.0.0.1:8000/admin/" in loud and "/accounts/login/" in loud


@pytest.mark.django_db
def test_outside_debug_demo_accounts_get_no_usable_password(settings) -> None:
    settings.DEBUG = False
    seed()

    assert not User.objects.filter(email="koordinator@canting.test").get().has_usable_password()


@pytest.mark.django_db
def test_demo_bookings_fill_some_sessions_and_the_capacity_check_finds_nothing_to_repair() -> None:
    from bookings.models import Booking, BookingStatus, OutboxMessage
    from bookings.services.capacity import capacity_audit

    call_command("seed_demo", stdout=StringIO(), weeks=3)
    counts = row_counts()
    call_command("seed_demo", stdout=StringIO(), weeks=3)

    assert row_counts() == counts  # the second run books nobody again
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() > 100
    sessions = ClassSession.objects.filter(seats_taken__gt=0)
    full = [s for s in sessions if s.seats_taken == s.capacity]
    nearly = [s for s in sessions if 0 < s.capacity - s.seats_taken <= 2]
    assert len(full) >= 5 and len(nearly) >= 5
    assert capacity_audit(now=timezone.now()) == []
    assert not OutboxMessage.objects.exists()  # no mail to invented guests
