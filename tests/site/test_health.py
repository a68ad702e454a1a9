"""Health checks for load balancers: liveness without the database, readiness with it."""

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db


def test_live_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_ready_checks_the_database_and_the_cache(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert caches["default"].get("health:ready") == 1


def test_ready_is_503_when_the_cache_is_unreachable(client, unreachable_cache):
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.content == b"unavailable: cache\n"


def test_ready_does_not_check_a_cache_configured_to_keep_nothing(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert client.get("/health/ready").status_code == 200
