"""The denial tests' fingerprint must see a change, or a denial test could never fail."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from kawasaki.models import Municipality, User
from patents.models import Patent
from tests.factories import ApiTokenFactory, MunicipalityFactory, UserFactory
from tests.factories.patents import PatentFactory
from tests.helpers.db_state import OUR_APPS, SKIPPED_TABLES, assert_db_unchanged, db_fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def patent(unscoped):
    return PatentFactory(title="Before")


def test_every_table_of_our_apps_is_watched():
    fingerprint = db_fingerprint()
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not model._meta.proxy and model._meta.managed:
                assert model._meta.db_table in fingerprint, model
    assert {"kawasaki_user_groups", "account_emailaddress", "mfa_authenticator"} <= set(fingerprint)
    assert "django_session" in SKIPPED_TABLES
    assert "django_session" not in fingerprint


def test_nothing_done_passes(patent):
    with assert_db_unchanged():
        Patent.objects.get(pk=patent.pk)


def test_a_new_row_fails(patent):
    n = Municipality.objects.count()
    with (
        pytest.raises(AssertionError, match=f"kawasaki_municipality': 'rows {n} -> {n + 1}'"),
        assert_db_unchanged(),
    ):
        MunicipalityFactory()


def test_a_changed_column_fails(patent):
    with pytest.raises(AssertionError, match=r"patents_patent': 'rows changed'"), assert_db_unchanged():
        Patent.objects.filter(pk=patent.pk).update(title="After")


def test_a_deleted_row_fails(patent):
    with pytest.raises(AssertionError, match=r"patents_patent': 'rows 1 -> 0'"), assert_db_unchanged():
        Patent.objects.filter(pk=patent.pk).delete()


def test_a_change_then_its_undo_passes(patent):
    # The digest is of the rows' values: writing the same values back is no change.
    with assert_db_unchanged():
        Patent.objects.filter(pk=patent.pk).update(title="After")
        Patent.objects.filter(pk=patent.pk).update(title="Before")


def test_many_to_many_rows_are_watched():
    from django.contrib.auth.models import Group

    user = UserFactory()
    group = Group.objects.create(name="g")
    with pytest.raises(AssertionError, match="kawasaki_user_groups"), assert_db_unchanged():
        user.groups.add(group)


def test_what_a_read_may_change_is_left_out(city_a, unscoped):
    user = UserFactory()
    token = ApiTokenFactory(user=user, municipality=city_a)
    with assert_db_unchanged():
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        type(token).objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        SessionStore().create()
