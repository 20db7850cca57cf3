"""Dashboard seed counts come from a cache that every write to the municipality's seeds invalidates
(single saves and deletes, imports, bulk publication), per visibility (coordinators, each company)."""

from django.db.models import signals as model_signals
from django_scopes import scope, scopes_disabled

from patents.models import Patent, PublicationState
from patents.selectors import patent_counts
from patents.signals import portfolio_committed
from tests.factories.patents import PatentFactory


def counts(user, municipality):
    with scope(municipality=municipality):
        return patent_counts(user=user, municipality=municipality)


def publish_without_signals(municipality):
    """A write the cache cannot hear of: shows whether a figure came from the cache."""
    with scopes_disabled():
        Patent.objects.filter(municipality=municipality).update(publication_state=PublicationState.PUBLISHED)


def test_counts_are_cached_until_a_seed_is_saved(
    city_a, coordinator_a, company_a, django_assert_max_num_queries
):
    with scopes_disabled():
        first, _second = PatentFactory(company=company_a), PatentFactory(company=company_a, abstract="")
    before = counts(coordinator_a, city_a)
    assert (
        before[PublicationState.DRAFT],
        before[PublicationState.PUBLISHED],
        before["needs_completion"],
    ) == (
        2,
        0,
        1,
    )
    publish_without_signals(city_a)
    with django_assert_max_num_queries(1):  # the membership at most: the figures come from the cache
        assert counts(coordinator_a, city_a) == before
    with scopes_disabled():
        first.refresh_from_db()
        first.save()  # any save of a seed
    after = counts(coordinator_a, city_a)
    assert (after[PublicationState.DRAFT], after[PublicationState.PUBLISHED]) == (0, 2)


def test_a_deleted_seed_invalidates_the_counts(city_a, coordinator_a, company_a):
    with scopes_disabled():
        seed = PatentFactory(company=company_a)
    assert counts(coordinator_a, city_a)[PublicationState.DRAFT] == 1
    with scopes_disabled():
        seed.delete()
    assert counts(coordinator_a, city_a)[PublicationState.DRAFT] == 0


def test_an_import_invalidates_the_counts_after_commit(
    city_a, coordinator_a, company_a, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        PatentFactory(company=company_a)
    assert counts(coordinator_a, city_a)[PublicationState.PUBLISHED] == 0
    publish_without_signals(city_a)  # as an import's bulk update: no model signal
    assert counts(coordinator_a, city_a)[PublicationState.PUBLISHED] == 0
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_committed.send(sender=Patent, portfolio_import=None, municipality_id=city_a.pk)
    assert counts(coordinator_a, city_a)[PublicationState.PUBLISHED] == 1


def test_a_bulk_delete_invalidates_once_per_transaction(city_a, coordinator_a, company_a):
    """Deleting many seeds at once (a queryset, a company's cascade) forgets the counts once and
    bumps the index version once, not once per row (a company's 100,000 seeds took minutes)."""
    from django.db import connection

    from matching.models import IndexKind, IndexVersion

    with scopes_disabled():
        PatentFactory.create_batch(30, company=company_a)
        assert counts(coordinator_a, city_a)[PublicationState.DRAFT] == 30
        version = IndexVersion.objects.get(municipality=city_a, kind=IndexKind.SEEDS).version
        Patent.objects.filter(company=company_a).delete()
        assert counts(coordinator_a, city_a)[PublicationState.DRAFT] == 0
        # One bump for the whole delete of 30 seeds, and no second after-commit callback.
        assert IndexVersion.objects.get(municipality=city_a, kind=IndexKind.SEEDS).version == version + 1
    keys = [getattr(callback, "write_key", None) for _sids, callback, _robust in connection.run_on_commit]
    assert keys.count((connection.alias, ("patents-counts", city_a.pk))) == 1


def test_counts_are_cached_per_visibility(city_a, coordinator_a, staff_a, company_a, other_company_a):
    with scopes_disabled():
        PatentFactory(company=company_a)
        PatentFactory(company=other_company_a)
        PatentFactory(company=other_company_a)
    assert counts(coordinator_a, city_a)[PublicationState.DRAFT] == 3
    assert counts(staff_a, city_a)[PublicationState.DRAFT] == 1  # their own company's only


def test_another_municipalitys_write_leaves_the_counts_cached(
    city_a, city_b, coordinator_a, company_a, django_assert_max_num_queries
):
    with scopes_disabled():
        PatentFactory(company=company_a)
    counts(coordinator_a, city_a)
    model_signals.post_save.send(sender=Patent, instance=Patent(municipality=city_b), created=True)
    with django_assert_max_num_queries(1):
        counts(coordinator_a, city_a)
