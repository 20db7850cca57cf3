"""A coordinator moves deals on the board with the keyboard and by drag-and-drop, then reads the history."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from kawasaki.models import Role
from negotiations.models import Negotiation, TimelineEntry
from tests.conftest import enrol_totp, make_member, totp_now
from tests.factories.core import PASSWORD
from tests.factories.negotiations import NegotiationFactory

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_board_moves_by_keyboard_and_drag(live_server, page, city_a):
    user = make_member(city_a, Role.COORDINATOR, email="coord@example.jp", with_mfa=False)
    secret = enrol_totp(user)
    with scopes_disabled():
        by_key = NegotiationFactory(municipality=city_a, coordinator=user)
        # "NDA signed" needs the NDA's signing date (negotiations/checks.py).
        by_drag = NegotiationFactory(
            municipality=city_a,
            coordinator=user,
            state="meeting_held",
            nda_signed_on=timezone.localdate() - dt.timedelta(days=30),
        )
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", "coord@example.jp")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.fill("input[name=code]", totp_now(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/m/city-a/")

    page.goto(live_server.url + "/m/city-a/negotiations/")
    assert page.get_by_test_id("column-interest").locator(".deal-card").count() == 1
    # Keyboard only: focus the card's own button and press Enter.
    button = page.get_by_test_id(f"advance-{by_key.pk}")
    assert button.inner_text() == "「紹介済み」へ進める"
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/m/city-a/negotiations/")
    page.get_by_test_id("column-introduced").locator(f"#deal-{by_key.pk}").wait_for()
    assert page.locator(".message--success").inner_text() == f"{by_key} を「紹介済み」に移しました。"

    # Drag: the card goes to the next column through the same service.
    card = page.locator(f"#deal-{by_drag.pk}")
    card.drag_to(page.get_by_test_id("column-nda_signed"))
    page.get_by_test_id("column-nda_signed").locator(f"#deal-{by_drag.pk}").wait_for()
    # A drag to a column the table forbids is not accepted: nothing moves.
    page.locator(f"#deal-{by_drag.pk}").drag_to(page.get_by_test_id("column-launched"))
    page.wait_for_timeout(300)
    with scopes_disabled():
        assert Negotiation.objects.get(pk=by_drag.pk).state == "nda_signed"
        assert list(
            TimelineEntry.objects.filter(negotiation=by_drag).values_list("from_state", "to_state")
        ) == [("meeting_held", "nda_signed")]

    page.locator(f"#deal-{by_drag.pk} .deal-card__title").click()
    page.wait_for_url(f"**/negotiations/deals/{by_drag.pk}/")
    assert page.get_by_test_id("deal-state").inner_text() == "秘密保持契約締結"
    entry = page.get_by_test_id("timeline").locator("li").first
    assert entry.locator(".timeline__move").inner_text() == "面談実施 → 秘密保持契約締結"
    assert str(user) in entry.locator(".timeline__head").inner_text()
    assert page.console_errors == []
