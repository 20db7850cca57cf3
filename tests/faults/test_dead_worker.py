"""A whole worker killed (SIGKILL to its process group) in the middle of an import commit and of a
screening run; and two confirms of one import at the same moment.

After the kill the job's heartbeat stops, its page says "interrupted", the sweep re-queues it, a new
worker runs it, and the database holds all its rows once (or none while it is interrupted).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kawasaki.jobs import jobs_sweep
from kawasaki.models import AuditEntry, Role
from matching.models import Direction, RunStatus, ScreeningCandidate, ScreeningRun
from patents import services
from patents.models import ImportState, Patent, PortfolioImport
from tests.conftest import make_member, mark_session_mfa_passed
from tests.factories.patents import LargeCompanyFactory

from .conftest import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

STALE = dt.timedelta(seconds=2)


def _csv(rows: int, prefix: str = "JP") -> bytes:
    body = "".join(
        f"{prefix}{n},精密加工の種 {n},金属部品を高精度に加工する技術 {n}\n" for n in range(1, rows + 1)
    )
    return ("number,title,abstract\n" + body).encode()


def _validated_import(municipality, company, rows: int) -> PortfolioImport:
    """An import validated in this process (no task), ready to confirm."""
    with scope(municipality=municipality):
        portfolio_import = services.portfolio_import_start(
            municipality=municipality,
            actor=None,
            company=company,
            upload=SimpleUploadedFile("p.csv", _csv(rows)),
            queue=False,
        )
        portfolio_import = services.portfolio_import_validate(portfolio_import=portfolio_import)
    assert portfolio_import.state == ImportState.VALID
    return portfolio_import


def _fresh(model, pk):
    with scopes_disabled():
        return model.objects.get(pk=pk)


def _kill_while_running(workers, proc, model, pk, running_state, state_field):
    """Wait until the job is in ``running_state`` with a heartbeat, then kill the whole worker."""

    def running():
        row = _fresh(model, pk)
        return getattr(row, state_field) == running_state and row.heartbeat_at is not None

    wait_until(running, timeout=90, interval=0.05, what="the job starting")
    time.sleep(1.0)  # well inside the work: several heartbeats
    workers.kill(proc)
    row = _fresh(model, pk)
    assert getattr(row, state_field) == running_state, "the job finished before the kill; make it bigger"
    return row


def _interrupted_after_kill(model, pk):
    time.sleep(STALE.total_seconds() + 0.5)
    row = _fresh(model, pk)
    assert row.is_interrupted
    return row


@pytest.fixture(autouse=True)
def _short_stale(settings):
    settings.KAWASAKI_JOB_STALE_MINUTES = STALE.total_seconds() / 60


def test_worker_killed_during_an_import_commit(fault_workers, city_a):
    rows = 20_000
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a)
    staff = make_member(city_a, Role.COORDINATOR)
    portfolio_import = _validated_import(city_a, company, rows)
    first = fault_workers.start()
    with scope(municipality=city_a):
        services.portfolio_import_confirm(portfolio_import=portfolio_import, actor=staff)
    _kill_while_running(
        fault_workers, first, PortfolioImport, portfolio_import.pk, ImportState.COMMITTING, "state"
    )
    with scopes_disabled():
        # All or none: the commit is one transaction, and the killed worker's is rolled back.
        wait_until(
            lambda: Patent.objects.filter(company=company).count() == 0, timeout=10, what="the rollback"
        )
    row = _interrupted_after_kill(PortfolioImport, portfolio_import.pk)
    client = Client()
    client.force_login(staff)
    mark_session_mfa_passed(client, staff)
    page = client.get(
        reverse("import_detail", kwargs={"municipality": city_a.slug, "pk": row.pk}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert b'data-testid="import-interrupted"' in page.content
    assert b'data-testid="import-retry"' in page.content

    fault_workers.start()
    swept = time.monotonic()
    assert jobs_sweep(stale=STALE)["requeued"] == 1
    committed = wait_until(
        lambda: (r := _fresh(PortfolioImport, portfolio_import.pk)).state != ImportState.COMMITTING and r,
        timeout=120,
        interval=0.25,
        what="the re-queued commit",
    )
    print(f"FAULT killed-commit committed {time.monotonic() - swept:.1f} s after the sweep")
    assert (committed.state, committed.new_count, committed.attempts) == (ImportState.COMMITTED, rows, 1)
    with scopes_disabled():
        assert Patent.objects.filter(company=company).count() == rows
        assert (
            AuditEntry.objects.filter(action="portfolio_import.committed", object_id=str(row.pk)).count() == 1
        )


def test_worker_killed_during_a_screening_run(fault_workers, city_a):
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a)
    coordinator = make_member(city_a, Role.COORDINATOR)
    # Enough seeds that the run (which builds the seed index in the worker) takes a few seconds.
    portfolio_import = _validated_import(city_a, company, 6_000)
    with scope(municipality=city_a):
        services.portfolio_import_confirm(portfolio_import=portfolio_import, actor=coordinator, queue=False)
        services.portfolio_import_commit(portfolio_import=_fresh(PortfolioImport, portfolio_import.pk))
    # The commit queued an index build; drop it, so that the run builds the index itself (slowly).
    from kawasaki.celery import app

    app.control.purge()
    first = fault_workers.start()
    with scope(municipality=city_a):
        from matching.services import SeedFilters, screening_run_start

        run = screening_run_start(
            municipality=city_a,
            actor=coordinator,
            direction=Direction.SME_TO_SEEDS,
            query_text="金属部品 高精度 加工",
            top_k=50,
            filters=SeedFilters(include_unpublished=True),  # imported seeds are not published yet
        )
    _kill_while_running(fault_workers, first, ScreeningRun, run.pk, RunStatus.RUNNING, "status")
    with scopes_disabled():
        assert ScreeningCandidate.objects.filter(run=run).count() == 0
    _interrupted_after_kill(ScreeningRun, run.pk)

    fault_workers.start()
    swept = time.monotonic()
    assert jobs_sweep(stale=STALE)["requeued"] == 1
    done = wait_until(
        lambda: (r := _fresh(ScreeningRun, run.pk)).is_finished and r,
        timeout=120,
        interval=0.25,
        what="the re-queued run",
    )
    print(f"FAULT killed-run done {time.monotonic() - swept:.1f} s after the sweep")
    assert (done.status, done.candidate_count, done.attempts) == (RunStatus.DONE, 50, 1)
    with scopes_disabled():
        assert ScreeningCandidate.objects.filter(run=run).count() == 50


def test_two_simultaneous_confirms_commit_once(city_a):
    """Two coordinators press "confirm" at the same moment: one commit, and the page says imported."""
    rows = 300
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a)
    staff = [make_member(city_a, Role.COORDINATOR) for _ in range(2)]
    portfolio_import = _validated_import(city_a, company, rows)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm_and_commit(user):
        # What the page and the worker do, in one thread each: confirm, then run the commit task body
        # (twice over: a redelivered copy of the message must also change nothing).
        try:
            barrier.wait()
            with scope(municipality=city_a):
                try:
                    services.portfolio_import_confirm(
                        portfolio_import=_fresh(PortfolioImport, portfolio_import.pk), actor=user, queue=False
                    )
                    outcomes.append("confirmed")
                except Exception as error:
                    outcomes.append(type(error).__name__)
                services.portfolio_import_commit(
                    portfolio_import=_fresh(PortfolioImport, portfolio_import.pk)
                )
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm_and_commit, args=(user,)) for user in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ValidationError", "confirmed"]
    final = _fresh(PortfolioImport, portfolio_import.pk)
    assert (final.state, final.new_count) == (ImportState.COMMITTED, rows)
    with scopes_disabled():
        assert Patent.objects.filter(company=company).count() == rows
        assert AuditEntry.objects.filter(action="portfolio_import.committed").count() == 1
    # A late failure hook (a crashed second copy) must not turn COMMITTED into "failed".
    with scope(municipality=city_a):
        assert services.portfolio_import_fail(portfolio_import=final, reason="boom") is False
    assert _fresh(PortfolioImport, portfolio_import.pk).state == ImportState.COMMITTED
    client = Client()
    client.force_login(staff[0])
    mark_session_mfa_passed(client, staff[0])
    page = client.get(
        reverse("import_detail", kwargs={"municipality": city_a.slug, "pk": final.pk}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert b'data-state="committed"' in page.content


def test_a_sweep_fails_a_job_interrupted_too_often(city_a, settings):
    settings.KAWASAKI_JOB_MAX_ATTEMPTS = 1
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a)
    portfolio_import = _validated_import(city_a, company, 3)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    with scopes_disabled():
        PortfolioImport.objects.filter(pk=portfolio_import.pk).update(
            state=ImportState.COMMITTING, heartbeat_at=long_ago, enqueued_at=long_ago, attempts=1
        )
    assert jobs_sweep(stale=STALE)["failed"] == 1
    row = _fresh(PortfolioImport, portfolio_import.pk)
    assert (row.state, row.attempts) == (ImportState.FAILED, 2)
    assert "Interrupted 2 times" in row.errors[0]["params"]["reason"]
