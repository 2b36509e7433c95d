"""factory_boy factories for the catalogue; each builds a valid, published object."""

from datetime import time, timedelta

import factory
from django.utils import timezone

from core.models import User
from tourism.models import Village
from workshops.models import (
    BatikClass,
    ClassSession,
    ClosedDay,
    MembershipRole,
    PriceTier,
    ScheduleRule,
    Technique,
    Workshop,
    WorkshopMembership,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.id")
    username = factory.SelfAttribute("email")
    first_name = factory.Faker("first_name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-batik-123")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    name = factory.Sequence(lambda n: f"Kampung Wisata Uji {n}")
    slug = factory.Sequence(lambda n: f"kampung-uji-{n}")
    city = "Singkawang"
    province = "Kalimantan Barat"
    description_ind = "Kampung wisata di tepi sungai."
    description_en = "A tourism village by the river."
    latitude = factory.Sequence(lambda n: 0.9 + n / 1000)
    longitude = 108.98
    is_published = True


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    village = factory.SubFactory(VillageFactory)
    name = factory.Sequence(lambda n: f"Sanggar Uji {n}")
    slug = factory.Sequence(lambda n: f"sanggar-uji-{n}")
    production_group = factory.Sequence(lambda n: f"Kelompok Produksi Uji {n}")
    address = "Jl. Uji No. 1, Singkawang"
    languages = "id,en"
    whatsapp = "+6281200000000"
    is_published = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopMembership

    user = factory.SubFactory(UserFactory)
    workshop = factory.SubFactory(WorkshopFactory)
    role = MembershipRole.OWNER


class BatikClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BatikClass

    workshop = factory.SubFactory(WorkshopFactory)
    title_ind = factory.Sequence(lambda n: f"Kelas Batik Tulis {n}")
    title_en = factory.Sequence(lambda n: f"Hand-drawn Batik Class {n}")
    slug = factory.Sequence(lambda n: f"kelas-batik-{n}")
    technique = Technique.TULIS
    duration_minutes = 120
    min_participants = 1
    max_participants = 10
    languages = "id,en"
    is_published = True


class PriceTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceTier

    batik_class = factory.SubFactory(BatikClassFactory)
    label_ind = "Dewasa"
    label_en = "Adult"
    amount = 50000
    position = 0


class ClassSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassSession

    batik_class = factory.SubFactory(BatikClassFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(minutes=s.batik_class.duration_minutes))
    capacity = 10
    seats_taken = 0
    language = "id"


class ClosedDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosedDay

    workshop = factory.SubFactory(WorkshopFactory)
    date_from = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    date_to = factory.SelfAttribute("date_from")
    reason = "Cap Go Meh"


class ScheduleRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleRule

    batik_class = factory.SubFactory(BatikClassFactory)
    weekday_mask = 1  # Mondays
    start_time = time(9, 0)
    capacity = 8
    language = "id"
    valid_from = factory.LazyFunction(timezone.localdate)
