"""Fixtures shared by the whole suite: tenants, members by role, signed-in clients, API clients."""

from __future__ import annotations

import os
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from kawasaki.models import Role
from tests.browser.conftest import browser, page  # noqa: F401 - the browser fixtures, for every app's tests
from tests.factories import ApiTokenFactory, MembershipFactory, MunicipalityFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a thread
# with a running loop unless told this is intended (live_server tests only touch the DB through it).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

STAFF_ROLES = (Role.MUNICIPALITY_ADMIN, Role.COORDINATOR)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unscoped():
    """Fixtures build data across tenants; tests assert through the scoped code paths."""
    with scopes_disabled():
        yield


@pytest.fixture
def city_a(db):
    return MunicipalityFactory(slug="city-a", name_ja="A市", name_en="City A")


@pytest.fixture
def city_b(db):
    return MunicipalityFactory(slug="city-b", name_ja="B市", name_en="City B")


def enrol_totp(user) -> str:
    """Give a user a TOTP authenticator, as enrolment would; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_now(secret: str) -> str:
    """The code an authenticator app shows now for ``secret``."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def mark_session_mfa_passed(client, user) -> None:
    """Record in the client's session that it signed in with password and TOTP, as allauth's login does.

    force_login skips allauth's flow; without these records MfaRequiredMiddleware would (rightly) ask
    a coordinator's session for its second factor. Users without an authenticator get nothing.
    """
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def make_member(municipality, role, *, email=None, with_mfa=True, **user_kwargs):
    """A user with one membership; staff roles get TOTP so that MFA enforcement lets them in."""
    user = UserFactory(**({"email": email} if email else {}), **user_kwargs)
    MembershipFactory(user=user, municipality=municipality, role=role)
    if with_mfa and role in STAFF_ROLES:
        enrol_totp(user)
    return user


@pytest.fixture
def member_factory(db):
    return make_member


@pytest.fixture
def coordinator_a(city_a):
    return make_member(city_a, Role.COORDINATOR, email="coord-a@example.jp")


@pytest.fixture
def admin_a(city_a):
    return make_member(city_a, Role.MUNICIPALITY_ADMIN, email="admin-a@example.jp")


@pytest.fixture
def coordinator_b(city_b):
    return make_member(city_b, Role.COORDINATOR, email="coord-b@example.jp")


@pytest.fixture
def admin_b(city_b):
    return make_member(city_b, Role.MUNICIPALITY_ADMIN, email="admin-b@example.jp")


@pytest.fixture
def client_of(client):
    """client_of(user) -> the test client signed in as that user (a fresh client each call)."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        mark_session_mfa_passed(c, user)
        return c

    return make


@pytest.fixture
def api_client_of():
    """api_client_of(user, municipality, read_only=True) -> an APIClient sending a real token."""

    def make(user, municipality, *, read_only=True):
        with scopes_disabled():
            token = ApiTokenFactory(user=user, municipality=municipality, read_only=read_only)
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Token {token.raw_key}")
        c.token = token
        return c

    return make


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker in its own process, on the real broker, using the test database.

    bin/test starts Redis and PostgreSQL and exports their URLs; without them this fixture fails
    rather than pretending. The worker keeps its files in a folder of this session
    (``celery_worker_process.media_root``): a test that hands it files sets ``settings.MEDIA_ROOT`` to it.
    """
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    from kawasaki.celery import app

    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://") or connection.vendor != "postgresql":
        pytest.fail("The worker tests need PostgreSQL and Redis: run them through bin/test.")
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    media_root = tmp_path_factory.mktemp("worker-media")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kawasaki.settings.test",
        "DATABASE_URL": database_url,
        "KAWASAKI_MEDIA_ROOT": str(media_root),
    }
    root = Path(__file__).resolve().parents[1]
    log = open(root / "var" / "test-worker.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kawasaki",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--hostname",
            f"test-{os.getpid()}@%h",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the Celery worker exited with {proc.returncode}; see var/test-worker.log")
        if app.control.ping(timeout=1.0):
            break
    else:
        proc.terminate()
        pytest.fail("the Celery worker did not answer within 60 s; see var/test-worker.log")
    proc.media_root = media_root
    yield proc
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def pytest_sessionfinish(session, exitstatus):
    from tests.browser.conftest import close_shared_browser

    close_shared_browser()


@pytest.fixture
def seeded(db, monkeypatch):
    """The demo, seeded as `manage.py seed_demo` does; answers the municipalities by slug."""
    from django.apps import apps
    from django.utils.module_loading import autodiscover_modules
    from django_scopes import scopes_disabled

    from kawasaki import demo
    from kawasaki.models import Municipality

    autodiscover_modules("demo")
    # In app order, as `manage.py seed_demo` runs them: another test module importing one app's demo
    # at collection would put its step ahead of the apps it builds on.
    order = [config.name for config in apps.get_app_configs()]
    steps = sorted(demo.DEMO_STEPS, key=lambda step: order.index(step.__module__.split(".")[0]))
    monkeypatch.setattr(demo, "DEMO_STEPS", steps)
    demo.seed_demo()
    with scopes_disabled():
        yield {m.slug: m for m in Municipality.objects.all()}
