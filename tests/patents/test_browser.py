"""Company IP staff upload a portfolio in the browser and watch the progress bar finish (real worker)."""

import pytest
from django_scopes import scopes_disabled

from patents.models import Patent, PortfolioImport
from tests.factories.core import PASSWORD
from tests.factories.patents import LargeCompanyFactory, company_staff

pytestmark = pytest.mark.browser


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_upload_watch_progress_and_confirm(
    live_server, page, city_a, celery_worker_process, settings, tmp_path
):

    settings.MEDIA_ROOT = celery_worker_process.media_root  # where the worker reads and writes files
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a, name_ja="ブラウザ電機")
        company_staff(company, email="ip@browser.example.com")
    upload = tmp_path / "portfolio.csv"
    rows = "".join(f"JP{8000000 + n}B2,試験シーズ{n},要約{n}\n" for n in range(3000))
    upload.write_text("番号,発明の名称,要約\n" + rows, encoding="utf-8")

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", "ip@browser.example.com")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/m/city-a/")

    page.goto(live_server.url + "/m/city-a/patents/imports/")
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_test_id("import-form").get_by_role("button", name="アップロードして確認").click()
    page.get_by_test_id("import-status").wait_for()
    # The page polls with htmx until the worker has checked every row; then the report replaces it.
    page.locator("[data-testid=import-status][data-state=valid]").wait_for(timeout=240_000)
    assert page.get_by_test_id("new-count").inner_text() == "3000"
    page.get_by_test_id("confirm-import").click()
    page.locator("[data-testid=import-status][data-state=committed]").wait_for(timeout=240_000)
    with scopes_disabled():
        assert Patent.objects.filter(company=company).count() == 3000
        PortfolioImport.objects.get().file.delete(save=False)
    assert page.console_errors == []
