"""Index versions, builds that cannot collide, and web requests that never wait for a large build
(issue #13, item 4)."""

from __future__ import annotations

import datetime as dt
import mmap
import threading
from pathlib import Path

import numpy as np
import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from matching import selectors
from matching.indexing import (
    build_lock,
    content_stamp,
    current_index,
    index_build,
    index_for_request,
)
from matching.models import IndexBuild, IndexKind, IndexVersion, SearchIndex
from matching.tasks import run_index_build
from patents.models import Patent, PublicationState
from tests.factories.patents import PatentFactory, company_staff
from tests.helpers.callbacks import is_index_build
from tests.matching.conftest import make_company, make_patent, make_sme
from tests.patents.helpers import TEMPLATE_HEADER_EN, confirm_and_commit, upload_and_validate


def version(municipality, kind=IndexKind.SEEDS) -> int:
    with scopes_disabled():
        state = IndexVersion.objects.filter(municipality=municipality, kind=kind).first()
    return state.version if state is not None else 1


def registered(municipality, kind=IndexKind.SEEDS) -> SearchIndex | None:
    with scopes_disabled():
        state = (
            IndexVersion.objects.select_related("current")
            .filter(municipality=municipality, kind=kind)
            .first()
        )
    return state.current if state is not None else None


def is_mapped(array) -> bool:
    """Whether an array's memory is a file mapping (scipy may wrap the memmap in a plain view)."""
    while array is not None:
        if isinstance(array, np.memmap | mmap.mmap):
            return True
        array = getattr(array, "base", None)
    return False


def index_entries(municipality) -> list[str]:
    from django.conf import settings

    folder = Path(settings.MEDIA_ROOT) / "indexes" / municipality.slug
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock")) if folder.exists() else []


# --- the version number ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_version_bumps_on_create_update_delete(city_a, city_b):
    company = make_company(city_a)
    start = version(city_a)
    patent = make_patent(city_a, company, "Gear bearing", "Combines gear and bearing.")
    assert version(city_a) == start + 1
    with scopes_disabled():
        patent.title = "Gear bearing unit"
        patent.save()
    assert version(city_a) == start + 2
    with scopes_disabled():
        patent.delete()
    assert version(city_a) == start + 3
    # SMEs have their own counter; another municipality's counters do not move.
    sme_start = version(city_a, IndexKind.SMES)
    sme = make_sme(city_a, "町工場", needs="振動を減らしたい")
    with scopes_disabled():
        sme.needs = "騒音を減らしたい"
        sme.save()
        sme.delete()
    assert version(city_a, IndexKind.SMES) == sme_start + 3
    assert version(city_a) == start + 3
    assert version(city_b) == 1
    assert version(city_b, IndexKind.SMES) == 1


@pytest.mark.django_db
def test_version_bumps_on_bulk_import(city_a):
    company = make_company(city_a)
    with scopes_disabled():
        staff = company_staff(company, email="ip-a@example.com")
    before = version(city_a)
    content = (
        TEMPLATE_HEADER_EN + "\n"
        "JP7000001B2,patent,Gear bearing,Combines gear and bearing.,F16H1/28,大手電機株式会社,2015-04-01,,granted\n"
        "JP7000002B2,patent,Small sensor,A small sensor.,G01N25/00,大手電機株式会社,2016-05-02,,granted\n"
    )
    portfolio_import = upload_and_validate(company, staff, "portfolio.csv", content.encode())
    assert version(city_a) == before  # validation writes no seed
    confirm_and_commit(portfolio_import, staff)
    with scopes_disabled():
        assert Patent.objects.filter(company=company).count() == 2
    # bulk inserts send no post_save: the import's signal bumped the version, once for the batch
    assert version(city_a) == before + 1


