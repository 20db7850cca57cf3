"""The SME member's journey in a real browser: see which programmes fit, start an application from the
eligibility page, submit it."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from subsidies.models import Application
from tests.factories import MunicipalityFactory
from tests.factories.core import PASSWORD
from tests.factories.smes import SMEFactory
from tests.factories.subsidies import ProgrammeFactory, ProgrammeWindowFactory
from tests.smes.conftest import link_sme_member

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_sme_member_applies_from_the_eligibility_page(live_server, page):
    city = MunicipalityFactory(slug="kawasaki", name_ja="川崎市", name_en="Kawasaki City")
    today = timezone.localdate()
    with scopes_disabled():
        sme = SMEFactory(municipality=city, name_ja="川崎精工株式会社", industry="E", employees=40)
        fits = ProgrammeFactory(municipality=city, name="共同研究開発補助金", max_amount_jpy=5_000_000)
        ProgrammeWindowFactory(
            programme=fits,
            label="後期",
            opens_on=today - dt.timedelta(days=3),
            closes_on=today + dt.timedelta(days=20),
        )
        ProgrammeFactory(municipality=city, name="IT導入補助金", industries=["G"])
    link_sme_member(city, sme, email="owner@sme.example.jp")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", "owner@sme.example.jp")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/m/kawasaki/")

    page.locator("nav.site-nav li[data-group=subsidies] summary").click()
    page.get_by_role("link", name="申請できる補助制度").click()
    page.wait_for_url(f"**/subsidies/smes/{sme.pk}/eligibility/")
    items = page.locator("[data-testid=eligibility] > li")
    assert items.evaluate_all("els => els.map(e => e.dataset.status)") == ["qualifies_now", "not_eligible"]
    assert page.locator("[data-rule=industry]").inner_text() == (
        "業種 E は対象外です。対象は日本標準産業分類の大分類 G です。"
    )
    page.get_by_role("link", name="申請を始める").click()
    page.fill("input[name=title]", "振動センサーの試作")
    page.fill("input[name=amount_requested_jpy]", "3000000")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/subsidies/applications/*/")
    assert page.get_by_test_id("status").inner_text() == "下書き"
    assert page.get_by_test_id("amount-requested").inner_text() == "3,000,000円"
    page.select_option("select[name=new_status]", "submitted")
    page.get_by_role("button", name="変更").click()
    page.wait_for_url("**/subsidies/applications/*/")
    assert page.get_by_test_id("status").inner_text() == "申請済み"
    with scopes_disabled():
        application = Application.objects.get()
    assert (application.sme_id, application.programme_id, application.submitted_on) == (
        sme.pk,
        fits.pk,
        today,
    )
    assert page.console_errors == []
