"""The council's KPIs (docs/kpis.md): one test per definition at the fiscal-year boundary (31 March is
the year before, 1 April the year after), the targets and the sales follow-up with their pages, and the
API."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry, Membership, Role
from matching.models import Decision, Meeting, Participant, ScreeningCandidate, ScreeningRun
from negotiations.models import Negotiation, Product
from reports import pdf, selectors, services
from reports.models import KpiTarget, ProductSales
from smes.models import Visit
from tests.conftest import make_member
from tests.matching.conftest import make_company, make_patent, make_sme
from tests.reports.conftest import TZ, licence, negotiation

MARCH_31 = dt.date(2025, 3, 31)  # FY2024
APRIL_1 = dt.date(2025, 4, 1)  # FY2025


def _jst(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _figures(city, fiscal_year):
    with scope(municipality=city):
        return {r["figure"]: r for r in selectors.year_funnel(municipality=city, fiscal_year=fiscal_year)}


def _counts(city, figure):
    return _figures(city, 2024)[figure]["count"], _figures(city, 2025)[figure]["count"]


@pytest.fixture
def pair(city_a):
    with scopes_disabled():
        company = make_company(city_a, "甲社")
        sme = make_sme(city_a, "SME 0")
        return company, sme


@pytest.mark.django_db
def test_visits_by_visit_day(city_a, pair):
    with scopes_disabled():
        for day in (MARCH_31, APRIL_1, APRIL_1):
            Visit.objects.create(municipality=city_a, sme=pair[1], visited_on=day, people_met="社長")
    assert _counts(city_a, "visits") == (1, 2)


@pytest.mark.django_db
def test_matches_by_the_day_the_candidate_was_shortlisted_in_japan(city_a, pair):
    company, sme = pair
    with scopes_disabled():
        seeds = [make_patent(city_a, company, f"Seed {n}", "text") for n in range(4)]
        run = ScreeningRun.objects.create(municipality=city_a, direction="sme_to_seeds", sme=sme)
        common = {"municipality": city_a, "run": run, "score": 1, "relevance": 1, "fit_adjustment": 0}
        # 23:30 on 31 March in Japan is FY2024 (14:30 UTC); 00:30 on 1 April is FY2025 (15:30 UTC, 31 March).
        ScreeningCandidate.objects.create(
            rank=1,
            patent=seeds[0],
            decision=Decision.SHORTLISTED,
            decided_at=_jst(MARCH_31, 23, 30),
            **common,
        )
        ScreeningCandidate.objects.create(
            rank=2, patent=seeds[1], decision=Decision.SHORTLISTED, decided_at=_jst(APRIL_1, 0, 30), **common
        )
        # Rejected and undecided candidates are not matches.
        ScreeningCandidate.objects.create(
            rank=3, patent=seeds[2], decision=Decision.REJECTED, decided_at=_jst(APRIL_1, 9), **common
        )
        ScreeningCandidate.objects.create(rank=4, patent=seeds[3], **common)
    assert _counts(city_a, "matches") == (1, 1)


@pytest.mark.django_db
def test_meetings_held_by_their_start(city_a, pair):
    company, _sme = pair
    with scopes_disabled():
        for day, status in (
            (MARCH_31, "held"),
            (APRIL_1, "held"),
            (APRIL_1, "planned"),
            (APRIL_1, "cancelled"),
        ):
            Meeting.objects.create(
                municipality=city_a,
                kind="one_on_one",
                status=status,
                title="m",
                company=company,
                venue="会議室",
                starts_at=_jst(day, 23, 0),
                ends_at=_jst(day, 23, 30),
            )
    assert _counts(city_a, "meetings") == (1, 1)


@pytest.mark.django_db
def test_ndas_by_signing_day(city_a, pair):
    company, _sme = pair
    with scopes_disabled():
        for index, day in enumerate((MARCH_31, APRIL_1, None)):
            n = negotiation(city_a, make_sme(city_a, f"N{index}"), company, "nda_signed", _jst(MARCH_31, 9))
            Negotiation.objects.filter(pk=n.pk).update(nda_signed_on=day)
    assert _counts(city_a, "ndas") == (1, 1)


@pytest.mark.django_db
def test_licences_and_products_by_signing_and_launch_day_with_conversion_and_target(city_a, pair):
    company, sme = pair
    with scopes_disabled():
        n1 = negotiation(city_a, sme, company, "launched", _jst(MARCH_31, 9))
        licence(n1, MARCH_31)
        n2 = negotiation(city_a, make_sme(city_a, "SME 1"), company, "launched", _jst(MARCH_31, 9))
        licence(n2, APRIL_1)
        Product.objects.create(municipality=city_a, negotiation=n1, name="P0", launch_date=MARCH_31)
        Product.objects.create(municipality=city_a, negotiation=n2, name="P1", launch_date=APRIL_1)
        Product.objects.create(municipality=city_a, negotiation=n2, name="P2", launch_date=APRIL_1)
        KpiTarget.objects.create(municipality=city_a, fiscal_year=2025, figure="products", target=4)
    assert _counts(city_a, "licences") == (1, 1)
    assert _counts(city_a, "products") == (1, 2)
    fy2025 = _figures(city_a, 2025)
    assert fy2025["products"]["conversion"] == 2.0  # 2 products over 1 licence of the same year
    assert fy2025["products"]["target"] == 4
    assert fy2025["products"]["target_reached"] == 0.5
    assert fy2025["licences"]["target"] is None
    assert fy2025["licences"]["target_reached"] is None
    assert fy2025["visits"]["conversion"] is None  # the first figure has no step before it
    assert _figures(city_a, 2024)["products"]["target"] is None  # a target is for its year only


@pytest.mark.django_db
def test_meeting_to_licence_counts_the_licence_in_the_year_it_was_signed(city_a, pair):
    company, sme = pair
    with scopes_disabled():
        other = make_sme(city_a, "SME 1")
        late = make_sme(city_a, "SME 2")
        first = Meeting.objects.create(
            municipality=city_a,
            kind="one_on_one",
            status="held",
            title="first",
            company=company,
            venue="会議室",
            starts_at=_jst(dt.date(2024, 12, 31), 10),
            ends_at=_jst(dt.date(2024, 12, 31), 11),
        )
        Participant.objects.create(municipality=city_a, meeting=first, sme=sme, attended=True)
        Participant.objects.create(municipality=city_a, meeting=first, sme=other, attended=True)
        # A later meeting of the same pair does not move the start; a meeting the SME missed does not count.
        again = Meeting.objects.create(
            municipality=city_a,
            kind="closed",
            status="held",
            title="again",
            company=company,
            venue="会議室",
            starts_at=_jst(dt.date(2025, 2, 1), 10),
            ends_at=_jst(dt.date(2025, 2, 1), 11),
        )
        Participant.objects.create(municipality=city_a, meeting=again, sme=sme, attended=True)
        Participant.objects.create(municipality=city_a, meeting=again, sme=late, attended=False)
        licence(negotiation(city_a, sme, company, "licence_signed", _jst(dt.date(2024, 12, 31), 9)), MARCH_31)
        licence(
            negotiation(city_a, other, company, "licence_signed", _jst(dt.date(2024, 12, 31), 9)), APRIL_1
        )
        licence(negotiation(city_a, late, company, "licence_signed", _jst(dt.date(2024, 12, 31), 9)), APRIL_1)
    with scope(municipality=city_a):
        fy2024 = selectors.meeting_to_licence(municipality=city_a, fiscal_year=2024)
        fy2025 = selectors.meeting_to_licence(municipality=city_a, fiscal_year=2025)
    assert fy2024 == {"licences": 1, "median_days": 90, "without_meeting": 0}  # 31 Dec → 31 March
    assert fy2025 == {"licences": 2, "median_days": 91, "without_meeting": 1}  # 31 Dec → 1 April


@pytest.fixture
def launched(city_a, pair):
    """A launched product of SME 0 under 甲社's licence (3% running royalty), launched 31 March 2025."""
    company, sme = pair
    with scopes_disabled():
        n = negotiation(city_a, sme, company, "launched", _jst(dt.date(2024, 6, 1), 9))
        terms = licence(n, dt.date(2024, 12, 1))
        terms.royalty_percent = 3
        terms.save()
        return Product.objects.create(municipality=city_a, negotiation=n, name="P0", launch_date=MARCH_31)


