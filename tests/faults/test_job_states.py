"""Job states without a worker: an interrupted run's page and its retry, failure marks that never
overwrite a finished job, the candidate key, and the sweep leaving a fresh job alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kawasaki.jobs import jobs_sweep
from kawasaki.models import AuditEntry, Role
from matching import services
from matching.models import Direction, RunStatus, ScreeningCandidate, ScreeningRun
from tests.conftest import make_member
from tests.factories.patents import LargeCompanyFactory, PatentFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

LONG_AGO = dt.timedelta(hours=1)


@pytest.fixture
def running_run(city_a, coordinator_a):
    """A run a worker started an hour ago and has not been heard of since."""
    with scopes_disabled():
        return ScreeningRun.objects.create(
            municipality=city_a,
            direction=Direction.SME_TO_SEEDS,
            query_text="センサ",
            created_by=coordinator_a,
            status=RunStatus.RUNNING,
            progress=30,
            enqueued_at=timezone.now() - LONG_AGO,
            heartbeat_at=timezone.now() - LONG_AGO,
        )


def _detail(client, run):
    url = reverse("screeningrun_detail", kwargs={"municipality": run.municipality.slug, "pk": run.pk})
    return client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()


def test_an_interrupted_run_says_so_and_a_coordinator_starts_it_again(client_of, coordinator_a, running_run):
    client = client_of(coordinator_a)
    page = _detail(client, running_run)
    assert 'data-testid="run-interrupted"' in page
    assert "中断" in page
    assert 'data-testid="run-retry"' in page
    url = reverse("screeningrun_retry", kwargs={"municipality": "city-a", "pk": running_run.pk})
    response = client.post(url)
    assert response.status_code == 302
    with scopes_disabled():
        running_run.refresh_from_db()
        assert (running_run.status, running_run.progress, running_run.heartbeat_at) == (
            RunStatus.QUEUED,
            0,
            None,
        )
        assert (
            AuditEntry.objects.filter(action="screening_run.retried", object_id=str(running_run.pk)).count()
            == 1
        )
    # Queued again, not interrupted: a second press changes nothing.
    client.post(url)
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="screening_run.retried").count() == 1


def test_a_live_run_is_not_interrupted_and_cannot_be_restarted(client_of, coordinator_a, running_run):
    with scopes_disabled():
        ScreeningRun.objects.filter(pk=running_run.pk).update(heartbeat_at=timezone.now())
    client = client_of(coordinator_a)
    assert 'data-testid="run-interrupted"' not in _detail(client, running_run)
    client.post(reverse("screeningrun_retry", kwargs={"municipality": "city-a", "pk": running_run.pk}))
    with scopes_disabled():
        running_run.refresh_from_db()
        assert running_run.status == RunStatus.RUNNING
        assert not AuditEntry.objects.filter(action="screening_run.retried").exists()


def test_a_failure_mark_never_overwrites_a_finished_run(city_a, running_run):
    with scopes_disabled():
        ScreeningRun.objects.filter(pk=running_run.pk).update(status=RunStatus.DONE, progress=100)
    with scope(municipality=city_a):
        assert services.screening_run_fail(run=running_run, reason="a late copy crashed") is False
    with scopes_disabled():
        running_run.refresh_from_db()
    assert (running_run.status, running_run.error) == (RunStatus.DONE, "")


def test_one_candidate_per_run_seed_and_sme(city_a, running_run):
    if connection.vendor != "postgresql":
        pytest.skip("the key treats an empty SME as one value (NULLS NOT DISTINCT): PostgreSQL 15+ only")
    with scopes_disabled():
        patent = PatentFactory(municipality=city_a, company=LargeCompanyFactory(municipality=city_a))
        values = {
            "municipality": city_a,
            "run": running_run,
            "patent": patent,
            "sme": None,
            "score": 1.0,
            "relevance": 1.0,
            "fit_adjustment": 0.0,
        }
        ScreeningCandidate.objects.create(rank=1, **values)
        with pytest.raises(IntegrityError), transaction.atomic():
            ScreeningCandidate.objects.create(rank=2, **values)
        assert ScreeningCandidate.objects.filter(run=running_run).count() == 1


def test_the_sweep_fails_a_run_interrupted_too_often_and_leaves_a_fresh_one(city_a, running_run, settings):
    settings.KAWASAKI_JOB_MAX_ATTEMPTS = 0
    coordinator = make_member(city_a, Role.COORDINATOR)
    with scopes_disabled():
        fresh = ScreeningRun.objects.create(
            municipality=city_a,
            direction=Direction.SME_TO_SEEDS,
            query_text="センサ",
            created_by=coordinator,
            status=RunStatus.RUNNING,
            enqueued_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    counts = jobs_sweep()
    assert counts["failed"] == 1
    with scopes_disabled():
        running_run.refresh_from_db()
        fresh.refresh_from_db()
    assert running_run.status == RunStatus.FAILED
    assert "1" in running_run.error
    assert (fresh.status, fresh.attempts) == (RunStatus.RUNNING, 0)
