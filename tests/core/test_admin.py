"""Coordinators use the admin: every model's list and search page opens."""

import pytest
from django.contrib import admin
from django.test import Client

from tests.factories import ClassSessionFactory, MembershipFactory, PriceTierFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_registered_admin_list_opens_with_a_search(api):
    session = ClassSessionFactory()
    PriceTierFactory(batik_class=session.batik_class)
    MembershipFactory(workshop=session.batik_class.workshop)
    api.post(
        "/api/v1/bookings/",
        {"session": session.pk, "seats": 1, "contact": {"name": "Rina", "email": "rina@example.id"}},
        format="json",
    )
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)

    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
        assert client.get(url, {"q": "batik"}).status_code == 200, url
