"""API throttles count the real client behind the trusted proxy (header or proxy count), not the proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from kawasaki.api.throttling import ApiUserThrottle, client_ident
from kawasaki.models import Role
from tests.conftest import make_member

PROXY = "10.0.0.2"  # the TLS proxy's address, as gunicorn sees it
BAD = "Token kw_not-a-real-key"


@pytest.fixture(autouse=True)
def _limits(settings):
    from django.core.cache import cache

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "600/min", "failed_auth": "3/min"},
    }
    cache.clear()
    yield
    cache.clear()


def _get(authorization: str, **headers):
    client = APIClient(REMOTE_ADDR=PROXY)
    return client.get(reverse("api_whoami"), HTTP_AUTHORIZATION=authorization, **headers)


@pytest.fixture
def good_token(city_a, api_client_of):
    user = make_member(city_a, Role.COORDINATOR, email="program@example.jp")
    return f"Token {api_client_of(user, city_a).token.raw_key}"


@pytest.mark.django_db
def test_trusted_header_separates_two_clients_behind_one_proxy(settings, good_token):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        assert _get(BAD, HTTP_X_REAL_IP="198.51.100.1").status_code == 401
    blocked = _get(good_token, HTTP_X_REAL_IP="198.51.100.1")
    assert blocked.status_code == 429  # refused before the (right) key is looked up
    assert blocked.json()["error"]["code"] == "throttled"
    assert int(blocked["Retry-After"]) > 0
    # Another client behind the same proxy is not affected.
    assert _get(good_token, HTTP_X_REAL_IP="198.51.100.2").status_code == 200


@pytest.mark.django_db
def test_a_forged_forwarded_header_does_not_escape_the_trusted_header(settings, good_token):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for attempt in range(3):  # a new X-Forwarded-For every time; the proxy's X-Real-IP is the same
        response = _get(BAD, HTTP_X_REAL_IP="198.51.100.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
        assert response.status_code == 401
    response = _get(good_token, HTTP_X_REAL_IP="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_forged_entry_in_front_of_the_proxy_does_not_escape_the_proxy_count(settings, good_token):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for attempt in range(3):  # the client writes its own entry; the proxy appends the address it saw
        _get(BAD, HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}, 198.51.100.1")
    assert _get(good_token, HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.1").status_code == 429
    assert _get(good_token, HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7").status_code == 200


@pytest.mark.django_db
def test_requests_without_credentials_and_good_tokens_are_not_failures(settings, good_token):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        assert APIClient(REMOTE_ADDR=PROXY).get(reverse("api_whoami")).status_code == 401
        assert _get(good_token, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
    assert _get(good_token, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200


def test_the_request_throttle_counts_the_client_named_by_the_trusted_header(settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    request = RequestFactory().get("/api/v1/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="198.51.100.5")
    assert ApiUserThrottle().get_ident(request) == "198.51.100.5"
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_ident(request) == PROXY
