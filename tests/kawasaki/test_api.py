import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from kawasaki.models import Role
from tests.conftest import make_member
from tests.helpers.db_state import assert_db_unchanged


@pytest.mark.django_db
def test_whoami_with_token(api_client_of, city_a):
    user = make_member(city_a, Role.REPORTING, email="report@example.jp")
    make_member(city_a, Role.SME_MEMBER)
    response = api_client_of(user, city_a).get(reverse("api_whoami"))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "report@example.jp"
    assert body["role"] == "reporting"
    assert body["read_only"] is True
    assert body["municipality"]["slug"] == "city-a"
    assert body["members_by_role"] == {
        "municipality_admin": 0,
        "coordinator": 0,
        "company_staff": 0,
        "sme_member": 1,
        "reporting": 1,
    }


@pytest.mark.django_db
def test_token_sees_only_its_municipality(api_client_of, city_a, city_b):
    user = make_member(city_a, Role.COORDINATOR)
    make_member(city_b, Role.SME_MEMBER)
    body = api_client_of(user, city_a).get(reverse("api_whoami")).json()
    assert body["municipality"]["slug"] == "city-a"
    assert body["members_by_role"]["sme_member"] == 0


@pytest.mark.django_db
def test_bad_token_gets_401_in_the_api_error_format():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token kw_not-a-real-key")
    response = client.get(reverse("api_whoami"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "authentication_failed", "message": "Invalid or revoked token.", "fields": {}}
    }


@pytest.mark.django_db
def test_revoked_token_and_ended_membership_stop_working(api_client_of, city_a):
    user = make_member(city_a, Role.COMPANY_STAFF)
    client = api_client_of(user, city_a)
    assert client.get(reverse("api_whoami")).status_code == 200
    user.memberships.update(is_active=False)
    assert client.get(reverse("api_whoami")).status_code == 401
    user.memberships.update(is_active=True)
    from django.utils import timezone

    with scopes_disabled():
        client.token.revoked_at = timezone.now()
        client.token.save()
    assert client.get(reverse("api_whoami")).status_code == 401


@pytest.mark.django_db
def test_read_only_token_cannot_write(api_client_of, city_a):
    user = make_member(city_a, Role.COORDINATOR)
    client = api_client_of(user, city_a, read_only=True)
    with assert_db_unchanged():
        response = client.post(reverse("api_whoami"), {})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    schema = client.get(reverse("api_schema"), HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/whoami/" in paths
    docs = client.get(reverse("api_docs"))
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


@pytest.mark.django_db
def test_issue_api_token_command(city_a, capsys):
    from django.core.management import call_command

    user = make_member(city_a, Role.REPORTING, email="script@example.jp")
    call_command(
        "issue_api_token", "--email", "script@example.jp", "--municipality", "city-a", "--read-write"
    )
    key = capsys.readouterr().out.strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = client.get(reverse("api_whoami")).json()
    assert body["email"] == user.email
    assert body["read_only"] is True  # reporting clients never get write access
