import datetime as dt

import pytest
from django_scopes import scope, scopes_disabled

from kawasaki.models import Role
from patents.selectors import (
    PatentFilters,
    companies_visible_to,
    filter_patents,
    patents_visible_to,
    published_seeds,
)
from tests.conftest import make_member
from tests.factories.patents import LargeCompanyFactory, PatentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(company_a, other_company_a, city_b):
    with scopes_disabled():
        return {
            "a_draft": PatentFactory(company=company_a, number="A1"),
            "a_published": PatentFactory(company=company_a, number="A2", publication_state="published"),
            "a_withdrawn": PatentFactory(company=company_a, number="A3", publication_state="withdrawn"),
            "other_published": PatentFactory(
                company=other_company_a, number="O1", publication_state="published"
            ),
            "b_published": PatentFactory(
                company=LargeCompanyFactory(municipality=city_b), number="B1", publication_state="published"
            ),
        }


def numbers(queryset):
    return sorted(p.number for p in queryset)


def test_visibility_per_role(city_a, portfolio, staff_a, sme_a, coordinator_a):
    reporting = make_member(city_a, Role.REPORTING)
    unlinked_staff = make_member(city_a, Role.COMPANY_STAFF)
    with scope(municipality=city_a):
        assert numbers(patents_visible_to(user=coordinator_a, municipality=city_a)) == [
            "A1",
            "A2",
            "A3",
            "O1",
        ]
        assert numbers(patents_visible_to(user=staff_a, municipality=city_a)) == ["A1", "A2", "A3"]
        assert numbers(patents_visible_to(user=sme_a, municipality=city_a)) == ["A2", "O1"]
        assert numbers(patents_visible_to(user=reporting, municipality=city_a)) == []
        assert numbers(patents_visible_to(user=unlinked_staff, municipality=city_a)) == []
        assert numbers(published_seeds(municipality=city_a)) == ["A2", "O1"]


def test_member_of_another_municipality_sees_nothing(city_a, portfolio, coordinator_b):
    with scope(municipality=city_a):
        assert numbers(patents_visible_to(user=coordinator_b, municipality=city_a)) == []
        assert list(companies_visible_to(user=coordinator_b, municipality=city_a)) == []


def test_companies_visible_to_staff_is_their_own(
    city_a, company_a, other_company_a, staff_a, coordinator_a, sme_a
):
    with scope(municipality=city_a):
        assert list(companies_visible_to(user=staff_a, municipality=city_a)) == [company_a]
        assert len(companies_visible_to(user=coordinator_a, municipality=city_a)) == 2
        assert list(companies_visible_to(user=sme_a, municipality=city_a)) == []


def test_filters(city_a, company_a, coordinator_a):
    today = dt.date(2026, 1, 15)
    with scopes_disabled():
        PatentFactory(company=company_a, number="P1", title="Gear bearing", ipc_codes="F16H1/28 G01N25/00")
        PatentFactory(
            company=company_a, number="P2", title="Sensor", abstract="", expiry_date=dt.date(2026, 6, 1)
        )
        PatentFactory(
            company=company_a, number="P3", title="Old", expiry_date=dt.date(2025, 1, 1), fit_clear_use="yes"
        )
    with scope(municipality=city_a):
        base = patents_visible_to(user=coordinator_a, municipality=city_a)

        def run(**kwargs):
            return numbers(filter_patents(base, PatentFilters(**kwargs), today=today))

        assert run(q="gear") == ["P1"]
        assert run(ipc="g01n") == ["P1"]
        assert run(ipc="F16H") == ["P1"]
        assert run(expiry="expired") == ["P3"]
        assert run(expiry="expiring") == ["P2"]
        assert run(expiry="valid") == ["P1"]
        assert run(needs_completion=True) == ["P2"]
        assert run(fit_yes=("fit_clear_use",)) == ["P3"]
        assert run(company=company_a.pk) == ["P1", "P2", "P3"]


def test_expiry_flag_uses_the_warning_window(settings, company_a):
    settings.KAWASAKI_EXPIRY_WARNING_MONTHS = 6
    with scopes_disabled():
        patent = PatentFactory(company=company_a, expiry_date=dt.date(2026, 8, 1))
    assert patent.expiry_flag(dt.date(2026, 1, 31)) == ""
    assert patent.expiry_flag(dt.date(2026, 2, 1)) == "expiring"
    assert patent.expiry_flag(dt.date(2026, 8, 2)) == "expired"