@pytest.mark.django_db
def test_one_build_queued_per_transaction_and_none_for_a_rollback(city_a, django_capture_on_commit_callbacks):
    company = make_company(city_a)
    start = version(city_a)

    class Undo(Exception):
        pass

    def write_then_undo():
        with transaction.atomic():
            make_patent(city_a, company, "Gear bearing")
            raise Undo

    with django_capture_on_commit_callbacks() as rolled_back, pytest.raises(Undo):
        write_then_undo()
    assert rolled_back == []
    assert version(city_a) == start  # the bump went with the rollback
    with django_capture_on_commit_callbacks() as queued:
        for n in range(3):
            make_patent(city_a, company, f"Gear bearing {n}")
    # (The other callbacks forget the dashboard's cached seed counts, patents.signals.)
    builds = [c for c in queued if is_index_build(c)]
    assert len(builds) == 1  # three writes, one build (the rollback did not suppress it)
    assert version(city_a) == start + 3
    with django_capture_on_commit_callbacks() as later:
        make_patent(city_a, company, "Small sensor")
    # the same (test) transaction already queues a build
    assert [c for c in later if is_index_build(c)] == []


@pytest.mark.django_db
def test_stamp_is_one_lookup_not_a_count(city_a, seeds_a, django_assert_num_queries):
    with scope(municipality=city_a):
        content_stamp(municipality=city_a, kind=IndexKind.SEEDS)
        with django_assert_num_queries(1) as captured:
            content_stamp(municipality=city_a, kind=IndexKind.SEEDS)
    sql = captured.captured_queries[0]["sql"].upper()
    assert "COUNT(" not in sql
    assert "MAX(" not in sql
    assert "matching_indexversion" in sql.lower()


# --- web requests answer from the previous version ---------------------------------------------------


@pytest.mark.django_db
def test_stale_query_answers_from_old_index_and_queues_one_build(
    city_a, seeds_a, settings, django_capture_on_commit_callbacks
):
    with scope(municipality=city_a):
        first = current_index(municipality=city_a, kind=IndexKind.SEEDS)[1]
    settings.KAWASAKI_INDEX_INLINE_BUILD_MAX_DOCS = 2  # this municipality counts as large from now on
    make_patent(city_a, seeds_a["company"], "Hydrogen fuel cell stack", "A compact fuel cell stack.")
    with scopes_disabled():
        written = IndexVersion.objects.get(municipality=city_a, kind=IndexKind.SEEDS)
    assert written.queued_version == written.version == first.version + 1  # the write queued its build
    with scope(municipality=city_a), django_capture_on_commit_callbacks() as on_requests:
        answer = selectors.seed_search_answer(municipality=city_a, text="fuel cell stack")
        again = selectors.seed_search_answer(municipality=city_a, text="soil moisture")
    # The answer came from the registered (old) index at once, and said so.
    assert answer.behind is True
    assert answer.results == []
    assert answer.indexed_at == first.built_at
    assert again.behind is True
    assert [p.title for p, _hit in again.results] == ["Soil moisture sensor"]
    assert registered(city_a) == first
    with scopes_disabled():
        assert SearchIndex.objects.filter(municipality=city_a).count() == 1  # nothing built in a request
        state = IndexVersion.objects.get(municipality=city_a, kind=IndexKind.SEEDS)
    # The build is queued once for the version, not once per request.
    assert on_requests == []
    assert state.queued_version == state.version == first.version + 1

    # A queued build that never ran (a lost message) is queued again by the next request.
    with scopes_disabled():
        IndexVersion.objects.filter(pk=state.pk).update(queued_at=timezone.now() - dt.timedelta(minutes=11))
    with scope(municipality=city_a), django_capture_on_commit_callbacks() as requeued:
        assert selectors.seed_search_answer(municipality=city_a, text="fuel cell").behind is True
    assert len(requeued) == 1
    # The request went through the build's job row (kawasaki.jobs): the worker builds for that row.
    with scopes_disabled():
        build = IndexBuild.objects.get(municipality=city_a, kind=IndexKind.SEEDS)
    assert build.state == "queued"
    run_index_build.apply(kwargs={"municipality_id": city_a.pk, "build_id": build.pk}).get()
    with scope(municipality=city_a):
        fresh = selectors.seed_search_answer(municipality=city_a, text="fuel cell stack")
    assert fresh.behind is False
    assert [p.title for p, _hit in fresh.results] == ["Hydrogen fuel cell stack"]
    assert registered(city_a).version == state.version