@pytest.mark.django_db
def test_sales_by_reported_fiscal_year_and_products_on_sale_by_its_end(city_a, pair, launched):
    with scopes_disabled():
        later = Product.objects.create(
            municipality=city_a, negotiation=launched.negotiation, name="P1", launch_date=APRIL_1
        )
        ProductSales.objects.create(
            municipality=city_a,
            product=launched,
            fiscal_year=2025,
            sales_yen=1_000_000,
            royalty_base_yen=900_000,
        )
    with scope(municipality=city_a):
        fy2024 = selectors.sales_summary(municipality=city_a, fiscal_year=2024)
        fy2025 = selectors.sales_summary(municipality=city_a, fiscal_year=2025)
    # On sale by 31 March 2025: only P0, which has no FY2024 report.
    assert fy2024 == {
        "products_reported": 0,
        "products_not_reported": 1,
        "sales_yen": 0,
        "royalty_base_yen": 0,
        "royalty_yen": 0,
    }
    assert fy2025 == {
        "products_reported": 1,
        "products_not_reported": 1,  # P1, launched 1 April 2025
        "sales_yen": 1_000_000,
        "royalty_base_yen": 900_000,
        "royalty_yen": 27_000,
    }
    assert later.pk


@pytest.mark.django_db
def test_targets_set_change_clear_and_audit(city_a):
    admin = make_member(city_a, Role.MUNICIPALITY_ADMIN)
    with scope(municipality=city_a):
        assert services.kpi_targets_set(
            municipality=city_a, actor=admin, fiscal_year=2025, targets={"licences": 5, "products": 3}
        ) == {"licences": 5, "products": 3}
        assert services.kpi_targets_set(
            municipality=city_a, actor=admin, fiscal_year=2025, targets={"licences": 6, "products": None}
        ) == {"licences": 6}
        entries = list(
            AuditEntry.objects.filter(municipality=city_a, action="kpi_targets.set").order_by("pk")
        )
        assert len(entries) == 2
        assert entries[1].changes["licences"] == {"old": 5, "new": 6}
        assert entries[1].changes["products"] == {"old": 3, "new": None}
        # The same values again change nothing and write no audit entry.
        services.kpi_targets_set(municipality=city_a, actor=admin, fiscal_year=2025, targets={"licences": 6})
        assert AuditEntry.objects.filter(action="kpi_targets.set").count() == 2
        with pytest.raises(ValidationError) as refused:
            services.kpi_targets_set(
                municipality=city_a, actor=admin, fiscal_year=2025, targets={"licences": -1}
            )
        assert "licences" in refused.value.message_dict
        with pytest.raises(ValidationError):
            services.kpi_targets_set(
                municipality=city_a, actor=admin, fiscal_year=1999, targets={"licences": 1}
            )
        assert dict(KpiTarget.objects.values_list("figure", "target")) == {"licences": 6}


