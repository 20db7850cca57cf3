"""The business plan PDF made by the real Celery worker (started by the celery_worker_process fixture)."""

import subprocess
import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from smes import services
from smes.models import PlanPdf, PlanVersion
from tests.factories.core import MunicipalityFactory
from tests.factories.smes import BusinessPlanFactory, SMEFactory
from tests.smes.conftest import link_sme_member


@pytest.fixture(autouse=True)
def _site_language_afterwards():
    """The test client leaves the last request's language active in this thread; an English request
    must not change the language of the tests that run after this one."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


def wait_until_ready(client, status_url, timeout=120):
    """Poll the status fragment as the page's htmx does, until the worker has stored the PDF."""
    deadline = time.monotonic() + timeout
    states = []
    while time.monotonic() < deadline:
        fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
        state = fragment.split('data-state="', 1)[1].split('"', 1)[0]
        states.append(state)
        if state not in ("pending", "rendering"):  # queued, or a worker on it
            return state, states
        time.sleep(0.2)
    raise AssertionError(f"the PDF is still being prepared after {timeout} s: {states[-5:]}")


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_renders_the_plan_pdf_once_and_again_after_feedback(
    celery_worker_process, settings, client_of, member_factory
):
    from kawasaki.models import Role

    # The worker stores files under the configured media folder, not the per-test one.
    settings.MEDIA_ROOT = celery_worker_process.media_root
    municipality = MunicipalityFactory(slug="pdf-worker-city", name_ja="ワーカー市")
    coordinator = member_factory(municipality, Role.COORDINATOR)
    with scopes_disabled():
        sme = SMEFactory(municipality=municipality, name_ja="ワーカー精機株式会社")
    member = link_sme_member(municipality, sme)
    with scope(municipality=municipality):
        plan = BusinessPlanFactory(sme=sme, title="小型ポンプ事業計画", product_concept="医療用の小型ポンプ")
        # Submitting queues the Japanese PDF on commit: the worker starts before anyone asks.
        services.business_plan_set_status(plan=plan, new_status="submitted", actor=member)
        version = PlanVersion.objects.get(plan=plan)
    kwargs = {"municipality": municipality.slug, "pk": plan.pk, "number": 1}
    pdf_url = reverse("planversion_pdf", kwargs=kwargs)
    status_url = reverse("planversion_pdf_status", kwargs=kwargs)
    client = client_of(member)

    state, _polls = wait_until_ready(client, status_url)
    assert state == "ready"
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    for expected in ("事業計画書", "小型ポンプ事業計画", "ワーカー精機株式会社", "医療用の小型ポンプ"):
        assert expected in text
    with scopes_disabled():
        first = PlanPdf.objects.get(version=version, language="ja")

    # A frozen version's PDF is rendered once: later readers get the stored file.
    assert client_of(coordinator).get(pdf_url)["Content-Type"] == "application/pdf"
    time.sleep(1)
    with scopes_disabled():
        assert PlanPdf.objects.get(pk=first.pk).rendered_at == first.rendered_at

    # Feedback the SME reads is printed, so the worker renders the version again.
    with scope(municipality=municipality):
        services.plan_comment_add(
            version=version, actor=coordinator, section="budget", body="補助金の活用を検討してください"
        )
    state, _polls = wait_until_ready(client, status_url)
    assert state == "ready"
    assert "補助金の活用を検討してください" in pdf_text(client.get(pdf_url))
    with scopes_disabled():
        second = PlanPdf.objects.get(pk=first.pk)
    assert second.rendered_at > first.rendered_at
    assert second.file.name != first.file.name

    # An English reader gets an English PDF, made by the worker on request.
    english = client_of(member)
    english.cookies["django_language"] = "en"
    assert "Preparing the PDF" in english.get(pdf_url).content.decode()
    state, _polls = wait_until_ready(english, status_url)
    assert state == "ready"
    assert "Business plan" in pdf_text(english.get(pdf_url))

    with scopes_disabled():
        for pdf in PlanPdf.objects.filter(version=version):
            pdf.file.delete(save=False)
