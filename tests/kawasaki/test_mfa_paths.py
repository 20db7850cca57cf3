"""MFA everywhere a session is made: no login path opens a tenant page or the admin without the second factor."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from kawasaki.models import Role
from tests.conftest import enrol_totp, make_member, totp_now
from tests.factories.core import PASSWORD


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _people(city):
    """An MFA-bound person of each kind, each with TOTP enrolled: (user, secret)."""
    coordinator = make_member(
        city, Role.COORDINATOR, email="coord-mfa@example.jp", with_mfa=False, is_staff=True
    )
    admin = make_member(city, Role.MUNICIPALITY_ADMIN, email="admin-mfa@example.jp", with_mfa=False)
    superuser = make_member(
        city, Role.SME_MEMBER, email="super-mfa@example.jp", with_mfa=False, is_staff=True, is_superuser=True
    )
    return [(user, enrol_totp(user)) for user in (coordinator, admin, superuser)]


def _protected_pages(user):
    pages = [reverse("dashboard", kwargs={"municipality": "city-a"})]
    if user.is_staff:
        pages.append(reverse("admin:index"))
    if user.is_superuser:
        pages.append(reverse("admin:kawasaki_user_changelist"))
    return pages


def _assert_blocked(client, user):
    for url in _protected_pages(user):
        response = client.get(url)
        assert response.status_code == 302, url
        # To the second factor, allauth's login, or the admin's login (itself a redirect to allauth's).
        entry_points = (reverse("mfa_reauthenticate"), reverse("account_login"), reverse("admin:login"))
        assert response["Location"].startswith(entry_points), url


def _assert_open(client, user):
    for url in _protected_pages(user):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_allauth_login_needs_the_code_before_any_protected_page(city_a):
    for user, secret in _people(city_a):
        client = Client()
        first = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        assert first["Location"] == reverse("mfa_authenticate")
        assert SESSION_KEY not in client.session
        _assert_blocked(client, user)
        assert client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)}).status_code == 302
        _assert_open(client, user)


@pytest.mark.django_db
def test_admin_login_form_is_replaced_by_allauth_login(city_a):
    for user, _secret in _people(city_a):
        client = Client()
        page = client.get(reverse("admin:login") + "?next=/admin/kawasaki/user/")
        assert page.status_code == 302
        assert page["Location"] == reverse("account_login") + "?next=%2Fadmin%2Fkawasaki%2Fuser%2F"
        # The admin's own form with the password alone signs nobody in.
        posted = client.post(reverse("admin:login"), {"username": user.email, "password": PASSWORD})
        assert posted.status_code == 302
        assert SESSION_KEY not in client.session
        _assert_blocked(client, user)


@pytest.mark.django_db
def test_admin_login_redirect_refuses_another_host(city_a):
    response = Client().get(reverse("admin:login") + "?next=https://evil.example/")
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


@pytest.mark.django_db
def test_a_session_made_with_the_password_alone_must_present_the_code(city_a):
    """Any other path that calls django.contrib.auth.login (no allauth records) is caught by the middleware."""
    for user, secret in _people(city_a):
        client = Client()
        client.force_login(user)
        _assert_blocked(client, user)
        dashboard = reverse("dashboard", kwargs={"municipality": "city-a"})
        response = client.get(dashboard)
        assert response["Location"] == reverse("mfa_reauthenticate") + "?next=" + dashboard
        assert client.post(response["Location"], {"code": "000000" if totp_now(secret) != "000000" else "1"})
        _assert_blocked(client, user)
        done = client.post(response["Location"], {"code": totp_now(secret)})
        assert done.status_code == 302
        assert done["Location"] == dashboard
        _assert_open(client, user)
        from django.core.cache import cache

        cache.clear()  # each person's code may be the same step: used codes are remembered in the cache


@pytest.mark.django_db
def test_api_paths_are_not_session_based(city_a):
    """The API does not accept a session at all, so a password-only session cannot reach it either."""
    user, _secret = _people(city_a)[0]
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/patents/").status_code in (401, 403)
