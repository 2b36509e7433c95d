"""`/api/v1/me/`: the caller, whether a browser session or an app's session token."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "rahasia-batik-123"


def test_me_with_a_browser_session(api):
    user = UserFactory(email="sari@example.id", first_name="Sari")
    assert api.login(username=user.username, password=PASSWORD)

    response = api.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["email"] == "sari@example.id"
    assert response.json()["name"] == "Sari"


def test_me_with_an_app_session_token_from_allauth_headless_login(api):
    UserFactory(email="budi@example.id")
    login = api.post(
        "/_allauth/app/v1/auth/login",
        {"email": "budi@example.id", "password": PASSWORD},
        format="json",
    )
    assert login.status_code == 200, login.content
    token = login.json()["meta"]["session_token"]

    response = api.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 200
    assert response.json()["email"] == "budi@example.id"


def test_me_with_a_wrong_token_or_none_is_refused(api):
    for headers in [{}, {"HTTP_X_SESSION_TOKEN": "not-a-token"}]:
        response = api.get("/api/v1/me/", **headers)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_signup_through_the_headless_api_then_me(api):
    signup = api.post(
        "/_allauth/app/v1/auth/signup",
        {"email": "wisatawan@example.id", "password": "Canting-2026-aman"},
        format="json",
    )
    assert signup.status_code == 200, signup.content
    token = signup.json()["meta"]["session_token"]

    assert api.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).json()["email"] == "wisatawan@example.id"
