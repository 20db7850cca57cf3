"""The lists' orders are read from their indexes on PostgreSQL (patents/0008, 0009): a page of the
seed list (company, number) and of the SME catalogue (written for SMEs first, newest first) reads
index entries, not a sort of every seed."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kawasaki.models import Role
from patents.models import Patent, PublicationState
from patents.selectors import patents_visible_to
from smes.selectors import seeds_for_browsing
from tests.conftest import make_member

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="plans of PostgreSQL")


@pytest.fixture
def many_seeds(city_a, company_a):
    now = timezone.now()
    with scopes_disabled():
        Patent.objects.bulk_create(
            Patent(
                municipality=city_a,
                company=company_a,
                number=f"JP{n:06d}",
                title=f"Gear housing {n}",
                abstract="A casting for gearboxes.",
                plain_summary="歯車箱の鋳物" if n % 50 == 1 else "",
                publication_state=PublicationState.PUBLISHED if n % 10 else PublicationState.DRAFT,
                published_at=now - dt.timedelta(minutes=n) if n % 10 else None,
            )
            for n in range(20000)
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE patents_patent")  # the visibility map: index-only scans


@pytest.mark.django_db(transaction=True)
def test_a_deep_page_of_the_seed_list_reads_the_covering_index(city_a, coordinator_a, company_a, many_seeds):
    with scope(municipality=city_a):
        ids = (
            patents_visible_to(user=coordinator_a, municipality=city_a)
            .filter(company_id=company_a.pk)
            .order_by("number")
            .values_list("pk", flat=True)[10000:10050]
        )
        plan = ids.explain()
        assert len(list(ids)) == 50
    # An index in (company, number) order: the covering one (index-only at 100,000 seeds, see
    # benchmarks/README.md) or, at this size, the unique constraint's; never a sort of every seed.
    assert "patent_company_number_cover" in plan or "patent_unique_company_number" in plan
    assert "Sort" not in plan


@pytest.mark.django_db(transaction=True)
def test_the_sme_catalogue_page_reads_its_index_in_order(city_a, company_a, many_seeds):
    member = make_member(city_a, Role.SME_MEMBER, email="sme-plan@example.jp")
    with scope(municipality=city_a):
        page = seeds_for_browsing(user=member, municipality=city_a)[:20]
        plan = page.explain()
        rows = list(page)
    assert "patent_browse_order" in plan
    assert "Sort" not in plan
    # Written for SMEs first (a plain summary), newest first within each.
    assert all(p.plain_summary for p in rows)
    assert [p.published_at for p in rows] == sorted((p.published_at for p in rows), reverse=True)
