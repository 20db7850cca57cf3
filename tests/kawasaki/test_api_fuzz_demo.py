"""Schemathesis over the whole schema with the full demo data loaded (seed_demo), as Kawasaki's coordinator.

test_api_schema_fuzz.py fuzzes against small marker rows; this module loads what a city really
has (companies, portfolios, SMEs, plans, screening runs, meetings, deals, subsidies) so that generated
ids and filters hit real, related rows. The second demo municipality (Sagamihara) gets every app's
marker rows on top of its own demo data: no response to Kawasaki's token may contain the marker, and
no call may end in a server error.

The demo data is loaded once for the module and committed (calls go through the WSGI app in this
thread, each test inside a transaction that is rolled back); the database is flushed afterwards.
"""

import io

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, settings

from kawasaki.models import Municipality, User
from tests.factories import ApiTokenFactory
from tests.kawasaki.test_api_schema_fuzz import _openapi_document
from tests.kawasaki.test_tenancy import MARKER_SEEDERS

MARKER = "ZZDEMO-SAGAMIHARA-5e1c"
COORDINATOR = "coordinator@kawasaki.example.jp"


@pytest.fixture(scope="module")
def demo_token(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic(), scopes_disabled():
            call_command("seed_demo", verbosity=0, stdout=io.StringIO())
            kawasaki = Municipality.objects.get(slug="kawasaki")
            sagamihara = Municipality.objects.get(slug="sagamihara")
            for seed in MARKER_SEEDERS:
                seed(sagamihara, MARKER)
            token = ApiTokenFactory(
                municipality=kawasaki, user=User.objects.get(email=COORDINATOR), read_only=False
            )
            # The demo's services queue Celery work on commit; none of it is wanted here (no worker
            # would run it before the flush below), so the callbacks are dropped with the commit.
            transaction.get_connection().run_on_commit = []
        yield {"Authorization": f"Token {token.raw_key}"}
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def wsgi_app():
    # As Django's test client does: a request must not close the test's connection (and with it the
    # transaction the test runs in) when it finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_dict(_openapi_document())


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """Each operation starts with the token's full rate limit (600 calls a minute), or the later
    operations would only ever see 429."""
    cache.clear()


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_on_demo_data_has_no_server_errors_and_no_other_tenant_data(case, demo_token, wsgi_app):
    response = case.call(app=wsgi_app, headers=demo_token)
    assert response.status_code != 429, "rate-limited: this operation was not really exercised"
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:500]}"
    )
    assert MARKER.lower() not in response.text.lower(), f"{case.method} {case.formatted_path} leaked"


@pytest.mark.django_db
def test_demo_data_is_loaded_and_visible_to_the_token(demo_token, client):
    """The fuzzing above means something only if the token really sees the demo's rows."""
    seen = {}
    for url in ("/api/v1/patents/", "/api/v1/smes/", "/api/v1/screening-runs/", "/api/v1/negotiations/"):
        response = client.get(url, HTTP_AUTHORIZATION=demo_token["Authorization"])
        assert response.status_code == 200, (url, response.content[:300])
        seen[url] = response.json()["count"]
    assert all(count > 0 for count in seen.values()), seen