@pytest.mark.django_db
def test_no_index_small_municipality_builds_inline(city_a, seeds_a):
    with scope(municipality=city_a):
        answer = index_for_request(municipality=city_a, kind=IndexKind.SEEDS)
    assert answer.behind is False
    assert answer.index is not None
    assert len(answer.index) == 3
    assert registered(city_a) == answer.record


@pytest.mark.django_db
def test_no_index_large_municipality_answers_nothing_and_queues(
    city_a, seeds_a, settings, django_capture_on_commit_callbacks
):
    settings.KAWASAKI_INDEX_INLINE_BUILD_MAX_DOCS = 2
    # As after the upgrade that introduced versions: seeds exist, no version row, no build queued.
    with scopes_disabled():
        IndexVersion.objects.filter(municipality=city_a).delete()
    with scope(municipality=city_a), django_capture_on_commit_callbacks() as queued:
        answer = selectors.seed_search_answer(municipality=city_a, text="soil moisture")
    assert (answer.behind, answer.results, answer.indexed_at) == (True, [], None)
    assert registered(city_a) is None
    assert index_entries(city_a) == []
    assert len(queued) == 1


@pytest.mark.django_db
def test_quick_search_page_says_new_seeds_are_being_indexed(
    client_of, city_a, seeds_a, coordinator_a, settings
):
    with scope(municipality=city_a):
        current_index(municipality=city_a, kind=IndexKind.SEEDS)
    settings.KAWASAKI_INDEX_INLINE_BUILD_MAX_DOCS = 2
    make_patent(city_a, seeds_a["company"], "Hydrogen fuel cell stack", "A compact fuel cell stack.")
    client = client_of(coordinator_a)
    url = reverse("screening_home", kwargs={"municipality": city_a.slug})
    with translation.override("ja"):
        response = client.get(url, {"q": "soil moisture sensor"}, HTTP_ACCEPT_LANGUAGE="ja")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="index-behind"' in body
    assert "新しいシーズや変更されたシーズを検索インデックスに登録しています" in body
    # ... and still answers, from the index as it was.
    sensor = reverse("patent_detail", kwargs={"municipality": city_a.slug, "pk": seeds_a["sensor"].pk})
    assert f'href="{sensor}"' in body


@pytest.mark.django_db
def test_quick_search_page_without_changes_has_no_notice(client_of, city_a, seeds_a, coordinator_a):
    client = client_of(coordinator_a)
    url = reverse("screening_home", kwargs={"municipality": city_a.slug})
    response = client.get(url, {"q": "soil moisture sensor"})
    assert response.status_code == 200
    assert 'data-testid="index-behind"' not in response.content.decode()


# --- builds that cannot collide -----------------------------------------------------------------------


