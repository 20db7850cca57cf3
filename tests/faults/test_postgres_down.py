"""PostgreSQL stopped for over a minute (70 s) under running tasks, then started again.

A screening run and an import commit are running in two workers when the suite's own cluster is
stopped (``pg_ctl stop -m fast``: every session is ended and its transaction rolled back, as in a
restart or failover). Each task's next database call fails with ``OperationalError`` and is retried
with the minutes-long backoff (30 s, then 60 s ...), so the second retry finds the database back.
Asserted: both jobs complete once (the run with its 50 candidates, the import with all its rows and
one audit entry), nothing is lost, duplicated or left running; the beat's sweep runs meanwhile as in
production. Needs the cluster ``bin/test`` starts (it exports ``KAWASAKI_TEST_PG_*``); skipped elsewhere.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time

import pytest
from django.db import connection
from django_scopes import scope, scopes_disabled

from kawasaki.jobs import jobs_sweep
from kawasaki.models import AuditEntry, Role
from matching.models import Direction, RunStatus, ScreeningCandidate, ScreeningRun
from patents import services
from patents.models import ImportState, Patent, PortfolioImport
from tests.conftest import make_member
from tests.factories.patents import LargeCompanyFactory

from .conftest import wait_until
from .test_dead_worker import _fresh, _validated_import

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 70
IMPORT_ROWS = 20_000
RUN_SEEDS = 6_000
TOP_K = 50


def _pg_ctl(*args: str) -> None:
    wrapper = shlex.split(os.environ.get("KAWASAKI_TEST_AS_PG", ""))
    pg_ctl = os.path.join(os.environ["KAWASAKI_TEST_PG_BIN"], "pg_ctl")
    data = os.environ["KAWASAKI_TEST_PG_DATA"]
    subprocess.run(
        [*wrapper, pg_ctl, "-D", data, "-l", os.path.join(data, "server.log"), "-w", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.fixture
def postgres_control():
    if not os.environ.get("KAWASAKI_TEST_PG_DATA") or connection.vendor != "postgresql":
        pytest.skip("needs the PostgreSQL cluster bin/test starts (KAWASAKI_TEST_PG_*)")
    stopped = {"now": False}

    def stop():
        connection.close()
        _pg_ctl("-m", "fast", "stop")
        stopped["now"] = True

    def start():
        _pg_ctl("start", "-o", os.environ["KAWASAKI_TEST_PG_OPTS"])
        stopped["now"] = False
        connection.close()  # this process's connection died with the server

    yield stop, start
    if stopped["now"]:  # never leave the suite without its database
        start()


def test_postgres_down_for_over_a_minute_under_a_screening_run_and_an_import(
    postgres_control, fault_workers, city_a
):
    stop, start = postgres_control
    coordinator = make_member(city_a, Role.COORDINATOR)
    with scopes_disabled():
        importing, screened = (
            LargeCompanyFactory(municipality=city_a),
            LargeCompanyFactory(municipality=city_a),
        )
    # Seeds for the run, committed here; the queued index build is dropped so the run builds it (slowly).
    seeds = _validated_import(city_a, screened, RUN_SEEDS)
    with scope(municipality=city_a):
        services.portfolio_import_confirm(portfolio_import=seeds, actor=coordinator, queue=False)
        services.portfolio_import_commit(portfolio_import=_fresh(PortfolioImport, seeds.pk))
    from kawasaki.celery import app

    app.control.purge()
    portfolio_import = _validated_import(city_a, importing, IMPORT_ROWS)
    fault_workers.start()
    fault_workers.start()
    with scope(municipality=city_a):
        from matching.services import SeedFilters, screening_run_start

        services.portfolio_import_confirm(portfolio_import=portfolio_import, actor=coordinator)
        run = screening_run_start(
            municipality=city_a,
            actor=coordinator,
            direction=Direction.SME_TO_SEEDS,
            query_text="金属部品 高精度 加工",
            top_k=TOP_K,
            filters=SeedFilters(include_unpublished=True),
        )

    def both_running():
        imp, r = _fresh(PortfolioImport, portfolio_import.pk), _fresh(ScreeningRun, run.pk)
        return (
            imp.state == ImportState.COMMITTING
            and imp.heartbeat_at is not None
            and r.status == RunStatus.RUNNING
            and r.heartbeat_at is not None
        )

    wait_until(both_running, timeout=120, interval=0.05, what="both jobs running")
    time.sleep(0.3)
    stop()
    down_at = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    start()
    print(f"FAULT postgres down {time.monotonic() - down_at:.1f} s")
    back_at = time.monotonic()

    def both_finished():
        jobs_sweep()  # the beat's sweep, every few seconds here instead of every minute
        imp, r = _fresh(PortfolioImport, portfolio_import.pk), _fresh(ScreeningRun, run.pk)
        return (
            (imp, r)
            if imp.state not in (ImportState.QUEUED, ImportState.VALIDATING, ImportState.COMMITTING)
            and r.is_finished
            else None
        )

    imp, r = wait_until(both_finished, timeout=240, interval=2, what="both jobs finishing after the outage")
    print(f"FAULT postgres-down both finished {time.monotonic() - back_at:.1f} s after the restart")
    assert (imp.state, imp.new_count) == (ImportState.COMMITTED, IMPORT_ROWS)
    assert (r.status, r.candidate_count) == (RunStatus.DONE, TOP_K)
    with scopes_disabled():
        assert Patent.objects.filter(company=importing).count() == IMPORT_ROWS
        assert (
            AuditEntry.objects.filter(action="portfolio_import.committed", object_id=str(imp.pk)).count() == 1
        )
        assert ScreeningCandidate.objects.filter(run=r).count() == TOP_K
