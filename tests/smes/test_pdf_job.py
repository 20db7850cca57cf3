"""The plan PDF render as a job row (kawasaki.jobs): heartbeat, interrupted on the page with a retry,
the sweep queueing and re-queueing it, and a page that never re-queues a render by itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kawasaki.jobs import jobs_sweep
from smes import pdf as plan_pdf
from smes import services
from smes.models import PlanPdf, PlanPdfState, PlanVersion
from tests.factories.smes import BusinessPlanFactory
from tests.helpers.db_state import assert_db_unchanged
from tests.smes.test_pdf import render_pending_pdfs

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(hours=1)


def url(name, municipality, version, **query):
    base = reverse(name, kwargs={"municipality": municipality.slug, "pk": version.plan_id, "number": 1})
    return base + ("?retry=1" if query.get("retry") else "")


def _row(version) -> PlanPdf:
    with scopes_disabled():
        return PlanPdf.objects.get(version=version, language="ja")


def _set(version, **values) -> None:
    with scopes_disabled():
        PlanPdf.objects.filter(version=version, language="ja").update(**values)


@pytest.fixture
def submitted(city_a, sme_a, sme_member_a):
    """A submitted plan version; submitting asked for its Japanese PDF."""
    with scope(municipality=city_a):
        plan = BusinessPlanFactory(sme=sme_a, title="振動センサー事業計画")
        services.business_plan_set_status(plan=plan, new_status="submitted", actor=sme_member_a)
        return PlanVersion.objects.get(plan=plan)


@pytest.fixture
def interrupted(submitted):
    """A render a worker claimed an hour ago and has not been heard of since (a killed worker)."""
    _set(
        submitted,
        state=PlanPdfState.RENDERING,
        requested_at=timezone.now() - LONG_AGO,
        enqueued_at=timezone.now() - LONG_AGO,
        heartbeat_at=timezone.now() - LONG_AGO,
    )
    return submitted


def test_the_task_beats_while_it_renders_and_clears_nothing_it_should_keep(submitted):
    assert render_pending_pdfs() == 1
    row = _row(submitted)
    assert (row.state, row.error, bool(row.file)) == ("ready", "", True)
    assert row.heartbeat_at is not None  # the heartbeat stamped the row while the task ran


def test_an_interrupted_render_says_so_and_only_the_retry_link_queues_it(
    client_of, city_a, interrupted, sme_member_a
):
    client = client_of(sme_member_a)
    status_url = url("planversion_pdf_status", city_a, interrupted)
    pdf_url = url("planversion_pdf", city_a, interrupted)
    with assert_db_unchanged():  # neither polling nor opening the page re-queues it by itself
        fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
        page = client.get(pdf_url).content.decode()
    for body in (fragment, page):
        assert 'data-state="interrupted"' in body
        assert "plan-pdf-interrupted" in body
        assert f'href="{pdf_url}?retry=1"' in body
        assert "PDF の作成中にバックグラウンドワーカーが停止しました" in body
    assert "hx-get" not in fragment  # no polling of a render nobody is doing
    client.get(url("planversion_pdf", city_a, interrupted, retry=True))
    row = _row(interrupted)
    assert (row.state, row.heartbeat_at, row.attempts) == ("pending", None, 0)
    assert render_pending_pdfs() == 1
    assert _row(interrupted).state == "ready"


def test_a_long_pending_render_is_left_to_the_queue_not_requeued_by_the_page(
    client_of,
    city_a,
    submitted,
    sme_member_a,
):
    # Queued an hour ago and still waiting (a long queue): the page used to queue it again after 5 min.
    _set(submitted, requested_at=timezone.now() - LONG_AGO, enqueued_at=timezone.now() - LONG_AGO)
    with assert_db_unchanged():
        body = client_of(sme_member_a).get(url("planversion_pdf", city_a, submitted)).content.decode()
    assert 'data-state="pending"' in body
    assert "plan-pdf-paused" not in body


def test_a_render_never_handed_to_the_queue_says_paused_and_the_sweep_queues_it(
    client_of,
    city_a,
    submitted,
    sme_member_a,
):
    _set(submitted, requested_at=timezone.now() - LONG_AGO, enqueued_at=None)
    body = client_of(sme_member_a).get(url("planversion_pdf_status", city_a, submitted)).content.decode()
    assert "plan-pdf-paused" in body
    counts = jobs_sweep()
    assert counts["queued"] >= 1
    assert _row(submitted).enqueued_at is not None


def test_the_sweep_requeues_an_interrupted_render_then_gives_up(interrupted, settings):
    counts = jobs_sweep()
    assert counts["requeued"] == 1
    row = _row(interrupted)
    assert (row.state, row.attempts) == ("rendering", 1)
    assert row.heartbeat_at > timezone.now() - dt.timedelta(minutes=1)
    # The re-queued task takes the row over and finishes it.
    assert render_pending_pdfs() == 1
    assert _row(interrupted).state == "ready"

    settings.KAWASAKI_JOB_MAX_ATTEMPTS = 1
    _set(interrupted, state=PlanPdfState.RENDERING, heartbeat_at=timezone.now() - LONG_AGO, attempts=1)
    assert jobs_sweep()["failed"] == 1
    row = _row(interrupted)
    assert row.state == "failed"
    assert "2" in row.error


def test_a_render_claimed_for_an_older_request_does_not_store_its_file(
    city_a,
    submitted,
    coordinator_a,
):
    with scopes_disabled():
        stale_copy = PlanPdf.objects.select_related("version").get(version=submitted, language="ja")
    with scope(municipality=city_a):
        services.plan_comment_add(version=submitted, actor=coordinator_a, section="budget", body="具体的に")
        plan_pdf.plan_pdf_render(pdf=stale_copy)  # the copy queued before the comment, late
    row = _row(submitted)
    assert (row.state, bool(row.file)) == ("pending", False)
    assert render_pending_pdfs() == 1
    assert _row(submitted).state == "ready"


def test_a_failure_mark_never_overwrites_a_ready_pdf(submitted):
    render_pending_pdfs()
    with scopes_disabled():
        plan_pdf.plan_pdf_fail(pdf=_row(submitted), reason="late copy failed")
    assert (_row(submitted).state, _row(submitted).error) == ("ready", "")