@pytest.mark.django_db
def test_build_waits_for_the_lock_and_gives_up_without_writing(city_a, seeds_a):
    entered = threading.Event()
    release = threading.Event()

    def hold():
        with build_lock(municipality=city_a, kind=IndexKind.SEEDS, wait=5) as locked:
            assert locked
            entered.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert entered.wait(10)
        with scope(municipality=city_a):
            assert index_build(municipality=city_a, kind=IndexKind.SEEDS, wait=0.3) is None
    finally:
        release.set()
        holder.join()
    with scopes_disabled():
        assert SearchIndex.objects.filter(municipality=city_a).count() == 0
    assert index_entries(city_a) == []


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_builds_leave_one_registered_readable_index(city_a):
    company = make_company(city_a)
    # Written in bulk (no post_save, so no build request on commit): the session's Celery worker, once
    # an earlier test started it, would otherwise run a build beside the two below, into its own media.
    with scopes_disabled():
        patents = Patent.objects.bulk_create(
            [
                PatentFactory.build(
                    municipality=city_a,
                    company=company,
                    title=f"Vibration damper {n}",
                    abstract=f"A rubber mount that damps motor vibration, type {n}.",
                    publication_state=PublicationState.PUBLISHED,
                )
                for n in range(40)
            ]
        )
    barrier = threading.Barrier(2)
    results: list[SearchIndex | None] = []
    errors: list[BaseException] = []

    def build():
        try:
            with scope(municipality=city_a):
                barrier.wait(10)
                results.append(index_build(municipality=city_a, kind=IndexKind.SEEDS))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    # The second build waited for the first, then found the index current: one build, one record.
    assert len(results) == 2
    assert results[0] is not None
    assert results[0].pk == results[1].pk
    with scopes_disabled():
        records = list(SearchIndex.objects.filter(municipality=city_a))
    assert records == [registered(city_a)]
    assert index_entries(city_a) == [Path(records[0].path).name]
    with scope(municipality=city_a):
        index, record = current_index(municipality=city_a, kind=IndexKind.SEEDS)
    assert record == records[0]
    assert len(index) == 40
    assert {hit.doc_id for hit in index.search("vibration damper", top_k=50)} == {str(p.pk) for p in patents}


@pytest.mark.django_db
def test_cleanup_removes_old_and_crashed_builds_never_the_registered(city_a, seeds_a):
    with scope(municipality=city_a):
        first = current_index(municipality=city_a, kind=IndexKind.SEEDS)[1]
    folder = Path(first.path).parent
    crashed = folder / ".seeds-v9-deadbeef.tmp-1-abc"
    crashed.mkdir()
    other_kind = folder / "smes-v1-keepme"
    other_kind.mkdir()
    make_patent(city_a, seeds_a["company"], "Hydrogen fuel cell stack")
    with scope(municipality=city_a):
        second = current_index(municipality=city_a, kind=IndexKind.SEEDS)[1]
    assert not crashed.exists()
    assert other_kind.exists()  # another kind's files are not this build's to remove
    assert Path(first.path).exists()
    assert Path(second.path).exists()
    # A file the registered record names is never removed, even when its row is the newest of many.
    make_patent(city_a, seeds_a["company"], "Solid oxide fuel cell")
    with scope(municipality=city_a):
        third = current_index(municipality=city_a, kind=IndexKind.SEEDS)[1]
    assert not Path(first.path).exists()
    assert Path(third.path).exists()
    assert registered(city_a) == third
    assert len({first.path, second.path, third.path}) == 3  # a fresh name per build


@pytest.mark.django_db
def test_missing_registered_file_is_rebuilt_not_served(city_a, seeds_a):
    with scope(municipality=city_a):
        first = current_index(municipality=city_a, kind=IndexKind.SEEDS)[1]
    import shutil

    from matching import indexing

    shutil.rmtree(first.path)
    indexing._CACHE.clear()
    with scope(municipality=city_a):
        answer = index_for_request(municipality=city_a, kind=IndexKind.SEEDS)
    assert answer.behind is False
    assert answer.record != first
    assert Path(answer.record.path).exists()


@pytest.mark.django_db
def test_loaded_index_is_mapped(city_a, seeds_a):
    from matching import indexing

    with scope(municipality=city_a):
        current_index(municipality=city_a, kind=IndexKind.SEEDS)
        indexing._CACHE.clear()
        index, _record = current_index(municipality=city_a, kind=IndexKind.SEEDS)
    assert is_mapped(index.matrix.tf.data)
    assert is_mapped(index.matrix.weights().data)
    assert is_mapped(index.titles.blob)
    assert is_mapped(index.metas.fit_codes)