@pytest.mark.django_db
def test_sales_record_refuses_a_year_before_launch_and_a_base_above_sales(city_a, launched):
    member = make_member(city_a, Role.SME_MEMBER)
    with scope(municipality=city_a):
        with pytest.raises(ValidationError) as before:
            services.product_sales_record(
                product=launched, actor=member, fiscal_year=2023, sales_yen=1, royalty_base_yen=1
            )
        assert "2024" in before.value.message_dict["fiscal_year"][0]
        with pytest.raises(ValidationError) as above:
            services.product_sales_record(
                product=launched, actor=member, fiscal_year=2024, sales_yen=100, royalty_base_yen=200
            )
        assert "royalty_base_yen" in above.value.message_dict
        assert not ProductSales.objects.exists()
        services.product_sales_record(
            product=launched, actor=member, fiscal_year=2024, sales_yen=100, royalty_base_yen=90
        )
        services.product_sales_record(
            product=launched, actor=member, fiscal_year=2024, sales_yen=120, royalty_base_yen=100
        )
        assert list(ProductSales.objects.values_list("fiscal_year", "sales_yen", "royalty_base_yen")) == [
            (2024, 120, 100)
        ]
        audit = AuditEntry.objects.filter(action="product_sales.reported").order_by("pk").last()
        assert audit.changes["sales_yen"] == {"old": 100, "new": 120}


@pytest.mark.django_db
def test_admin_sets_targets_on_the_page_and_the_dashboard_shows_them(client_of, city_a, coordinator_a):
    admin = make_member(city_a, Role.MUNICIPALITY_ADMIN)
    url = reverse("report_targets", kwargs={"municipality": city_a.slug}) + "?fy=2025"
    response = client_of(admin).post(url, {"visits": "12", "licences": "4", "products": ""})
    assert response.status_code == 302
    with scopes_disabled():
        assert dict(KpiTarget.objects.filter(fiscal_year=2025).values_list("figure", "target")) == {
            "visits": 12,
            "licences": 4,
        }
    bad = client_of(admin).post(url, {"visits": "-3"})
    assert bad.status_code == 400
    with scopes_disabled():
        assert KpiTarget.objects.get(figure="visits").target == 12
    # A coordinator reads the targets on the report page but may not set them.
    assert client_of(coordinator_a).post(url, {"visits": "1"}).status_code == 403
    with scopes_disabled():
        assert KpiTarget.objects.get(figure="visits").target == 12
    page = client_of(coordinator_a).get(
        reverse("report_dashboard", kwargs={"municipality": city_a.slug}) + "?fy=2025"
    )
    assert page.status_code == 200
    assert 'data-testid="council-funnel"' in page.content.decode()


