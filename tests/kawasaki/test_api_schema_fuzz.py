"""Schemathesis over the whole OpenAPI schema, as a coordinator of municipality A with a write token.

Every documented operation is called with generated input against real data in A and in B (B's
rows carry a unique marker from every app's MARKER_SEEDERS). Zero server errors are allowed, and no
response may contain B's marker. New endpoints are covered as soon as they are in the schema.
"""

import pytest
import schemathesis
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, settings

from kawasaki.models import Role
from tests.conftest import make_member
from tests.factories import ApiTokenFactory
from tests.kawasaki.test_tenancy import MARKER_SEEDERS

MARKER_B = "ZZMARKER-B-91d2"


@pytest.fixture
def tenants(transactional_db, city_a, city_b):
    """A coordinator of A with a read-write token; B seeded with the marker in every app's data."""
    user = make_member(city_a, Role.COORDINATOR)
    with scopes_disabled():
        token = ApiTokenFactory(municipality=city_a, user=user, read_only=False)
        for seed in MARKER_SEEDERS:
            seed(city_a, "harmless-a-data")
            seed(city_b, MARKER_B)
    return {"Authorization": f"Token {token.raw_key}"}


def _openapi_document() -> dict:
    """The schema exactly as /api/schema/ serves it, generated in process (no request, no rows read)."""
    from kawasaki.api.schema import UnscopedSchemaGenerator

    return UnscopedSchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_openapi_document())


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_has_no_server_errors_and_no_other_tenant_data(case, tenants, live_server):
    response = case.call(base_url=live_server.url, headers=tenants)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:500]}"
    )
    assert MARKER_B.lower() not in response.text.lower(), (
        f"{case.method} {case.formatted_path} leaked B's data"
    )
