"""The KPI page reads each table once (reports.kpidata.KpiData) and applies the negotiations app's rules
of what the KPIs count to those rows: both must pick the same records, and leave out the same ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from matching.models import Meeting
from negotiations.models import Product
from negotiations.selectors import kpi_exclusions, licences_counted, meetings_counted, products_counted
from reports.kpidata import KpiData
from tests.matching.conftest import make_company, make_sme
from tests.reports.conftest import licence, negotiation


@pytest.fixture
def mixed(city_a):
    """Deals whose licence and product are counted, and deals the KPIs leave out for each reason."""
    today = timezone.localdate()
    now = timezone.now()
    with scopes_disabled():
        company = make_company(city_a, "甲社")

        def deal(name, state, *, nda=None, signed=None, launched=None):
            d = negotiation(city_a, make_sme(city_a, name), company, state, now - dt.timedelta(days=400))
            if nda:
                d.nda_signed_on = nda
                d.save(update_fields=["nda_signed_on"])
            if signed:
                licence(d, signed)
            if launched:
                Product.objects.create(municipality=city_a, negotiation=d, name=name, launch_date=launched)
            return d

        ago = lambda days: today - dt.timedelta(days=days)  # noqa: E731
        deal("counted", "launched", nda=ago(300), signed=ago(200), launched=ago(100))
        deal("counted, no NDA date", "licence_signed", signed=ago(50))
        deal("reopened", "terms", nda=ago(300), signed=ago(200))
        deal("product reopened", "prototype", nda=ago(300), signed=ago(200), launched=ago(20))
        deal("licence before NDA", "launched", nda=ago(100), signed=ago(200), launched=ago(50))
        deal("licence in the future", "licence_signed", nda=ago(10), signed=today + dt.timedelta(days=5))
        deal("product before licence", "launched", nda=ago(300), signed=ago(100), launched=ago(150))
        deal(
            "product in the future",
            "launched",
            nda=ago(300),
            signed=ago(100),
            launched=today + dt.timedelta(days=9),
        )
        for name, days in (("held", -3), ("held early", 4)):
            Meeting.objects.create(
                municipality=city_a,
                kind="one_on_one",
                status="held",
                title=name,
                company=company,
                starts_at=now + dt.timedelta(days=days),
                ends_at=now + dt.timedelta(days=days),
            )
    return city_a


@pytest.mark.django_db
def test_kpidata_counts_what_the_selectors_count(mixed):
    with scopes_disabled():
        data = KpiData(municipality=mixed)
        assert sorted(row["pk"] for row in data.licences) == sorted(
            licences_counted(municipality=mixed).values_list("negotiation_id", flat=True)
        )
        assert sorted(p.pk for p in data.products_counted) == sorted(
            products_counted(municipality=mixed).values_list("pk", flat=True)
        )
        assert sorted(m.pk for m in data.meetings_counted) == sorted(
            meetings_counted(municipality=mixed).values_list("pk", flat=True)
        )
        # Every reason is represented, and both ways of counting agree on each.
        from_sql = kpi_exclusions(municipality=mixed)
        from_rows = kpi_exclusions(municipality=mixed, counts=data.exclusion_counts())
        assert [(str(e.figure), str(e.reason), e.count) for e in from_rows] == [
            (str(e.figure), str(e.reason), e.count) for e in from_sql
        ]
        assert len(from_sql) == 7
        assert len(data.licences) == 5
        assert len(data.products_counted) == 2


@pytest.mark.django_db
def test_summary_table_leaves_out_the_years_before_any_record(mixed):
    from reports.tables import summary_table

    with scopes_disabled():
        fiscal_year = mixed.fiscal_year_of(timezone.localdate())
        table = summary_table(municipality=mixed, fiscal_year=fiscal_year)
    # The first record is the deals opened 400 days ago (their SMEs are active that year): from that
    # fiscal year on, not five columns.
    first = mixed.fiscal_year_of(timezone.localdate() - dt.timedelta(days=400))
    assert table.headers[1:] == [f"{y}年度" for y in range(first, fiscal_year + 1)]
