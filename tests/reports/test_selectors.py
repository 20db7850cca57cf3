"""The reports' selectors (the KPIs, the records the PDFs list) on a known data set with exact expected
numbers, fiscal-year boundaries included."""

import pytest
from django.utils import timezone
from django_scopes import scope

from reports import selectors
from tests.reports.conftest import at


@pytest.mark.django_db
def test_licences_and_products_per_fiscal_year(city_a, data):
    with scope(municipality=city_a):
        assert selectors.licences_by_year(municipality=city_a).rows() == [
            {"fiscal_year": 2024, "count": 1, "cumulative": 1},
            {"fiscal_year": 2025, "count": 1, "cumulative": 2},
        ]
        assert selectors.products_by_year(municipality=city_a).rows(last=2026) == [
            {"fiscal_year": 2024, "count": 1, "cumulative": 1},
            {"fiscal_year": 2025, "count": 1, "cumulative": 2},
            {"fiscal_year": 2026, "count": 0, "cumulative": 2},
        ]


@pytest.mark.django_db
def test_funnel_reached_conversion_and_median_days(city_a, data):
    with scope(municipality=city_a):
        rows = {r["state"]: r for r in selectors.funnel(municipality=city_a)}
    assert [rows[s]["reached"] for s in selectors.PIPELINE] == [3, 2, 2, 2, 2, 2, 2, 1, 1]
    assert rows["interest"]["conversion_to_next"] == round(2 / 3, 4)
    assert rows["prototype"]["conversion_to_next"] == 1.0
    assert rows["launched"]["conversion_to_next"] is None
    assert rows["interest"]["median_days"] == 30.0  # 10, 30 and 30 days
    assert rows["introduced"]["median_days"] == 24.5  # 20 and 29 days
    assert rows["evaluation"]["median_days"] is None


@pytest.mark.django_db
def test_year_summary(city_a, data):
    with scope(municipality=city_a):
        fy2025 = selectors.year_summary(municipality=city_a, fiscal_year=2025)
        fy2024 = selectors.year_summary(municipality=city_a, fiscal_year=2024)
    assert fy2025["licences"] == 1
    assert fy2025["products"] == 1
    assert fy2025["visits"] == 2  # 1 April 2025 and 31 March 2026
    assert fy2024["visits"] == 1
    assert fy2025["meetings_held"] == {"symposium": 0, "closed": 0, "one_on_one": 1}
    assert fy2025["seeds_published"] == 2
    assert fy2025["active_companies"] == 1
    assert fy2025["active_smes"] == 3  # SME 0 (visits), SME 1 (application), SME 2 (negotiation opened)
    assert fy2024["active_smes"] == 2  # SME 0 (visit), SME 1 (application of 31 March 2025)
    assert (fy2024["subsidies_applied"], fy2024["subsidies_applied_yen"]) == (1, 2_000_000)
    assert (fy2025["subsidies_applied"], fy2025["subsidies_applied_yen"]) == (1, 4_500_000)
    assert (fy2025["subsidies_granted"], fy2025["subsidies_granted_yen"]) == (1, 3_000_000)
    assert fy2024["subsidies_granted"] == 0


@pytest.mark.django_db
def test_per_company(city_a, data):
    with scope(municipality=city_a):
        rows = selectors.per_company(municipality=city_a)
    assert [
        (
            r["company"],
            r["seeds_published"],
            r["interest_received"],
            r["meetings"],
            r["licences"],
            r["products"],
        )
        for r in rows
    ] == [("乙社", 0, 1, 0, 0, 0), ("甲社", 2, 2, 1, 2, 2)]


def test_fiscal_year_rows_fill_gaps():
    series = selectors.YearSeries({2020: 2, 2023: 1})
    assert [r["cumulative"] for r in series.rows()] == [2, 2, 2, 3]
    assert timezone.is_aware(at(2025, 1, 1))


@pytest.mark.django_db
def test_products_launched_in_a_fiscal_year(city_a, data):
    with scope(municipality=city_a):
        fy2025 = [p.name for p in selectors.products_launched_in(municipality=city_a, fiscal_year=2025)]
        fy2024 = [p.name for p in selectors.products_launched_in(municipality=city_a, fiscal_year=2024)]
        fy2026 = list(selectors.products_launched_in(municipality=city_a, fiscal_year=2026))
    assert (fy2025, fy2024, fy2026) == (["P1"], ["P0"], [])  # 1 April 2025 / 31 March 2025


@pytest.mark.django_db
def test_companies_and_their_negotiations_and_products(city_a, city_b, data):
    company, other = data["company"], data["other"]
    with scope(municipality=city_a):
        companies = [c.name_ja for c in selectors.companies_reported(municipality=city_a)]
        deals = [
            n.sme.name_ja for n in selectors.negotiations_of_company(municipality=city_a, company=company)
        ]
        other_deals = [
            n.sme.name_ja for n in selectors.negotiations_of_company(municipality=city_a, company=other)
        ]
        products = sorted(p.name for p in selectors.products_of_company(municipality=city_a, company=company))
        other_products = list(selectors.products_of_company(municipality=city_a, company=other))
    assert companies == ["乙社", "甲社"]  # B's 丙社 is not A's
    assert deals == ["SME 1", "SME 0"]  # newest first
    assert other_deals == ["SME 2"]
    assert (products, other_products) == (["P0", "P1"], [])
    with scope(municipality=city_b):
        assert list(selectors.negotiations_of_company(municipality=city_b, company=company)) == []