@pytest.mark.django_db
def test_sme_reports_its_own_products_sales_and_the_company_reads_them(client_of, city_a, launched):
    member = make_member(city_a, Role.SME_MEMBER)
    outsider = make_member(city_a, Role.SME_MEMBER)
    staff = make_member(city_a, Role.COMPANY_STAFF)
    with scopes_disabled():
        Membership.objects.filter(user=member).update(sme=launched.negotiation.sme)
        Membership.objects.filter(user=outsider).update(sme=make_sme(city_a, "Other SME"))
        Membership.objects.filter(user=staff).update(company=launched.negotiation.company)
    url = reverse("report_product_sales", kwargs={"municipality": city_a.slug, "pk": launched.pk})
    response = client_of(member).post(
        url, {"fiscal_year": "2024", "sales_yen": "500000", "royalty_base_yen": "450000"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert list(ProductSales.objects.values_list("fiscal_year", "royalty_base_yen")) == [(2024, 450_000)]
    # Another SME's member does not see the product at all; the company reads it but may not report.
    assert client_of(outsider).get(url).status_code == 404
    page = client_of(staff).get(url)
    assert page.status_code == 200
    assert "450,000" in page.content.decode()
    assert '<form method="post"' not in page.content.decode()
    assert (
        client_of(staff)
        .post(url, {"fiscal_year": "2024", "sales_yen": "1", "royalty_base_yen": "1"})
        .status_code
        == 403
    )
    with scopes_disabled():
        assert list(ProductSales.objects.values_list("fiscal_year", "sales_yen")) == [(2024, 500_000)]
    listing = client_of(staff).get(reverse("report_sales_list", kwargs={"municipality": city_a.slug}))
    assert "P0" in listing.content.decode()
    assert (
        "P0"
        not in client_of(outsider)
        .get(reverse("report_sales_list", kwargs={"municipality": city_a.slug}))
        .content.decode()
    )


@pytest.mark.django_db
def test_api_council_figures(api_client_of, city_a, city_b, pair, launched):
    reporter = make_member(city_a, Role.REPORTING)
    with scopes_disabled():
        KpiTarget.objects.create(municipality=city_a, fiscal_year=2024, figure="licences", target=2)
    body = api_client_of(reporter, city_a).get(reverse("api_kpi_council"), {"fiscal_year": 2024}).json()
    assert body["fiscal_year"] == 2024
    licences = next(r for r in body["funnel"] if r["figure"] == "licences")
    assert licences == {
        "figure": "licences",
        "count": 1,
        "conversion": None,
        "target": 2,
        "target_reached": 0.5,
    }
    assert [r["figure"] for r in body["funnel"]] == [
        "visits",
        "matches",
        "meetings",
        "ndas",
        "licences",
        "products",
    ]
    assert body["sales"]["products_not_reported"] == 1
    assert body["meeting_to_licence"] == {"licences": 1, "median_days": None, "without_meeting": 1}
    other = make_member(city_b, Role.REPORTING)
    body_b = api_client_of(other, city_b).get(reverse("api_kpi_council"), {"fiscal_year": 2024}).json()
    assert all(r["count"] == 0 for r in body_b["funnel"])


@pytest.mark.django_db
def test_english_annual_report_tells_cases_in_english_and_marks_japanese_only_ones(
    client_of, city_a, coordinator_a, launched
):
    with scopes_disabled():
        other = Product.objects.create(
            municipality=city_a,
            negotiation=launched.negotiation,
            name="片手で開ける容器",
            description="日本語の説明だけ",
            launch_date=APRIL_1 - dt.timedelta(days=2),
        )
    url = reverse("report_case_study", kwargs={"municipality": city_a.slug, "pk": launched.pk})
    assert (
        client_of(coordinator_a).post(url, {"title_en": "", "text_en": "Text without a title"}).status_code
        == 400
    )
    response = client_of(coordinator_a).post(
        url, {"title_en": "One-hand lid", "text_en": "A lid for weak hands."}
    )
    assert response.status_code == 302
    with scope(municipality=city_a):
        english = {
            c["title"]: c for c in pdf.case_studies(municipality=city_a, fiscal_year=2024, language="en")
        }
        japanese = {
            c["title"]: c for c in pdf.case_studies(municipality=city_a, fiscal_year=2024, language="ja")
        }
    assert english["One-hand lid"]["text"] == "A lid for weak hands."
    assert english["One-hand lid"]["japanese_only"] is False
    assert english["片手で開ける容器"]["japanese_only"] is True
    assert english["片手で開ける容器"]["text"] == "日本語の説明だけ"
    assert set(japanese) == {"P0", "片手で開ける容器"}
    assert not any(c["japanese_only"] for c in japanese.values())
    assert other.pk
    # Company staff and SME members may not write the council's case studies.
    staff = make_member(city_a, Role.COMPANY_STAFF)
    with scopes_disabled():
        Membership.objects.filter(user=staff).update(company=launched.negotiation.company)
    assert client_of(staff).post(url, {"title_en": "x", "text_en": "y"}).status_code == 403
    with scopes_disabled():
        from reports.models import CaseStudy

        assert CaseStudy.objects.get(product=launched).title_en == "One-hand lid"
