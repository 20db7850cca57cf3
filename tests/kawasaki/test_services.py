import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from kawasaki.models import AuditEntry, Role
from kawasaki.services import api_token_issue, audit_log, invitation_create, membership_update
from tests.conftest import make_member


@pytest.mark.django_db
def test_membership_update_writes_old_and_new_values(city_a, admin_a):
    user = make_member(city_a, Role.SME_MEMBER)
    membership = user.memberships.get()
    with scope(municipality=city_a):
        membership_update(membership=membership, actor=admin_a, role=Role.COMPANY_STAFF, is_active=True)
        entry = AuditEntry.objects.get(action="membership.updated")
    assert entry.changes == {"role": {"old": "sme_member", "new": "company_staff"}}
    assert entry.actor == admin_a
    assert entry.actor_label == str(admin_a)


@pytest.mark.django_db
def test_last_admin_cannot_be_demoted(city_a, admin_a):
    membership = admin_a.memberships.get()
    with scope(municipality=city_a), pytest.raises(ValidationError):
        membership_update(membership=membership, actor=admin_a, role=Role.COORDINATOR, is_active=True)
    membership.refresh_from_db()
    assert membership.role == Role.MUNICIPALITY_ADMIN


@pytest.mark.django_db
def test_unchanged_membership_writes_no_audit_entry(city_a, admin_a):
    user = make_member(city_a, Role.SME_MEMBER)
    with scope(municipality=city_a):
        membership_update(
            membership=user.memberships.get(), actor=admin_a, role=Role.SME_MEMBER, is_active=True
        )
        assert AuditEntry.objects.filter(action="membership.updated").count() == 0


@pytest.mark.django_db
def test_audit_entry_survives_the_actor_leaving(city_a, coordinator_a):
    with scope(municipality=city_a):
        audit_log(municipality=city_a, actor=coordinator_a, action="test.done", obj=city_a)
        label = str(coordinator_a)
        coordinator_a.delete()
        entry = AuditEntry.objects.get(action="test.done")
    assert entry.actor is None
    assert entry.actor_label == label


@pytest.mark.django_db
def test_reporting_client_gets_read_only_token_even_if_asked_for_write(city_a):
    user = make_member(city_a, Role.REPORTING)
    with scope(municipality=city_a):
        token, key = api_token_issue(user=user, municipality=city_a, name="dash", read_only=False)
    assert token.read_only is True
    assert key.startswith("kw_")
    assert token.key_hash != key
    assert len(key) > 40


@pytest.mark.django_db
def test_token_for_non_member_is_refused(city_a, coordinator_b):
    with scope(municipality=city_a), pytest.raises(ValidationError):
        api_token_issue(user=coordinator_b, municipality=city_a, name="x")


@pytest.mark.django_db
def test_invalid_role_is_refused(city_a, admin_a):
    with scope(municipality=city_a), pytest.raises(ValidationError) as error:
        invitation_create(municipality=city_a, actor=admin_a, email="x@example.jp", role="superuser")
    assert "role" in error.value.message_dict


def test_fiscal_year_boundaries():
    import datetime as dt

    from kawasaki.models import Municipality

    city = Municipality(slug="x", name_ja="x", name_en="x", prefecture="x")
    assert city.fiscal_year_of(dt.date(2026, 3, 31)) == 2025
    assert city.fiscal_year_of(dt.date(2026, 4, 1)) == 2026
    assert city.fiscal_year_bounds(2025) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
