"""/health/ against the real PostgreSQL, Redis cache and Redis broker started by bin/test."""

import socket

import pytest
from django.test import override_settings

from tests.helpers.db_state import assert_db_unchanged


@pytest.fixture
def unused_port():
    """A local port nothing listens on: a service that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_health_is_ok_when_database_cache_and_broker_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["ip.city.example.jp"], SECURE_SSL_REDIRECT=True)
def test_health_answers_a_plain_http_probe_on_any_host(client):
    """docker compose probes http://127.0.0.1:8000/health/ while production allows only its domain."""
    assert client.get("/health/", HTTP_HOST="127.0.0.1:8000").status_code == 200
    # Every other path still gets the host check and the HTTPS redirect.
    assert client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/accounts/login/", HTTP_HOST="ip.city.example.jp").status_code == 301


@pytest.mark.django_db
def test_health_fails_with_503_naming_the_cache_when_redis_is_unreachable(client, settings, unused_port):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get("/health/")  # (Django's test signals rebuild the cache handler)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failed"
    assert body["checks"]["cache"] == "failed"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_health_fails_when_the_broker_is_unreachable(client, settings, unused_port):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{unused_port}/1"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "failed"}


def test_health_only_answers_reads(client, db):
    with assert_db_unchanged():
        assert client.post("/health/").status_code == 404
