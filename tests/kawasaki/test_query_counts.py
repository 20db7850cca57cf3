"""The core's pages make as many queries at 2N rows as at N rows (no N+1), and stay under a ceiling."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from kawasaki.models import Role
from kawasaki.services import audit_log
from tests.conftest import make_member
from tests.factories import ApiTokenFactory, InvitationFactory
from tests.factories.negotiations import NegotiationFactory, member_of, staff_of
from tests.kawasaki.querycount import assert_flat
from tests.matching.conftest import make_company, make_patent, make_sme

ROWS = 15
_n = itertools.count()
ROLES = [Role.COORDINATOR, Role.COMPANY_STAFF, Role.SME_MEMBER, Role.REPORTING, Role.MUNICIPALITY_ADMIN]


def grow_people(city, admin, n=ROWS):
    """n members in every role, n invitations (open, accepted, withdrawn), n audit entries, n tokens."""
    with scopes_disabled():
        for i in range(n):
            k = next(_n)
            user = make_member(city, ROLES[i % len(ROLES)], email=f"m{k}@example.jp", with_mfa=False)
            invitation = InvitationFactory(municipality=city, invited_by=admin, email=f"i{k}@example.jp")
            if i % 3 == 1:
                invitation.accepted_at, invitation.accepted_by = timezone.now(), user
            elif i % 3 == 2:
                invitation.revoked_at = timezone.now()
            invitation.save()
            audit_log(
                municipality=city,
                actor=user,
                action="test.changed",
                obj=invitation,
                changes={"role": {"old": "coordinator", "new": "reporting"}},
            )
            ApiTokenFactory(
                user=admin, municipality=city, name=f"script {k}", raw_key=f"kw_q_{k:06d}_abcdefghijkl"
            )


def grow_domain(city, n=ROWS):
    """n companies with a published and a draft seed, n SMEs, n negotiations."""
    with scopes_disabled():
        for _i in range(n):
            k = next(_n)
            company = make_company(city, f"大企業{k}")
            make_patent(city, company, f"Seed {k}")
            make_patent(city, company, f"Draft {k}", state="draft")
            make_sme(city, f"中小企業{k}")
            NegotiationFactory(municipality=city)


@pytest.fixture
def people(city_a, admin_a):
    grow_people(city_a, admin_a)
    grow_domain(city_a)
    return admin_a


def url(name, city, **kwargs):
    return reverse(name, kwargs={"municipality": city.slug, **kwargs})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "ceiling"),
    # Before: 11, 11, 12 and 11 (the middleware read the memberships three times and saved the session).
    [("member_list", 5), ("invitation_list", 5), ("audit_list", 6), ("apitoken_list", 5)],
)
def test_admin_list_pages_do_not_grow_with_rows(client_of, city_a, people, name, ceiling):
    count = assert_flat(
        client_of(people), url(name, city_a), lambda: (grow_people(city_a, people), grow_domain(city_a))
    )
    assert count <= ceiling


@pytest.mark.django_db
def test_membership_edit_page_is_a_fixed_number_of_queries(client_of, city_a, people):
    with scopes_disabled():
        membership = people.memberships.get(municipality=city_a)
    count = assert_flat(
        client_of(people),
        url("membership_edit", city_a, pk=membership.pk),
        lambda: grow_people(city_a, people),
    )
    assert count <= 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "ceiling"),
    [
        # Other apps add panels here: room for a few more queries, none per row.
        (Role.MUNICIPALITY_ADMIN, 30),
        (Role.COORDINATOR, 30),
        (Role.COMPANY_STAFF, 17),  # 15, then the deals waiting on the company: documents and tasks
        (Role.SME_MEMBER, 20),
        (Role.REPORTING, 12),
    ],
)
def test_dashboard_of_each_role_does_not_grow_with_rows(client_of, city_a, people, role, ceiling):
    with scopes_disabled():
        if role == Role.COMPANY_STAFF:
            user = staff_of(make_company(city_a, "自社"))
        elif role == Role.SME_MEMBER:
            user = member_of(make_sme(city_a, "自社中小"))
        else:
            user = make_member(city_a, role)
    count = assert_flat(
        client_of(user), url("dashboard", city_a), lambda: (grow_people(city_a, people), grow_domain(city_a))
    )
    assert count <= ceiling
