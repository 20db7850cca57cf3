"""The seed list's text filter is answered by the trigram indexes of patents/0007 on PostgreSQL."""

import pytest
from django.db import connection
from django_scopes import scope, scopes_disabled

from patents.models import Patent
from patents.selectors import PatentFilters, filter_patents, patents_visible_to
from tests.factories.patents import PatentFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only"
)


INDEXES = ("patent_title_trgm", "patent_abstract_trgm", "patent_plain_summary_trgm", "patent_number_trgm")


def test_text_filter_uses_the_trigram_indexes(city_a, coordinator_a, company_a):
    with scopes_disabled():
        PatentFactory.create_batch(3, company=company_a, title="Vibration sensor", abstract="For presses.")
        filler = PatentFactory.build(company=company_a)
        Patent.objects.bulk_create(
            Patent(
                municipality=city_a,
                company=company_a,
                number=f"JP{n:06d}",
                title=f"Gear housing {n}",
                abstract="A casting for gearboxes.",
                kind=filler.kind,
            )
            for n in range(5000)
        )
    with connection.cursor() as cursor:
        # The rows just inserted wait in the GIN indexes' pending lists (merged by autovacuum in
        # production), which the planner rightly prices high: merge them now.
        for index in INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE patents_patent")
    with scope(municipality=city_a):
        queryset = filter_patents(
            patents_visible_to(user=coordinator_a, municipality=city_a), PatentFilters(q="sensor")
        )
        plan = queryset.explain()
        assert queryset.count() == 3
    # One bitmap index scan per column of the filter, OR-ed: no row is read that does not match.
    for index in (
        "patent_title_trgm",
        "patent_abstract_trgm",
        "patent_plain_summary_trgm",
        "patent_number_trgm",
    ):
        assert index in plan
    assert "Seq Scan on patents_patent" not in plan
