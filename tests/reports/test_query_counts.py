"""Reports: the KPI page, downloads, PDFs and KPI API make as many queries at 2N records as at N."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from matching.models import Meeting
from negotiations.models import Product
from smes.models import SeedInterest, Visit
from tests.kawasaki.querycount import assert_flat
from tests.matching.conftest import make_company, make_patent, make_sme
from tests.reports.conftest import licence, move, negotiation

ROWS = 10
_n = itertools.count()


def grow(city, n=ROWS):
    """n companies, each with two seeds, an SME with a visit, interest, a held meeting, a licensed
    negotiation with its state changes and a launched product, spread over this and last fiscal year."""
    today = timezone.localdate()
    with scopes_disabled():
        for i in range(n):
            k = next(_n)
            day = today - dt.timedelta(days=40 * i)
            when = timezone.now() - dt.timedelta(days=40 * i + 30)
            company = make_company(city, f"大企業{k}")
            seed = make_patent(city, company, f"Seed {k}", "text")
            make_patent(city, company, f"Draft {k}", "text", state="draft")
            sme = make_sme(city, f"中小企業{k}")
            Visit.objects.create(municipality=city, sme=sme, visited_on=day, people_met="社長")
            SeedInterest.objects.create(municipality=city, sme=sme, patent=seed)
            Meeting.objects.create(
                municipality=city,
                kind="one_on_one",
                status="held",
                title=f"m{k}",
                company=company,
                starts_at=when,
                ends_at=when,
            )
            deal = negotiation(city, sme, company, "launched", when)
            deal.seeds.add(seed)
            move(deal, "interest", "introduced", when + dt.timedelta(days=3))
            move(deal, "introduced", "licence_signed", when + dt.timedelta(days=10))
            move(deal, "licence_signed", "launched", when + dt.timedelta(days=20))
            licence(deal, day)
            Product.objects.create(
                municipality=city, negotiation=deal, name=f"製品{k}", launch_date=day, price_yen=12800
            )
    return company


@pytest.fixture
def records(city_a):
    return grow(city_a)


def page(name, city, **kwargs):
    return reverse(name, kwargs={"municipality": city.slug, **kwargs})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kwargs", "ceiling"),
    [
        # Issue 13: the KPI page and the annual report at most 15 queries each (they were 86 and 84:
        # every figure read its own rows, per year). Now each table is read once (reports.kpidata.KpiData)
        # and every figure computed from those rows: 4 queries of the request (session, user,
        # membership, MFA), then visits, applications, deals with their terms, products with their
        # sales and case studies, held meetings with their companies and attendees, companies with
        # their seeds and interest, screening figures, state changes, targets (dashboard: 13), and the
        # case pages' seeds (PDF: 14).
        ("report_dashboard", {}, 15),
        ("report_table_export", {"table": "companies", "fmt": "csv"}, 12),
        ("report_table_export", {"table": "summary", "fmt": "xlsx"}, 15),
        ("report_annual_pdf", {}, 15),
    ],
)
def test_report_pages_do_not_grow_with_records(
    client_of, city_a, coordinator_a, records, name, kwargs, ceiling
):
    count = assert_flat(client_of(coordinator_a), page(name, city_a, **kwargs), lambda: grow(city_a))
    assert count <= ceiling


@pytest.mark.django_db
def test_company_report_does_not_grow_with_records(client_of, city_a, coordinator_a, records):
    url = page("report_company_pdf", city_a, pk=records.pk)

    def more():
        # More of everything, and more for this very company.
        grow(city_a)
        with scopes_disabled():
            for i in range(ROWS):
                sme = make_sme(city_a, f"取引先{next(_n)}")
                deal = negotiation(city_a, sme, records, "launched", timezone.now())
                Product.objects.create(
                    municipality=city_a, negotiation=deal, name=f"P{i}", launch_date=timezone.localdate()
                )

    assert assert_flat(client_of(coordinator_a), url, more) <= 14


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["api_kpi_results", "api_kpi_summary", "api_kpi_funnel", "api_kpi_companies"]
)
def test_kpi_api_does_not_grow_with_records(api_client_of, city_a, coordinator_a, records, name):
    api = api_client_of(coordinator_a, city_a)
    assert assert_flat(api, reverse(name), lambda: grow(city_a)) <= 12


@pytest.mark.django_db
def test_english_annual_report_stays_under_the_ceiling(client_of, city_a, coordinator_a, records):
    # The English report adds the case studies' English texts: read with the products, no query more.
    url = page("report_annual_pdf", city_a) + "?lang=en"
    assert assert_flat(client_of(coordinator_a), url, lambda: grow(city_a)) <= 15
