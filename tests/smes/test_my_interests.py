"""An SME's own list of interests, and the e-mail its members get when a coordinator answers one."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from kawasaki.models import Role
from patents.models import PublicationState
from smes import services
from smes.models import InterestStatus, SeedInterest
from tests.conftest import make_member
from tests.factories.patents import LargeCompanyFactory, PatentFactory
from tests.helpers.db_state import assert_db_unchanged
from tests.smes.conftest import link_sme_member

pytestmark = pytest.mark.django_db


def url(name, municipality, **kwargs):
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


@pytest.fixture
def seed_a(city_a):
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a, name_ja="川崎重電株式会社")
        return PatentFactory(
            company=company, title="静音ファンの羽根形状", publication_state=PublicationState.PUBLISHED
        )


@pytest.fixture
def interest_a(city_a, sme_a, sme_member_a, seed_a):
    with scope(municipality=city_a):
        return services.seed_interest_send(sme=sme_a, patent=seed_a, actor=sme_member_a, message="騒音対策に")


def test_my_interests_lists_only_my_company_with_status(
    client_of, city_a, sme_a, other_sme_a, sme_member_a, seed_a, interest_a, coordinator_a
):
    with scope(municipality=city_a):
        other_member = link_sme_member(city_a, other_sme_a)
        other = services.seed_interest_send(
            sme=other_sme_a, patent=seed_a, actor=other_member, message="他社"
        )
    response = client_of(sme_member_a).get(url("interest_mine", city_a))
    assert response.status_code == 200
    assert [i.pk for i in response.context["interests"]] == [interest_a.pk]
    body = response.content.decode()
    assert "静音ファンの羽根形状" in body
    assert "コーディネーターの回答待ち" in body
    assert "他社" not in body
    with scope(municipality=city_a):
        services.seed_interest_acknowledge(interest=interest_a, actor=coordinator_a, reply="来週ご連絡します")
    body = client_of(sme_member_a).get(url("interest_mine", city_a)).content.decode()
    assert "回答済み" in body
    assert "来週ご連絡します" in body
    assert str(coordinator_a) in body
    assert other.pk not in [
        i.pk for i in client_of(sme_member_a).get(url("interest_mine", city_a)).context["interests"]
    ]


def test_my_interests_is_for_sme_members_only(client_of, city_a, coordinator_a):
    company = make_member(city_a, Role.COMPANY_STAFF)
    assert client_of(coordinator_a).get(url("interest_mine", city_a)).status_code == 403
    assert client_of(company).get(url("interest_mine", city_a)).status_code == 403
    unlinked = make_member(city_a, Role.SME_MEMBER)
    response = client_of(unlinked).get(url("interest_mine", city_a))
    assert response.status_code == 200
    assert "まだ会社に紐付けられていません" in response.content.decode()


def test_answer_mails_the_sme_members_in_their_language(
    client_of,
    city_a,
    sme_a,
    sme_member_a,
    interest_a,
    coordinator_a,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    english = link_sme_member(city_a, sme_a, email="en-member@example.jp")
    english.preferred_language = "en"
    english.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(coordinator_a).post(
            url("interest_acknowledge", city_a, pk=interest_a.pk), {"reply": "来週ご連絡します"}
        )
    assert response.status_code == 302
    with scopes_disabled():
        interest_a.refresh_from_db()
    assert (interest_a.status, interest_a.reply, interest_a.acknowledged_by_id) == (
        InterestStatus.ACKNOWLEDGED,
        "来週ご連絡します",
        coordinator_a.pk,
    )
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {"owner-a@example.jp", "en-member@example.jp"}
    ja, en = by_address["owner-a@example.jp"], by_address["en-member@example.jp"]
    assert "コーディネーター" in ja.subject
    assert "coordinators answered" in en.subject
    assert "来週ご連絡します" in ja.body
    assert "来週ご連絡します" in en.body
    assert url("interest_mine", city_a) in ja.body
    # A second answer changes nothing and sends nothing.
    mailoutbox.clear()
    with assert_db_unchanged(), django_capture_on_commit_callbacks(execute=True):
        client_of(coordinator_a).post(
            url("interest_acknowledge", city_a, pk=interest_a.pk), {"reply": "二度目"}
        )
    assert mailoutbox == []


def test_answer_too_long_is_refused_and_nothing_changes(
    client_of, city_a, interest_a, coordinator_a, mailoutbox
):
    client = client_of(coordinator_a)
    with assert_db_unchanged():
        response = client.post(url("interest_acknowledge", city_a, pk=interest_a.pk), {"reply": "あ" * 2001})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2000 文字以下" in page or "2000" in page
    with scopes_disabled():
        assert SeedInterest.objects.get().status == InterestStatus.NEW
    assert mailoutbox == []
