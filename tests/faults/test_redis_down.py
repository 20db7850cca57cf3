"""Redis frozen (SIGSTOP) or shut down while the web client starts background work.

The page answers within two seconds with "background work is paused; your request is saved", the
job's row is recorded as not yet queued, login still works, and the job runs once Redis is back
(queued by the sweep a worker runs when it starts).
"""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from kawasaki.jobs import jobs_sweep
from kawasaki.models import AuditEntry, Role
from matching.models import RunStatus, ScreeningRun
from patents.models import ImportState, PortfolioImport
from tests.conftest import make_member, mark_session_mfa_passed
from tests.factories.patents import LargeCompanyFactory, PatentFactory

from .conftest import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

PAUSED_JA = "バックグラウンド処理が一時停止しています"


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_redis_frozen_then_down_while_starting_jobs(fault_workers, city_a, client):
    redis = fault_workers.redis
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a)
        PatentFactory(
            municipality=city_a, company=company, title="土壌水分センサ", abstract="土壌の水分を測る。"
        )
    coordinator = make_member(city_a, Role.COORDINATOR)
    sme_user = make_member(city_a, Role.SME_MEMBER, email="sme-login@example.jp")
    sme_user.set_password("a-long-password-for-tests")
    sme_user.save()
    client.force_login(coordinator)
    mark_session_mfa_passed(client, coordinator)
    run_url = reverse("screeningrun_create", kwargs={"municipality": city_a.slug})
    import_url = reverse("import_list", kwargs={"municipality": city_a.slug})

    # 1. Frozen: connections open, nothing answers. Each request must give up on Redis quickly.
    redis.freeze()
    response, seconds = _timed(
        lambda: client.post(run_url, {"query_text": "土壌 水分", "top_k": 5}, HTTP_ACCEPT_LANGUAGE="ja")
    )
    print(f"FAULT redis-frozen start-run answered in {seconds:.2f} s")
    assert seconds < 2.0, seconds
    assert response.status_code == 302
    assert "/matching/runs/" in response["Location"]
    assert response["X-Background-Paused"] == "1"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert PAUSED_JA in page
    with scopes_disabled():
        run = ScreeningRun.objects.get(municipality=city_a)
    assert (run.status, run.enqueued_at) == (RunStatus.QUEUED, None)

    login_client = type(client)()
    response, seconds = _timed(
        lambda: login_client.post(
            reverse("account_login"), {"login": sme_user.email, "password": "a-long-password-for-tests"}
        )
    )
    print(f"FAULT redis-frozen login answered in {seconds:.2f} s")
    assert seconds < 2.0, seconds
    assert response.status_code == 302, response.content[:500]
    assert "_auth_user_id" in login_client.session

    # 2. Shut down: connections refused.
    redis.shutdown()
    upload = SimpleUploadedFile(
        "p.csv", b"number,title,abstract\nJP9,Seed,Abstract\n", content_type="text/csv"
    )
    response, seconds = _timed(lambda: client.post(import_url, {"company": company.pk, "file": upload}))
    print(f"FAULT redis-down upload answered in {seconds:.2f} s")
    assert seconds < 2.0, seconds
    assert response.status_code == 302
    assert response["X-Background-Paused"] == "1"
    with scopes_disabled():
        portfolio_import = PortfolioImport.objects.get(company=company)
    assert (portfolio_import.state, portfolio_import.enqueued_at) == (ImportState.QUEUED, None)
    assert jobs_sweep()["queued"] == 0  # still down: nothing queued, nothing lost

    # 3. Redis is back (its append-only file kept what it had): a worker starts and its start-up
    # sweep queues both recorded jobs, which then run.
    redis.start()
    fault_workers.start()

    def finished():
        with scopes_disabled():
            run.refresh_from_db()
            portfolio_import.refresh_from_db()
        return run.is_finished and portfolio_import.state not in (ImportState.QUEUED, ImportState.VALIDATING)

    back = time.monotonic()
    wait_until(finished, timeout=90, interval=0.25, what="both jobs finishing")
    print(f"FAULT redis-back both jobs done {time.monotonic() - back:.1f} s after Redis returned")
    assert run.status == RunStatus.DONE, run.error
    # A publish that timed out on the frozen Redis may still have reached it (the bytes were in its
    # socket buffer): then the message and the sweep both may run it, and it must finish once.
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="screening_run.finished", object_id=str(run.pk)).count() == 1
    assert portfolio_import.state == ImportState.VALID
    assert portfolio_import.new_count == 1
