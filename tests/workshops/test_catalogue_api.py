"""The public catalogue: villages, workshops, classes and sessions, with their filters."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    BatikClassFactory,
    ClassSessionFactory,
    PriceTierFactory,
    VillageFactory,
    WorkshopFactory,
)
from workshops.models import SessionStatus, Technique

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Pontianak")


def wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=WIB)


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


def session_ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


# --- villages -----------------------------------------------------------------


def test_village_list_shows_only_published_villages_in_name_order(api):
    VillageFactory(name="Kampung Zamrud", slug="zamrud")
    VillageFactory(name="Kampung Anggrek", slug="anggrek")
    VillageFactory(name="Kampung Rahasia", slug="rahasia", is_published=False)

    response = api.get("/api/v1/villages/")

    assert response.status_code == 200
    assert slugs(response) == ["anggrek", "zamrud"]
    assert response.json()["count"] == 2


def test_village_search_and_province_filter(api):
    VillageFactory(name="Kampung Batik Pasiran", slug="pasiran", province="Kalimantan Barat")
    VillageFactory(name="Kampung Tenun", slug="tenun", province="Kalimantan Barat")
    VillageFactory(name="Kampung Batik Laweyan", slug="laweyan", province="Jawa Tengah", city="Surakarta")

    assert slugs(api.get("/api/v1/villages/", {"q": "batik"})) == ["laweyan", "pasiran"]
    assert slugs(api.get("/api/v1/villages/", {"province": "jawa tengah"})) == ["laweyan"]
    assert slugs(api.get("/api/v1/villages/", {"city": "Surakarta"})) == ["laweyan"]


def test_villages_near_a_point_are_listed_nearest_first_within_the_radius(api):
    VillageFactory(slug="far", latitude=0.80, longitude=108.98)  # about 11 km south
    VillageFactory(slug="near", latitude=0.905, longitude=108.98)  # about 0.3 km
    VillageFactory(slug="other-island", latitude=-6.2, longitude=106.8)  # Jakarta

    response = api.get("/api/v1/villages/", {"near": "0.9076,108.98", "radius_km": "20"})

    assert response.status_code == 200
    assert slugs(response) == ["near", "far"]
    distances = [item["distance_km"] for item in response.json()["results"]]
    assert distances[0] < 1 < 10 < distances[1] < 13
    assert slugs(api.get("/api/v1/villages/", {"near": "0.9076,108.98", "radius_km": "5"})) == ["near"]


def test_village_detail_counts_workshops_and_upcoming_sessions(api):
    village = VillageFactory(slug="pasiran")
    workshop = WorkshopFactory(village=village)
    WorkshopFactory(village=village, is_published=False)
    batik_class = BatikClassFactory(workshop=workshop)
    ClassSessionFactory.create_batch(3, batik_class=batik_class)
    past = ClassSessionFactory.build(batik_class=batik_class).starts_at - timedelta(days=10)
    ClassSessionFactory(batik_class=batik_class, starts_at=past, ends_at=past + timedelta(hours=2))
    ClassSessionFactory(batik_class=batik_class, status=SessionStatus.CANCELLED)

    response = api.get("/api/v1/villages/pasiran/")

    assert response.status_code == 200
    body = response.json()
    assert body["workshop_count"] == 1
    assert body["upcoming_session_count"] == 3


def test_unknown_or_unpublished_village_is_a_404_in_the_error_shape(api):
    VillageFactory(slug="hidden", is_published=False)

    for slug in ["hidden", "nowhere"]:
        response = api.get(f"/api/v1/villages/{slug}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert set(response.json()) == {"code", "detail", "fields"}


# --- workshops and classes ------------------------------------------------------


def test_workshops_filter_by_village_technique_and_language(api):
    pasiran = VillageFactory(slug="pasiran")
    tulis = WorkshopFactory(slug="sanggar-tulis", village=pasiran, languages="id,hak,zh")
    eco = WorkshopFactory(slug="sanggar-eco", languages="id,en")
    BatikClassFactory(workshop=tulis, technique=Technique.TULIS)
    BatikClassFactory(workshop=eco, technique=Technique.ECOPRINT)
    BatikClassFactory(workshop=eco, technique=Technique.TULIS, is_published=False)

    assert slugs(api.get("/api/v1/workshops/", {"village": "pasiran"})) == ["sanggar-tulis"]
    assert slugs(api.get("/api/v1/workshops/", {"technique": "tulis"})) == ["sanggar-tulis"]
    assert slugs(api.get("/api/v1/workshops/", {"technique": "ecoprint"})) == ["sanggar-eco"]
    assert slugs(api.get("/api/v1/workshops/", {"language": "hak"})) == ["sanggar-tulis"]
    # "en" must not match inside another code.
    assert slugs(api.get("/api/v1/workshops/", {"language": "en"})) == ["sanggar-eco"]
    detail = api.get("/api/v1/workshops/sanggar-tulis/").json()
    assert detail["languages"] == ["id", "hak", "zh"]
    assert detail["class_count"] == 1


def test_class_detail_has_its_price_tiers_in_order(api):
    batik_class = BatikClassFactory(slug="tidayu")
    PriceTierFactory(
        batik_class=batik_class, label_ind="Pelajar", label_en="Student", amount=35000, position=1
    )
    PriceTierFactory(batik_class=batik_class, label_ind="Dewasa", label_en="Adult", amount=50000, position=0)

    body = api.get("/api/v1/classes/tidayu/").json()

    assert [(tier["label"], tier["amount"]) for tier in body["price_tiers"]] == [
        ("Dewasa", 50000),
        ("Pelajar", 35000),
    ]
    assert body["price_from"] == 35000


def test_classes_filter_by_price_duration_technique_and_place(api):
    cheap = BatikClassFactory(slug="cheap", duration_minutes=60, technique=Technique.JUMPUTAN)
    dear = BatikClassFactory(slug="dear", duration_minutes=240, technique=Technique.ECOPRINT)
    PriceTierFactory(batik_class=cheap, amount=25000)
    PriceTierFactory(batik_class=dear, amount=75000)

    assert slugs(api.get("/api/v1/classes/", {"price_max": 30000})) == ["cheap"]
    assert slugs(api.get("/api/v1/classes/", {"price_min": 30000})) == ["dear"]
    assert slugs(api.get("/api/v1/classes/", {"duration_min": 120})) == ["dear"]
    assert slugs(api.get("/api/v1/classes/", {"technique": "jumputan"})) == ["cheap"]
    assert slugs(api.get("/api/v1/classes/", {"workshop": dear.workshop.slug})) == ["dear"]
    assert slugs(api.get("/api/v1/classes/", {"village": cheap.workshop.village.slug})) == ["cheap"]
    assert slugs(api.get("/api/v1/classes/", {"ordering": "-price"})) == ["dear", "cheap"]


def test_unpublished_classes_and_classes_of_unpublished_workshops_are_hidden(api):
    BatikClassFactory(slug="shown")
    BatikClassFactory(slug="draft", is_published=False)
    BatikClassFactory(slug="closed-workshop", workshop=WorkshopFactory(is_published=False))

    assert slugs(api.get("/api/v1/classes/")) == ["shown"]
    assert api.get("/api/v1/classes/draft/").status_code == 404


# --- translation ---------------------------------------------------------------------


def test_texts_follow_accept_language_and_lang_and_fall_back_to_indonesian(api):
    batik_class = BatikClassFactory(
        slug="tidayu",
        title_ind="Kelas Batik Tidayu",
        title_en="Tidayu Batik Class",
        description_ind="Belajar motif Tidayu.",
        description_en="",
    )
    PriceTierFactory(batik_class=batik_class)

    indonesian = api.get("/api/v1/classes/tidayu/").json()
    english = api.get("/api/v1/classes/tidayu/", HTTP_ACCEPT_LANGUAGE="en").json()
    by_query = api.get("/api/v1/classes/tidayu/", {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="id").json()
    malay = api.get("/api/v1/classes/tidayu/", HTTP_ACCEPT_LANGUAGE="ms").json()

    assert indonesian["title"] == "Kelas Batik Tidayu"
    assert english["title"] == "Tidayu Batik Class"
    assert by_query["title"] == "Tidayu Batik Class"
    assert english["description"] == "Belajar motif Tidayu."  # no English text yet
    assert malay["title"] == "Kelas Batik Tidayu"  # no Malay title: Indonesian
    assert english["price_tiers"][0]["label"] == "Adult"


# --- sessions ----------------------------------------------------------------------


def test_session_item_carries_times_in_wib_seats_left_and_summaries(api):
    session = ClassSessionFactory(
        capacity=12, seats_taken=5, starts_at=wib(2030, 3, 4, 9, 0), ends_at=wib(2030, 3, 4, 11, 0)
    )
    PriceTierFactory(batik_class=session.batik_class, amount=45000)

    item = api.get("/api/v1/sessions/").json()["results"][0]

    assert item["id"] == session.id
    assert item["starts_at"] == "2030-03-04T09:00:00+07:00"
    assert item["ends_at"] == "2030-03-04T11:00:00+07:00"
    assert item["seats_left"] == 7
    assert item["capacity"] == 12
    assert item["status"] == "scheduled"
    assert item["batik_class"]["slug"] == session.batik_class.slug
    assert item["batik_class"]["price_from"] == 45000
    assert item["workshop"]["slug"] == session.batik_class.workshop.slug
    assert item["workshop"]["village"]["slug"] == session.batik_class.workshop.village.slug
    assert api.get(f"/api/v1/sessions/{session.id}/").json() == item


def test_a_session_at_23_30_wib_belongs_to_that_wib_date(api):
    late = ClassSessionFactory(starts_at=wib(2030, 3, 4, 23, 30), ends_at=wib(2030, 3, 5, 0, 30))
    early = ClassSessionFactory(starts_at=wib(2030, 3, 5, 0, 15), ends_at=wib(2030, 3, 5, 2, 0))

    # 23:30 WIB on 4 March is 16:30 UTC on 4 March; 00:15 WIB on 5 March is 17:15 UTC on 4 March.
    assert session_ids(
        api.get("/api/v1/sessions/", {"date_from": "2030-03-04", "date_to": "2030-03-04"})
    ) == [late.id]
    assert session_ids(
        api.get("/api/v1/sessions/", {"date_from": "2030-03-05", "date_to": "2030-03-05"})
    ) == [early.id]
    assert session_ids(api.get("/api/v1/sessions/", {"date_from": "2030-03-04"})) == [late.id, early.id]
    assert session_ids(api.get("/api/v1/sessions/", {"date_to": "2030-03-04"})) == [late.id]


def test_sessions_with_at_least_n_free_seats(api):
    roomy = ClassSessionFactory(capacity=10, seats_taken=2)
    tight = ClassSessionFactory(capacity=10, seats_taken=8)
    full = ClassSessionFactory(capacity=10, seats_taken=10)
    cancelled = ClassSessionFactory(capacity=10, status=SessionStatus.CANCELLED)

    assert session_ids(api.get("/api/v1/sessions/", {"available": "true", "seats": 3})) == [roomy.id]
    assert session_ids(api.get("/api/v1/sessions/", {"available": "true"})) == [roomy.id, tight.id]
    assert set(session_ids(api.get("/api/v1/sessions/"))) >= {roomy.id, tight.id, full.id}
    assert cancelled.id in session_ids(api.get("/api/v1/sessions/", {"status": "cancelled"}))


def test_sessions_that_already_ended_are_not_listed_by_default(api):
    with time_machine.travel(wib(2030, 3, 4, 12, 0)):
        ended = ClassSessionFactory(starts_at=wib(2030, 3, 4, 9, 0), ends_at=wib(2030, 3, 4, 11, 0))
        running = ClassSessionFactory(starts_at=wib(2030, 3, 4, 11, 0), ends_at=wib(2030, 3, 4, 13, 0))
        later = ClassSessionFactory(starts_at=wib(2030, 3, 5, 9, 0), ends_at=wib(2030, 3, 5, 11, 0))

        assert session_ids(api.get("/api/v1/sessions/")) == [running.id, later.id]
        assert session_ids(api.get("/api/v1/sessions/", {"available": "true"})) == [later.id]
        assert ended.id in session_ids(api.get("/api/v1/sessions/", {"date_from": "2030-03-04"}))


def test_sessions_filter_by_class_workshop_village_technique_and_language(api):
    eco = ClassSessionFactory(batik_class=BatikClassFactory(technique=Technique.ECOPRINT), language="en")
    tulis = ClassSessionFactory(language="id")
    eco_class = eco.batik_class

    assert session_ids(api.get("/api/v1/sessions/", {"batik_class": eco_class.slug})) == [eco.id]
    assert session_ids(api.get("/api/v1/sessions/", {"workshop": eco_class.workshop.slug})) == [eco.id]
    assert session_ids(api.get("/api/v1/sessions/", {"village": eco_class.workshop.village.slug})) == [eco.id]
    assert session_ids(api.get("/api/v1/sessions/", {"technique": "ecoprint"})) == [eco.id]
    assert session_ids(api.get("/api/v1/sessions/", {"language": "id"})) == [tulis.id]


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/sessions/", {"technique": "batik-printer"}, "technique"),
        ("/api/v1/classes/", {"technique": "lukis"}, "technique"),
        ("/api/v1/workshops/", {"language": "klingon"}, "language"),
        ("/api/v1/sessions/", {"date_from": "2030-02-30"}, "date_from"),
        ("/api/v1/sessions/", {"date_to": "kemarin"}, "date_to"),
        ("/api/v1/sessions/", {"seats": "0"}, "seats"),
        ("/api/v1/sessions/", {"seats": "banyak"}, "seats"),
        ("/api/v1/villages/", {"near": "0.9,108.9", "radius_km": "-1"}, "radius_km"),
        ("/api/v1/villages/", {"near": "utara"}, "near"),
        ("/api/v1/villages/", {"near": "95,108"}, "near"),
        ("/api/v1/classes/", {"price_min": "-5"}, "price_min"),
        ("/api/v1/sessions/", {"available": "mungkin"}, "available"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(api, path, params, field):
    response = api.get(path, params)

    assert response.status_code == 400
    body = response.json()
    assert body["code"]
    assert body["detail"]
    assert field in body["fields"]


def test_page_size_is_capped_not_an_error(api):
    ClassSessionFactory.create_batch(3)

    response = api.get("/api/v1/sessions/", {"page_size": 100000})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_page_beyond_the_end_is_a_404_in_the_error_shape(api):
    response = api.get("/api/v1/sessions/", {"page": 999})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- query counts -------------------------------------------------------------------------


def _queries_for(api, path: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path", ["/api/v1/villages/", "/api/v1/workshops/", "/api/v1/classes/", "/api/v1/sessions/"]
)
def test_list_endpoints_use_the_same_number_of_queries_for_any_page_size(api, path):
    for _ in range(12):
        session = ClassSessionFactory()
        PriceTierFactory.create_batch(2, batik_class=session.batik_class)

    assert _queries_for(api, path, 2) == _queries_for(api, path, 12)
