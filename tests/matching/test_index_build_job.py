"""Index rebuilds as job rows (kawasaki.jobs): one queued build however many edits ask, a heartbeat
while it builds, a newer request that a finishing build cannot overwrite, the interrupted or failed
build on the screening page with its retry, and the sweep re-queueing then giving up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from kawasaki.jobs import jobs_sweep
from kawasaki.models import AuditEntry
from matching import indexing
from matching.models import IndexBuild, IndexBuildState, SearchIndex
from matching.tasks import run_index_build
from tests.helpers.db_state import assert_db_unchanged
from tests.matching.conftest import make_company, make_patent

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(hours=1)


def _build(municipality) -> IndexBuild:
    with scopes_disabled():
        return IndexBuild.objects.get(municipality=municipality, kind="seeds")


def _set(build, **values) -> None:
    with scopes_disabled():
        IndexBuild.objects.filter(pk=build.pk).update(**values)


def _run(build) -> None:
    run_index_build(municipality_id=build.municipality_id, build_id=build.pk)


@pytest.fixture
def requested(city_a):
    make_patent(city_a, make_company(city_a), "小型モータの制振構造", "モータの振動を低減する取付部材。")
    indexing.index_build_request(municipality_id=city_a.pk, kind="seeds")
    return _build(city_a)


def test_an_edit_asks_for_one_build_after_commit(city_a, django_capture_on_commit_callbacks):
    company = make_company(city_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for n in range(3):
            make_patent(city_a, company, f"種 {n}")
    with scopes_disabled():
        assert not IndexBuild.objects.exists()  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=False) as published:
        for callback in callbacks:
            callback()
    build = _build(city_a)
    assert (build.state, build.enqueued_at) == ("queued", None)
    assert len(published) == 1  # three edits, one task


def test_the_task_builds_with_a_heartbeat_and_marks_the_row_done(city_a, requested):
    _run(requested)
    build = _build(city_a)
    assert build.state == "done"
    assert build.heartbeat_at is not None
    assert build.finished_at is not None
    with scopes_disabled():
        assert SearchIndex.objects.filter(municipality=city_a, kind="seeds").count() == 1
    _run(requested)  # a second copy of the message changes nothing
    assert _build(city_a).finished_at == build.finished_at


def test_a_request_made_while_building_is_not_marked_done_by_the_older_build(city_a, requested):
    _set(requested, state=IndexBuildState.RUNNING)  # a worker claimed it
    indexing.index_build_request(municipality_id=city_a.pk, kind="seeds")  # a change meanwhile
    with scopes_disabled():
        indexing.index_build_execute(build=requested)  # the older copy, claimed before the change
    assert _build(city_a).state == "queued"  # the newer request keeps its own build
    _run(_build(city_a))
    assert _build(city_a).state == "done"


def test_an_interrupted_build_is_shown_with_a_retry(client_of, city_a, coordinator_a, requested):
    _set(
        requested,
        state=IndexBuildState.RUNNING,
        enqueued_at=timezone.now() - LONG_AGO,
        heartbeat_at=timezone.now() - LONG_AGO,
    )
    client = client_of(coordinator_a)
    home = reverse("screening_home", kwargs={"municipality": city_a.slug})
    body = client.get(home).content.decode()
    assert 'data-testid="index-build-seeds"' in body
    assert 'data-testid="index-build-retry"' in body
    assert "再構築中にバックグラウンドワーカーが停止しました" in body
    assert "今すぐ再構築" in body
    retry = reverse("indexbuild_retry", kwargs={"municipality": city_a.slug, "pk": requested.pk})
    assert client.post(retry).status_code == 302
    build = _build(city_a)
    assert (build.state, build.heartbeat_at, build.attempts) == ("queued", None, 0)
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="index_build.retried").count() == 1
    assert 'data-testid="index-build-seeds"' not in client.get(home).content.decode()


def test_a_live_build_cannot_be_restarted(client_of, city_a, coordinator_a, requested):
    _set(requested, state=IndexBuildState.RUNNING, heartbeat_at=timezone.now())
    retry = reverse("indexbuild_retry", kwargs={"municipality": city_a.slug, "pk": requested.pk})
    with assert_db_unchanged():
        client_of(coordinator_a).post(retry)


def test_the_sweep_requeues_an_interrupted_build_then_fails_it(
    client_of, city_a, coordinator_a, requested, settings
):
    _set(requested, state=IndexBuildState.RUNNING, heartbeat_at=timezone.now() - LONG_AGO)
    assert jobs_sweep()["requeued"] == 1
    assert (_build(city_a).state, _build(city_a).attempts) == ("running", 1)
    _run(_build(city_a))  # the re-queued task takes the running row over
    assert _build(city_a).state == "done"

    settings.KAWASAKI_JOB_MAX_ATTEMPTS = 1
    _set(requested, state=IndexBuildState.RUNNING, heartbeat_at=timezone.now() - LONG_AGO, attempts=1)
    assert jobs_sweep()["failed"] == 1
    build = _build(city_a)
    assert build.state == "failed"
    assert "2" in build.error
    body = client_of(coordinator_a).get(reverse("screening_home", kwargs={"municipality": city_a.slug}))
    assert 'data-testid="index-build-retry"' in body.content.decode()
