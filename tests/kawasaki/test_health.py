"""/health/ (public liveness) and /health/ready/ (the operator's readiness check) against the real
PostgreSQL, Redis cache and Redis broker started by bin/test."""

import socket
import time

import pytest
from django.test import override_settings

from kawasaki import health
from tests.helpers.db_state import assert_db_unchanged

TOKEN = "health-token-for-tests-0123456789"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def _token(settings):
    settings.KAWASAKI_HEALTH_TOKEN = TOKEN


@pytest.fixture
def unused_port():
    """A local port nothing listens on: a service that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_liveness_answers_without_touching_database_cache_or_broker(client, settings, unused_port):
    # Every dependency pointed at nothing: liveness still answers at once, and nothing was queried.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port}/0",
        }
    }
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{unused_port}/1"
    started = time.monotonic()
    response = client.get("/health/")  # no db fixture: a database query would fail the test
    assert time.monotonic() - started < 0.5
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readiness_is_ok_when_database_cache_and_broker_answer(client):
    response = client.get("/health/ready/", **AUTH)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readiness_needs_the_operator_token(client, settings):
    assert client.get("/health/ready/").status_code == 403
    assert client.get("/health/ready/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/health/ready/", HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 403
    settings.KAWASAKI_HEALTH_TOKEN = ""
    closed = client.get("/health/ready/", HTTP_AUTHORIZATION="Bearer ")
    assert (closed.status_code, closed.json()) == (403, {"status": "forbidden"})


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["ip.city.example.jp"], SECURE_SSL_REDIRECT=True)
def test_health_answers_a_plain_http_probe_on_any_host(client):
    """docker compose probes http://127.0.0.1:8000/health/ while production allows only its domain."""
    assert client.get("/health/", HTTP_HOST="127.0.0.1:8000").status_code == 200
    assert client.get("/health/ready/", HTTP_HOST="127.0.0.1:8000", **AUTH).status_code == 200
    # Every other path still gets the host check and the HTTPS redirect.
    assert client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/accounts/login/", HTTP_HOST="ip.city.example.jp").status_code == 301


@pytest.mark.django_db
def test_readiness_fails_with_503_naming_the_cache_when_redis_is_unreachable(client, settings, unused_port):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get("/health/ready/", **AUTH)  # (Django's test signals rebuild the cache handler)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failed"
    assert body["checks"]["cache"] == "failed"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readiness_fails_when_the_broker_is_unreachable(client, settings, unused_port):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{unused_port}/1"
    response = client.get("/health/ready/", **AUTH)
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "failed"}


def test_a_check_that_hangs_counts_as_timeout_within_its_limit(settings, monkeypatch):
    """A dependency that accepts the connection and never answers (a frozen Redis) cannot hold the answer."""
    settings.KAWASAKI_HEALTH_TIMEOUT = 0.3
    release = __import__("threading").Event()
    monkeypatch.setattr(health, "CHECKS", {"stuck": lambda: release.wait(10), "fine": lambda: None})
    started = time.monotonic()
    ready, checks = health.health_report()
    release.set()
    assert time.monotonic() - started < 1.0
    assert (ready, checks) == (False, {"stuck": "timeout", "fine": "ok"})


def test_health_only_answers_reads(client, db):
    with assert_db_unchanged():
        assert client.post("/health/").status_code == 404
        assert client.post("/health/ready/", **AUTH).status_code == 404
