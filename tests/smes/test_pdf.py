"""The business plan PDF off the request path: requested by the page, rendered by the task, kept per
version and language, rendered again only when what it prints changes.

These tests run the task in this process (the worker's own test is tests/smes/test_worker.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from smes import pdf as plan_pdf
from smes import services
from smes.models import PlanPdf, PlanPdfState, PlanVersion
from smes.tasks import render_plan_pdf_task
from tests.factories.smes import BusinessPlanFactory
from tests.helpers.db_state import assert_db_unchanged

pytestmark = pytest.mark.django_db


def url(name, municipality, **kwargs):
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


def render_pending_pdfs() -> int:
    """Do what the worker does for every pending (or re-queued rendering) PDF, in this process."""
    with scopes_disabled():
        pending = list(PlanPdf.objects.filter(state__in=(PlanPdfState.PENDING, PlanPdfState.RENDERING)))
    for pdf in pending:
        render_plan_pdf_task(municipality_id=pdf.municipality_id, pdf_id=pdf.pk)
    return len(pending)


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def submitted(city_a, sme_a, sme_member_a):
    with scope(municipality=city_a):
        plan = BusinessPlanFactory(sme=sme_a, title="振動センサー事業計画", product_concept="電池で3年動く")
        services.business_plan_set_status(plan=plan, new_status="submitted", actor=sme_member_a)
        return PlanVersion.objects.get(plan=plan)


def test_submitting_queues_the_japanese_pdf(submitted):
    with scopes_disabled():
        pdf = PlanPdf.objects.get(version=submitted)
    assert (pdf.language, pdf.state, bool(pdf.file)) == ("ja", "pending", False)


def test_page_waits_then_serves_the_stored_pdf_without_rendering_again(
    client_of, city_a, submitted, sme_member_a
):
    client = client_of(sme_member_a)
    pdf_url = url("planversion_pdf", city_a, pk=submitted.plan_id, number=1)
    status_url = url("planversion_pdf_status", city_a, pk=submitted.plan_id, number=1)

    waiting = client.get(pdf_url)
    assert (waiting.status_code, waiting["Content-Type"]) == (200, "text/html; charset=utf-8")
    body = waiting.content.decode()
    assert "PDF を作成しています" in body
    assert f'hx-get="{status_url}"' in body
    assert 'hx-trigger="every 1s"' in body
    fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="pending"' in fragment
    assert "hx-get" in fragment

    assert render_pending_pdfs() == 1
    fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="ready"' in fragment
    assert "hx-get" not in fragment
    assert f'href="{pdf_url}"' in fragment

    response = client.get(pdf_url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    text = pdf_text(response)
    for expected in ("事業計画書", "振動センサー事業計画", "川崎精工株式会社", "電池で3年動く"):
        assert expected in text
    with scopes_disabled():
        stored = PlanPdf.objects.get(version=submitted, language="ja")
    # Reused: asked again, nothing is queued and the same file is served.
    for _ in range(2):
        again = client.get(pdf_url)
        assert again["Content-Type"] == "application/pdf"
        assert b"".join(again.streaming_content) == Path(stored.file.path).read_bytes()
    assert render_pending_pdfs() == 0
    with scopes_disabled():
        assert PlanPdf.objects.get(pk=stored.pk).rendered_at == stored.rendered_at


def test_version_page_shows_preparing_then_the_download_link(client_of, city_a, submitted, coordinator_a):
    page_url = url("planversion_detail", city_a, pk=submitted.plan_id, number=1)
    client = client_of(coordinator_a)
    assert 'data-state="pending"' in client.get(page_url).content.decode()
    render_pending_pdfs()
    page = client.get(page_url).content.decode()
    assert 'data-testid="plan-pdf-download"' in page


def test_english_reader_gets_an_english_pdf_of_its_own(client_of, city_a, submitted, sme_member_a):
    client = client_of(sme_member_a)
    client.cookies["django_language"] = "en"
    pdf_url = url("planversion_pdf", city_a, pk=submitted.plan_id, number=1)
    assert "Preparing the PDF" in client.get(pdf_url).content.decode()
    assert render_pending_pdfs() == 2  # the Japanese one queued at submission, and this one
    response = client.get(pdf_url)
    assert response["Content-Language"] == "en"
    text = pdf_text(response)
    assert "Business plan" in text
    assert "事業計画書" not in text
    with scopes_disabled():
        assert sorted(PlanPdf.objects.filter(version=submitted).values_list("language", flat=True)) == [
            "en",
            "ja",
        ]


def test_shared_feedback_renders_again_internal_notes_never_printed(
    client_of, city_a, submitted, sme_member_a, coordinator_a
):
    pdf_url = url("planversion_pdf", city_a, pk=submitted.plan_id, number=1)
    render_pending_pdfs()
    with scope(municipality=city_a):
        services.plan_comment_add(
            version=submitted,
            actor=coordinator_a,
            section="budget",
            body="内部メモ：与信に懸念",
            internal=True,
        )
        # An internal note is not printed, so the stored PDF is still the right one.
        assert plan_pdf.plan_pdf_request(version=submitted, language="ja").state == "ready"
        services.plan_comment_add(
            version=submitted, actor=coordinator_a, section="budget", body="資金計画を具体的に"
        )
    client = client_of(coordinator_a)
    assert "PDF を作成しています" in client.get(pdf_url).content.decode()
    with scopes_disabled():
        old_file = PlanPdf.objects.get(version=submitted, language="ja").file.path
    assert render_pending_pdfs() == 1
    text = pdf_text(client.get(pdf_url))
    assert "資金計画を具体的に" in text
    assert "内部メモ" not in text  # not even for a coordinator
    with scopes_disabled():
        assert PlanPdf.objects.get(version=submitted, language="ja").file.path != old_file
    assert not Path(old_file).exists()  # the previous rendering is not kept


def test_a_changed_applicant_name_makes_the_pdf_stale(city_a, submitted, sme_a, coordinator_a):
    render_pending_pdfs()
    with scope(municipality=city_a):
        assert plan_pdf.plan_pdf_request(version=submitted, language="ja").state == "ready"
        services.sme_update(sme=sme_a, actor=coordinator_a, data={"name_ja": "川崎精密工業株式会社"})
        submitted = PlanVersion.objects.select_related("plan__sme").get(pk=submitted.pk)
        assert plan_pdf.plan_pdf_request(version=submitted, language="ja").state == "pending"


def test_a_failed_render_stops_polling_and_offers_a_retry(client_of, city_a, submitted, sme_member_a):
    with scopes_disabled():
        pdf = PlanPdf.objects.get(version=submitted)
        plan_pdf.plan_pdf_fail(pdf=pdf)
    client = client_of(sme_member_a)
    status_url = url("planversion_pdf_status", city_a, pk=submitted.plan_id, number=1)
    fragment = client.get(status_url).content.decode()
    assert 'data-state="failed"' in fragment
    assert "hx-get" not in fragment
    assert "PDF を作成できませんでした" in fragment
    with scopes_disabled():
        assert PlanPdf.objects.get(pk=pdf.pk).state == "failed"  # polling did not restart it
    # Opening the PDF page does not restart it either; the "try again" link (?retry=1) does.
    pdf_url = url("planversion_pdf", city_a, pk=submitted.plan_id, number=1)
    assert f'href="{pdf_url}?retry=1"' in fragment
    with assert_db_unchanged():
        assert 'data-state="failed"' in client.get(pdf_url).content.decode()
    assert "PDF を作成しています" in client.get(pdf_url + "?retry=1").content.decode()
    with scopes_disabled():
        assert PlanPdf.objects.get(pk=pdf.pk).state == "pending"


def test_a_task_run_twice_renders_once(submitted):
    with scopes_disabled():
        pdf = PlanPdf.objects.get(version=submitted)
    render_plan_pdf_task(municipality_id=pdf.municipality_id, pdf_id=pdf.pk)
    with scopes_disabled():
        first = PlanPdf.objects.get(pk=pdf.pk)
    render_plan_pdf_task(municipality_id=pdf.municipality_id, pdf_id=pdf.pk)
    render_plan_pdf_task(municipality_id=pdf.municipality_id, pdf_id=pdf.pk + 1000)  # gone: quietly
    with scopes_disabled():
        second = PlanPdf.objects.get(pk=pdf.pk)
    assert (second.state, second.file.name, second.rendered_at) == (
        "ready",
        first.file.name,
        first.rendered_at,
    )


def test_other_smes_member_cannot_reach_the_pdf_or_its_status(client_of, city_a, submitted, other_sme_a):
    from tests.smes.conftest import link_sme_member

    other = client_of(link_sme_member(city_a, other_sme_a))
    # Opening the PDF queues its rendering: a refused request must not.
    with assert_db_unchanged():
        for name in ("planversion_pdf", "planversion_pdf_status"):
            assert other.get(url(name, city_a, pk=submitted.plan_id, number=1)).status_code == 404
