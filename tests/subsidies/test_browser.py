"""The SME member's journey in a real browser: see which programmes fit, start an application from the
eligibility page, submit it."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from kawasaki.models import Role
from subsidies.models import Application
from tests.conftest import enrol_totp, make_member, totp_now
from tests.factories import MunicipalityFactory
from tests.factories.core import PASSWORD
from tests.factories.smes import SMEFactory
from tests.factories.subsidies import ApplicationFactory, ProgrammeFactory, ProgrammeWindowFactory
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


@pytest.mark.django_db(transaction=True)
def test_coordinator_withdraws_an_application_and_deletes_an_unused_window(live_server, page):
    city = MunicipalityFactory(slug="kawasaki", name_ja="川崎市", name_en="Kawasaki City")
    today = timezone.localdate()
    with scopes_disabled():
        sme = SMEFactory(municipality=city, name_ja="川崎精工株式会社", industry="E", employees=40)
        programme = ProgrammeFactory(municipality=city, name="共同研究開発補助金")
        used = ProgrammeWindowFactory(
            programme=programme, label="後期", opens_on=today - dt.timedelta(days=3), closes_on=today
        )
        ProgrammeWindowFactory(
            programme=programme,
            label="誤登録",
            opens_on=today + dt.timedelta(days=30),
            closes_on=today + dt.timedelta(days=60),
        )
        application = ApplicationFactory(
            sme=sme,
            programme=programme,
            window=used,
            title="筐体の共同設計",
            status="submitted",
            submitted_on=today,
        )
    coordinator = make_member(city, Role.COORDINATOR, email="coord@city.example.jp", with_mfa=False)
    secret = enrol_totp(coordinator)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", "coord@city.example.jp")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.fill("input[name=code]", totp_now(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/m/kawasaki/")

    page.goto(f"{live_server.url}/m/kawasaki/subsidies/applications/{application.pk}/")
    # The pre-selected move is a step forward, never the step back to draft.
    options = page.locator("select[name=new_status] option")
    assert options.evaluate_all("os => os.map(o => o.value)") == ["granted", "rejected", "draft"]
    page.fill("textarea[name='withdraw-reason']", "別の補助制度に申請するため")
    page.get_by_role("button", name="取り下げる").click()
    page.wait_for_url(f"**/subsidies/applications/{application.pk}/")
    assert page.get_by_test_id("status").inner_text() == "取り下げ済み"
    assert page.get_by_test_id("withdrawal-reason").inner_text() == "別の補助制度に申請するため"

    page.goto(f"{live_server.url}/m/kawasaki/subsidies/programmes/{programme.pk}/")
    windows = page.locator("section[aria-labelledby=windows-h] li")
    windows.filter(has_text="後期").get_by_role("link", name="削除").click()
    assert page.get_by_test_id("delete-error").inner_text() == (
        "この公募回は削除できません。1件の申請が使っています。日付の修正で対応してください。"
    )
    page.go_back()
    windows.filter(has_text="誤登録").get_by_role("link", name="削除").click()
    page.get_by_role("button", name="公募回を削除する").click()
    page.wait_for_url(f"**/subsidies/programmes/{programme.pk}/")
    assert windows.evaluate_all("els => els.map(e => e.innerText.split(':')[0])") == ["後期"]
    assert page.locator(".messages").inner_text() == "公募回「誤登録」を削除しました。"
    with scopes_disabled():
        assert Application.objects.get().status == "withdrawn"
    assert page.console_errors == []
