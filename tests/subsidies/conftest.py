"""Fixtures of the subsidies tests: SMEs with linked members, a programme with an open window."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from tests.factories.smes import SMEFactory
from tests.factories.subsidies import ProgrammeFactory, ProgrammeWindowFactory
from tests.smes.conftest import link_sme_member

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def sme_a(city_a):
    with scopes_disabled():
        return SMEFactory(
            municipality=city_a,
            name_ja="川崎精工株式会社",
            name_en="Kawasaki Seiko",
            address="神奈川県A市中原区1-1",
            industry="E",
            employees=40,
            capital_jpy=20_000_000,
            founded_year=1990,
        )


@pytest.fixture
def other_sme_a(city_a):
    with scopes_disabled():
        return SMEFactory(municipality=city_a, name_ja="多摩電子株式会社", name_en="Tama Denshi")


@pytest.fixture
def sme_member_a(city_a, sme_a):
    return link_sme_member(city_a, sme_a, email="owner-a@example.jp")


@pytest.fixture
def other_member_a(city_a, other_sme_a):
    return link_sme_member(city_a, other_sme_a, email="owner-other@example.jp")


@pytest.fixture
def programme_a(city_a):
    with scopes_disabled():
        return ProgrammeFactory(municipality=city_a, name="共同研究開発補助金", max_amount_jpy=5_000_000)


@pytest.fixture
def open_window_a(programme_a):
    """A window open around the real today, so that submitting today is inside it."""
    from django.utils import timezone

    today = timezone.localdate()
    with scopes_disabled():
        return ProgrammeWindowFactory(
            programme=programme_a,
            label="後期",
            opens_on=today - dt.timedelta(days=10),
            closes_on=today + dt.timedelta(days=10),
        )
