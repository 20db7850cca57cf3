"""The SME member's journey in a real browser: browse published seeds, read one, say "we are interested";
the coordinator finds it in the inbox."""

import pytest
from django_scopes import scopes_disabled

from kawasaki.models import Role
from patents.models import PublicationState
from smes.models import SeedInterest
from tests.conftest import make_member
from tests.factories import MunicipalityFactory
from tests.factories.core import PASSWORD
from tests.factories.patents import LargeCompanyFactory, PatentFactory
from tests.factories.smes import SMEFactory
from tests.smes.conftest import link_sme_member

pytestmark = pytest.mark.browser


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/m/kawasaki/")


@pytest.mark.django_db(transaction=True)
def test_sme_member_browses_seeds_and_sends_interest(live_server, page):
    city = MunicipalityFactory(slug="kawasaki", name_ja="川崎市", name_en="Kawasaki City")
    with scopes_disabled():
        sme = SMEFactory(municipality=city, name_ja="川崎精工株式会社")
        company = LargeCompanyFactory(municipality=city, name_ja="川崎重電株式会社")
        PatentFactory(
            company=company,
            title="圧電薄膜による小型振動発電",
            plain_summary="機械の振動で発電し、電池交換なしでセンサーを動かせます。",
            fit_clear_use="yes",
            fit_clear_use_note="工場設備の監視に使える",
            internal_note="社内限り：ライセンス料の下限",
            publication_state=PublicationState.PUBLISHED,
        )
        PatentFactory(company=company, title="未公開の接合技術", publication_state=PublicationState.DRAFT)
        PatentFactory(
            company=company,
            title="耐熱コーティング",
            plain_summary="高温でも剥がれない塗膜。",
            publication_state=PublicationState.PUBLISHED,
        )
    link_sme_member(city, sme, email="owner@sme.example.jp")
    sign_in(page, live_server, "owner@sme.example.jp")

    page.locator("nav.site-nav li[data-group=smes] summary").click()
    page.locator("nav.site-nav").get_by_role("link", name="シーズを探す").click()
    page.wait_for_url("**/smes/seeds/")
    assert page.locator("h1").inner_text() == "シーズを探す"
    titles = page.locator("[data-testid=seed-list] h2").all_inner_texts()
    assert sorted(titles) == ["圧電薄膜による小型振動発電", "耐熱コーティング"]

    page.fill("input[name=q]", "振動")
    page.get_by_role("button", name="検索").click()
    assert page.locator("[data-testid=seed-list] h2").all_inner_texts() == ["圧電薄膜による小型振動発電"]

    page.get_by_role("link", name="圧電薄膜による小型振動発電").click()
    assert (
        page.get_by_test_id("seed-summary").inner_text()
        == "機械の振動で発電し、電池交換なしでセンサーを動かせます。"
    )
    fit_rows = page.locator("[data-testid=fit-profile] tbody tr")
    assert fit_rows.count() == 6
    assert fit_rows.first.inner_text().split("\t") == ["用途が明確", "はい", "工場設備の監視に使える"]
    assert "ライセンス料の下限" not in page.content()

    # An empty message is refused in Japanese; a real one is sent.
    page.get_by_role("button", name="コーディネーターに送る").click()
    assert page.locator(".field .error").all_inner_texts() == [
        "このシーズで何を作りたいかを一言書いてください。面談を調整するとき、コーディネーターが大企業に伝えます。"
    ]
    # The refused form is answered with 400, which Chromium reports; nothing else may be logged.
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    page.console_errors.clear()
    page.fill("textarea[name=message]", "自社の点検装置に組み込みたい")
    page.get_by_role("button", name="コーディネーターに送る").click()
    assert page.locator(".message--success").inner_text() == "関心をコーディネーターに送りました。"
    assert "コーディネーターから連絡します" in page.get_by_test_id("interest-sent").inner_text()
    assert page.console_errors == []
    with scopes_disabled():
        assert list(SeedInterest.objects.values_list("sme__name_ja", "message")) == [
            ("川崎精工株式会社", "自社の点検装置に組み込みたい")
        ]


@pytest.mark.django_db(transaction=True)
def test_coordinator_reads_the_interest_inbox(live_server, page):
    city = MunicipalityFactory(slug="kawasaki", name_ja="川崎市", name_en="Kawasaki City")
    with scopes_disabled():
        sme = SMEFactory(municipality=city, name_ja="川崎精工株式会社")
        seed = PatentFactory(
            company__municipality=city,
            title="圧電薄膜による小型振動発電",
            publication_state=PublicationState.PUBLISHED,
        )
        SeedInterest.objects.create(municipality=city, sme=sme, patent=seed, message="試作したい")
    make_member(city, Role.COORDINATOR, email="coord@example.jp", with_mfa=False)
    from django.test import override_settings

    with override_settings(KAWASAKI_REQUIRE_MFA=False):
        sign_in(page, live_server, "coord@example.jp")
        page.locator("nav.site-nav li[data-group=smes] summary").click()
        page.get_by_role("link", name="中小企業からの関心").click()
        rows = page.locator("tbody tr")
        assert rows.count() == 1
        assert "試作したい" in rows.first.inner_text()
        page.get_by_label("中小企業への回答").fill("来週お電話します。")
        page.get_by_role("button", name="対応を始めて回答する").click()
        assert page.locator(".message--success").inner_text().startswith("関心表明に回答しました。")
        assert page.locator("tbody tr .status").inner_text() == "回答済み"
        assert "来週お電話します。" in page.locator("tbody tr").first.inner_text()
    assert page.console_errors == []
