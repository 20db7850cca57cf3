"""Login throttles count per account and per real client, behind the trusted proxies and no further."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory
from django.urls import reverse

from kawasaki.adapters import client_ip
from kawasaki.models import Role
from tests.conftest import make_member
from tests.factories.core import PASSWORD

PROXY = "10.0.0.2"  # the TLS proxy's address, as gunicorn sees it


@pytest.fixture(autouse=True)
def _limits(settings):
    from django.core.cache import cache

    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/ip,5/5m/key", "login": "100/m/ip"}
    cache.clear()
    yield
    cache.clear()


def _login(email, password, forwarded_for=None):
    client = Client(REMOTE_ADDR=PROXY)
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    response = client.post(reverse("account_login"), {"login": email, "password": password}, **extra)
    return client, response


def _signed_in(client) -> bool:
    return SESSION_KEY in client.session


@pytest.mark.django_db
def test_two_clients_behind_one_proxy_do_not_share_a_limit(settings, city_a):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    make_member(city_a, Role.SME_MEMBER, email="one@example.jp")
    make_member(city_a, Role.SME_MEMBER, email="two@example.jp")
    for attempt in range(3):  # client 198.51.100.1 fails three times, with three different names
        _login(f"nobody{attempt}@example.jp", "wrong-password", forwarded_for="198.51.100.1")
    blocked, _ = _login("one@example.jp", PASSWORD, forwarded_for="198.51.100.1")
    assert not _signed_in(blocked)
    other, _ = _login("two@example.jp", PASSWORD, forwarded_for="198.51.100.2")
    assert _signed_in(other)


@pytest.mark.django_db
def test_a_forged_header_in_front_of_the_proxy_does_not_escape_the_limit(settings, city_a):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    make_member(city_a, Role.SME_MEMBER, email="one@example.jp")
    for attempt in range(3):  # the client writes its own X-Forwarded-For; the proxy appends the real one
        _login(f"nobody{attempt}@example.jp", "wrong", forwarded_for=f"203.0.113.{attempt}, 198.51.100.1")
    blocked, _ = _login("one@example.jp", PASSWORD, forwarded_for="203.0.113.99, 198.51.100.1")
    assert not _signed_in(blocked)


@pytest.mark.django_db
def test_without_a_trusted_proxy_the_header_is_ignored(settings, city_a):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    make_member(city_a, Role.SME_MEMBER, email="one@example.jp")
    for attempt in range(3):
        _login(f"nobody{attempt}@example.jp", "wrong", forwarded_for=f"203.0.113.{attempt}")
    blocked, _ = _login("one@example.jp", PASSWORD, forwarded_for="203.0.113.50")
    assert not _signed_in(blocked)


@pytest.mark.django_db
def test_failed_logins_are_also_counted_per_account(settings, city_a):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    make_member(city_a, Role.SME_MEMBER, email="target@example.jp")
    for attempt in range(5):  # five different clients try the same account
        _login("target@example.jp", "wrong", forwarded_for=f"198.51.100.{attempt + 10}")
    blocked, _ = _login("target@example.jp", PASSWORD, forwarded_for="198.51.100.200")
    assert not _signed_in(blocked)
    # Someone else's account from the same clients is not affected.
    make_member(city_a, Role.SME_MEMBER, email="bystander@example.jp")
    fine, _ = _login("bystander@example.jp", PASSWORD, forwarded_for="198.51.100.10")
    assert _signed_in(fine)


def test_client_ip_reads_the_configured_sources(settings):
    factory = RequestFactory()
    request = factory.get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2", HTTP_X_REAL_IP="3.3.3.3"
    )
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
    assert client_ip(request) == PROXY
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "2.2.2.2"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.1.1.1"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 5  # more proxies than hops: the leftmost, not a 500
    assert client_ip(request) == "1.1.1.1"
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(request) == "3.3.3.3"


@pytest.mark.django_db
def test_api_throttle_counts_the_client_behind_the_proxy(settings):
    from rest_framework.request import Request
    from rest_framework.settings import api_settings
    from rest_framework.throttling import BaseThrottle

    assert api_settings.NUM_PROXIES == settings.ALLAUTH_TRUSTED_PROXY_COUNT
    throttle = BaseThrottle()
    raw = RequestFactory().get("/api/v1/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert throttle.get_ident(Request(raw)) == "198.51.100.7"
