"""A coordinator types an SME's needs in Japanese and sees ranked seeds with the reasons, in a browser."""

import pytest
from django_scopes import scope

from kawasaki.models import Role
from matching import services
from matching.models import Direction
from tests.conftest import enrol_totp, make_member, totp_now
from tests.factories.core import PASSWORD
from tests.matching.conftest import make_company, make_patent, make_sme

pytestmark = pytest.mark.browser


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()


@pytest.mark.django_db(transaction=True)
def test_quick_screening_and_review(live_server, page, city_a):
    company = make_company(city_a)
    make_patent(city_a, company, "小型モータの制振構造", "モータの振動を低減するゴム製の取付部材。")
    make_patent(city_a, company, "Soil moisture sensor", "A wireless sensor measuring soil moisture.")
    user = make_member(city_a, Role.COORDINATOR, email="coord@example.jp", with_mfa=False)
    secret = enrol_totp(user)
    sign_in(page, live_server, "coord@example.jp")
    page.fill("input[name=code]", totp_now(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/m/city-a/")

    page.goto(live_server.url + "/m/city-a/matching/")
    page.fill("textarea[name=q]", "モーターの振動を減らしたい")
    page.get_by_role("button", name="シーズを検索").click()
    results = page.get_by_test_id("search-results")
    results.wait_for()
    first = results.locator(".candidate").first
    assert first.locator(".candidate__title a").inner_text() == "小型モータの制振構造"
    assert first.locator("mark").first.inner_text() in {"モータ", "振動"}
    assert "/m/city-a/matching/?q=" in page.url  # the search is bookmarkable

    # A stored run: shortlist the first candidate without a page reload (htmx).
    sme = make_sme(city_a, "振動対策の町工場", needs="モーターの振動を減らしたい")
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a, actor=user, direction=Direction.SME_TO_SEEDS, query_text=sme.needs, sme=sme
        )
        services.screening_run_execute(run=run)
        candidate = run.candidates.order_by("rank").first()
    page.goto(f"{live_server.url}/m/city-a/matching/runs/{run.pk}/")
    card = page.locator(f"#candidate-{candidate.pk}")
    card.get_by_role("button", name="候補リストに入れる").click()
    page.get_by_test_id(f"decision-{candidate.pk}").filter(has_text="候補リスト入り").wait_for()
    candidate.refresh_from_db()
    assert candidate.decision == "shortlisted"
    assert page.console_errors == []
