"""What the core's selectors give for each role: a coordinator, an SME member, a company member, a
reporting client and a member of another municipality (exact rows, not counts)."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kawasaki.models import Membership, Role
from kawasaki.selectors import (
    active_memberships,
    api_token_by_key,
    api_tokens_of,
    audit_entries_of,
    forget_roles,
    invitation_by_token,
    invitations_of,
    invitations_open,
    member_counts_by_role,
    members_of,
    membership_for_slug_or_404,
    membership_in,
    memberships_of,
    role_in,
)
from kawasaki.services import audit_log
from tests.conftest import make_member
from tests.factories import ApiTokenFactory, InvitationFactory

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "sme_member", "company_member", "reporting", "other_municipality")


@pytest.fixture
def people(city_a, coordinator_a, coordinator_b):
    return {
        "coordinator": coordinator_a,
        "sme_member": make_member(city_a, Role.SME_MEMBER, email="sme-a@example.jp"),
        "company_member": make_member(city_a, Role.COMPANY_STAFF, email="ip-a@example.com"),
        "reporting": make_member(city_a, Role.REPORTING, email="report-a@example.jp"),
        "other_municipality": coordinator_b,
    }


def test_role_and_membership_of_each_role(city_a, city_b, people):
    roles_in_a = {role: role_in(user=people[role], municipality=city_a) for role in ROLES}
    roles_in_b = {role: role_in(user=people[role], municipality=city_b) for role in ROLES}
    assert roles_in_a == {
        "coordinator": Role.COORDINATOR,
        "sme_member": Role.SME_MEMBER,
        "company_member": Role.COMPANY_STAFF,
        "reporting": Role.REPORTING,
        "other_municipality": None,
    }
    assert roles_in_b == {
        "coordinator": None,
        "sme_member": None,
        "company_member": None,
        "reporting": None,
        "other_municipality": Role.COORDINATOR,
    }
    assert membership_in(user=people["other_municipality"], municipality=city_a) is None
    assert membership_for_slug_or_404(user=people["reporting"], slug="city-a").role == Role.REPORTING
    with pytest.raises(Http404):
        membership_for_slug_or_404(user=people["other_municipality"], slug="city-a")
    with pytest.raises(Http404):
        membership_for_slug_or_404(user=people["coordinator"], slug="no-such-city")


def test_memberships_of_lists_active_ones_by_slug_and_the_cache_is_forgotten_on_request(
    city_a, city_b, coordinator_a
):
    Membership.objects.create(user=coordinator_a, municipality=city_b, role=Role.REPORTING)
    assert [(m.municipality.slug, m.role) for m in memberships_of(user=coordinator_a)] == [
        ("city-a", Role.COORDINATOR),
        ("city-b", Role.REPORTING),
    ]
    assert [m.municipality.slug for m in active_memberships(user=coordinator_a)] == ["city-a", "city-b"]
    Membership.objects.filter(user=coordinator_a, municipality=city_b).update(is_active=False)
    # Cached for the request: the change shows only once the cache is dropped.
    assert [m.municipality.slug for m in active_memberships(user=coordinator_a)] == ["city-a", "city-b"]
    forget_roles(coordinator_a)
    assert [m.municipality.slug for m in active_memberships(user=coordinator_a)] == ["city-a"]
    assert role_in(user=coordinator_a, municipality=city_b) is None


def test_members_of_and_counts_per_role(city_a, people, admin_a):
    left = make_member(city_a, Role.SME_MEMBER, email="left-a@example.jp")
    Membership.objects.filter(user=left).update(is_active=False)
    with scope(municipality=city_a):
        assert [(m.role, m.user.email) for m in members_of(municipality=city_a)] == [
            (Role.COMPANY_STAFF, "ip-a@example.com"),
            (Role.COORDINATOR, "coord-a@example.jp"),
            (Role.MUNICIPALITY_ADMIN, "admin-a@example.jp"),
            (Role.REPORTING, "report-a@example.jp"),
            (Role.SME_MEMBER, "left-a@example.jp"),
            (Role.SME_MEMBER, "sme-a@example.jp"),
        ]
        assert member_counts_by_role(municipality=city_a) == {
            Role.MUNICIPALITY_ADMIN: 1,
            Role.COORDINATOR: 1,
            Role.COMPANY_STAFF: 1,
            Role.SME_MEMBER: 1,
            Role.REPORTING: 1,
        }


def test_invitations_open_of_and_by_token(city_a, city_b, coordinator_a):
    now = timezone.now()
    with scopes_disabled():
        open_one = InvitationFactory(municipality=city_a, email="new@example.jp", invited_by=coordinator_a)
        expired = InvitationFactory(
            municipality=city_a, email="late@example.jp", expires_at=now - dt.timedelta(hours=1)
        )
        accepted = InvitationFactory(municipality=city_a, email="done@example.jp", accepted_at=now)
        revoked = InvitationFactory(municipality=city_a, email="gone@example.jp", revoked_at=now)
        other_city = InvitationFactory(municipality=city_b, email="b@example.jp")
    with scope(municipality=city_a):
        assert [i.email for i in invitations_open(municipality=city_a)] == ["new@example.jp"]
        assert sorted(i.email for i in invitations_of(municipality=city_a)) == [
            "done@example.jp",
            "gone@example.jp",
            "late@example.jp",
            "new@example.jp",
        ]
    # The token is the capability: found across tenants, whatever its state (the service judges it).
    assert invitation_by_token(token=open_one.raw_token) == open_one
    assert invitation_by_token(token=other_city.raw_token) == other_city
    assert invitation_by_token(token=expired.raw_token) == expired
    assert invitation_by_token(token=accepted.raw_token) == accepted
    assert invitation_by_token(token=revoked.raw_token) == revoked
    assert invitation_by_token(token="not-a-token") is None


def test_audit_entries_of_a_municipality(city_a, city_b, coordinator_a, coordinator_b):
    with scopes_disabled():
        audit_log(municipality=city_a, actor=coordinator_a, action="sme.created")
        audit_log(municipality=city_a, actor=None, action="patent.updated")
        audit_log(municipality=city_b, actor=coordinator_b, action="sme.created")
    with scope(municipality=city_a):
        assert [(e.action, e.actor_label) for e in audit_entries_of(municipality=city_a)] == [
            ("patent.updated", "system"),
            ("sme.created", str(coordinator_a)),
        ]


def test_api_tokens_of_each_user_and_by_key(city_a, city_b, people):
    with scopes_disabled():
        mine = ApiTokenFactory(user=people["reporting"], municipality=city_a, name="reports")
        revoked = ApiTokenFactory(
            user=people["reporting"], municipality=city_a, name="old", revoked_at=timezone.now()
        )
        ApiTokenFactory(user=people["coordinator"], municipality=city_a, name="coordinator's")
        elsewhere = ApiTokenFactory(user=people["other_municipality"], municipality=city_b, name="b")
    with scope(municipality=city_a):
        seen = {
            role: sorted(t.name for t in api_tokens_of(user=people[role], municipality=city_a))
            for role in ROLES
        }
    assert seen == {
        "coordinator": ["coordinator's"],
        "sme_member": [],
        "company_member": [],
        "reporting": ["old", "reports"],
        "other_municipality": [],
    }
    assert api_token_by_key(key=mine.raw_key) == mine
    assert api_token_by_key(key=elsewhere.raw_key) == elsewhere
    assert api_token_by_key(key=revoked.raw_key) is None
    people["reporting"].is_active = False
    people["reporting"].save(update_fields=["is_active"])
    assert api_token_by_key(key=mine.raw_key) is None
