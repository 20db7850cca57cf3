"""The import through the real Celery worker (started by the celery_worker_process fixture)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from patents import services
from patents.models import ImportState, Patent, PortfolioImport
from tests.factories.core import MunicipalityFactory
from tests.factories.patents import LargeCompanyFactory, company_staff


def wait_for(pk, states, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with scopes_disabled():
            portfolio_import = PortfolioImport.objects.get(pk=pk)
        if portfolio_import.state in states:
            return portfolio_import
        time.sleep(0.2)
    raise AssertionError(f"import {pk} still {portfolio_import.state}")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_import_validates_and_commits_in_the_worker(celery_worker_process, settings):

    # The worker process stores and reads uploads under the configured media folder, not the
    # per-test one the suite's autouse fixture sets; both processes must agree on where files are.
    settings.MEDIA_ROOT = celery_worker_process.media_root
    municipality = MunicipalityFactory(slug="worker-city")
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=municipality, name_ja="ワーカー電機")
        staff = company_staff(company)
    rows = "".join(f"JP{n},Seed {n},Abstract {n}\n" for n in range(1, 5001))
    content = ("number,title,abstract\n" + rows).encode()
    with scope(municipality=municipality):
        portfolio_import = services.portfolio_import_start(
            municipality=municipality,
            actor=staff,
            company=company,
            upload=SimpleUploadedFile("p.csv", content),
        )
    validated = wait_for(portfolio_import.pk, {ImportState.VALID, ImportState.INVALID, ImportState.FAILED})
    assert (validated.state, validated.total_rows, validated.processed_rows, validated.new_count) == (
        "valid",
        5000,
        5000,
        5000,
    )
    with scope(municipality=municipality):
        services.portfolio_import_confirm(portfolio_import=validated, actor=staff)
    committed = wait_for(
        portfolio_import.pk, {ImportState.COMMITTED, ImportState.INVALID, ImportState.FAILED}
    )
    assert (committed.state, committed.new_count, committed.committed_by) == ("committed", 5000, staff)
    with scopes_disabled():
        assert Patent.objects.filter(company=company).count() == 5000
        assert Patent.objects.get(company=company, number="JP4321").title == "Seed 4321"
    committed.file.delete(save=False)
