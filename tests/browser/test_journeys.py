"""The first journey every user takes: sign in (with the authenticator code), see the dashboard,
switch the language."""

import pytest

from kawasaki.models import Role
from tests.conftest import enrol_totp, make_member, totp_now
from tests.factories import MunicipalityFactory
from tests.factories.core import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_coordinator_signs_in_with_totp_and_switches_language(live_server, page):
    city = MunicipalityFactory(slug="kawasaki", name_ja="川崎市", name_en="Kawasaki City")
    user = make_member(city, Role.COORDINATOR, email="coord@example.jp", with_mfa=False)
    secret = enrol_totp(user)

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "ログイン"
    page.fill("input[name=login]", "coord@example.jp")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()

    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.fill("input[name=code]", totp_now(secret))
    page.locator("main form button[type=submit]").first.click()

    page.wait_for_url("**/m/kawasaki/")
    assert page.locator("h1").inner_text() == "ダッシュボード"
    assert page.get_by_test_id("current-municipality").inner_text() == "川崎市"
    assert "自治体管理者" in page.locator(".figure dt").all_inner_texts()

    page.locator("button[name=language][value=en]").click()
    page.wait_for_url("**/m/kawasaki/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.get_by_test_id("current-municipality").inner_text() == "Kawasaki City"
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_sme_member_sees_only_their_menu(live_server, page):
    city = MunicipalityFactory(slug="kawasaki", name_ja="川崎市", name_en="Kawasaki City")
    make_member(city, Role.SME_MEMBER, email="sme@example.jp")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", "sme@example.jp")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/m/kawasaki/")
    nav = page.locator("nav.site-nav a").evaluate_all("links => links.map(a => a.textContent.trim())")
    assert nav[0] == "ダッシュボード"
    # API tokens sit under the account menu, not in the programme's menu.
    assert "APIトークン" not in nav
    page.get_by_test_id("account-menu").locator("summary").click()
    assert page.get_by_test_id("account-menu").get_by_role("link", name="APIトークン").is_visible()
    # Staff sections never show for an SME member.
    assert {"メンバー", "招待", "監査ログ", "スクリーニング"}.isdisjoint(nav)
