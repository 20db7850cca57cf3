"""B never sees A's SME data: the marker goes into every text field of the smes app in A, then every
smes page and API list of B is read as each role."""

import subprocess

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from kawasaki.models import Role
from tests.conftest import make_member
from tests.kawasaki.test_tenancy import ROLE_MATRIX, tenant_routes, url_for
from tests.smes.url_probe import MARKER_SEEDERS

MARKER = "ZZSMEMARK-9d1e"
SMES_ROUTES = [r for r in tenant_routes() if r.module.startswith("smes.")]
SMES_API = ["api_sme_list", "api_business_plan_list"]

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The text a reader sees: PDFs through pdftotext (their streams are compressed)."""
    if response.get("Content-Type") == "application/pdf":
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return subprocess.run(
            ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
    return response.content.decode()


def test_the_probe_covers_the_smes_app():
    assert len(SMES_ROUTES) == 36


def test_b_never_sees_a_smes_data(client_of, api_client_of, city_a, city_b):
    with scopes_disabled():
        for seeder in MARKER_SEEDERS:
            seeder(city_a, MARKER)
    for role in sorted(Role.values):
        user = make_member(city_b, role)
        client = client_of(user)
        for route in SMES_ROUTES:
            if role not in ROLE_MATRIX[route.name]:
                continue
            response = client.get(url_for(route, city_b, user))
            assert response.status_code in (200, 302, 405), (role, route.name)
            assert MARKER.lower() not in text_of(response).lower(), (role, route.name)
        api = api_client_of(user, city_b)
        for name in SMES_API:
            assert MARKER.lower() not in api.get(reverse(name)).content.decode().lower(), (role, name)


def test_sme_list_page_has_no_n_plus_one(client_of, city_a, coordinator_a, django_assert_max_num_queries):
    from tests.factories.smes import SMEFactory, VisitFactory

    with scopes_disabled():
        for _ in range(20):
            VisitFactory(sme=SMEFactory(municipality=city_a))
    client = client_of(coordinator_a)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("sme_list", kwargs={"municipality": city_a.slug}))
    assert len(response.context["smes"]) == 20
