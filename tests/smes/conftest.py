"""Fixtures of the smes tests: an SME with a linked member, coordinators, a plan."""

import pytest
from django_scopes import scopes_disabled

from kawasaki.models import Membership, Role
from tests.conftest import make_member
from tests.factories.smes import SMEFactory


def link_sme_member(municipality, sme, **kwargs):
    """An SME member of `municipality` acting for `sme`."""
    user = make_member(municipality, Role.SME_MEMBER, **kwargs)
    with scopes_disabled():
        Membership.objects.filter(user=user, municipality=municipality).update(sme=sme)
    return user


@pytest.fixture
def sme_a(city_a):
    with scopes_disabled():
        return SMEFactory(municipality=city_a, name_ja="川崎精工株式会社", name_en="Kawasaki Seiko")


@pytest.fixture
def other_sme_a(city_a):
    with scopes_disabled():
        return SMEFactory(municipality=city_a, name_ja="多摩電子株式会社", name_en="Tama Denshi")


@pytest.fixture
def sme_member_a(city_a, sme_a):
    return link_sme_member(city_a, sme_a, email="owner-a@example.jp")


# The browser tests of this app use the suite's headless Chromium fixtures.
from tests.browser.conftest import browser, page  # noqa: E402, F401
