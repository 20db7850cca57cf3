import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from kawasaki.models import AuditEntry, Role
from patents.models import PublicationState
from smes.models import InterestStatus, SeedInterest
from tests.conftest import make_member
from tests.factories.patents import LargeCompanyFactory, PatentFactory
from tests.helpers.db_state import assert_db_unchanged

pytestmark = pytest.mark.django_db


def url(name, municipality, **kwargs):
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


@pytest.fixture
def seeds_a(city_a):
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a, name_ja="川崎重電株式会社")
        published = PatentFactory(
            company=company,
            title="圧電薄膜による小型振動発電",
            plain_summary="機械の振動で発電し、電池交換なしでセンサーを動かせます。",
            application_examples="工場設備の監視\n橋梁の点検",
            internal_note="ライセンス料の下限は社内で協議中",
            fit_clear_use="yes",
            fit_clear_use_note="用途が明確",
            fit_prototype="partly",
            publication_state=PublicationState.PUBLISHED,
        )
        draft = PatentFactory(
            company=company, title="未公開の接合技術", publication_state=PublicationState.DRAFT
        )
        withdrawn = PatentFactory(
            company=company, title="取り下げた塗装技術", publication_state=PublicationState.WITHDRAWN
        )
    return published, draft, withdrawn


def test_sme_member_browses_published_seeds_only(client_of, city_a, sme_member_a, seeds_a):
    _published, draft, withdrawn = seeds_a
    client = client_of(sme_member_a)
    page = client.get(url("seed_list", city_a))
    assert [s.title for s in page.context["seeds"]] == ["圧電薄膜による小型振動発電"]
    with assert_db_unchanged():
        assert client.get(url("seed_detail", city_a, pk=draft.pk)).status_code == 404
        assert client.get(url("seed_detail", city_a, pk=withdrawn.pk)).status_code == 404
        assert client.post(url("seed_interest", city_a, pk=draft.pk), {"message": "x"}).status_code == 404


def test_seed_page_shows_fit_profile_and_nothing_internal(client_of, city_a, sme_member_a, seeds_a):
    published, _draft, _withdrawn = seeds_a
    body = client_of(sme_member_a).get(url("seed_detail", city_a, pk=published.pk)).content.decode()
    assert "機械の振動で発電し、電池交換なしでセンサーを動かせます。" in body
    assert "橋梁の点検" in body
    assert "用途が明確" in body
    assert url("patent_sheet", city_a, pk=published.pk) in body
    assert "ライセンス料の下限は社内で協議中" not in body


def test_interest_lands_in_the_coordinators_inbox(
    client_of, city_a, sme_a, sme_member_a, coordinator_a, seeds_a
):
    published, _draft, _withdrawn = seeds_a
    client = client_of(sme_member_a)
    response = client.post(
        url("seed_interest", city_a, pk=published.pk), {"message": "自社の点検装置に組み込みたい"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        interest = SeedInterest.objects.get()
        assert (interest.sme_id, interest.patent_id, interest.status) == (sme_a.pk, published.pk, "new")
        assert AuditEntry.objects.filter(action="seed_interest.sent").count() == 1
    detail = client.get(url("seed_detail", city_a, pk=published.pk))
    assert detail.context["sent"] == interest
    inbox = client_of(coordinator_a).get(url("interest_list", city_a))
    assert [i.message for i in inbox.context["interests"]] == ["自社の点検装置に組み込みたい"]
    assert (
        client_of(coordinator_a).post(url("interest_acknowledge", city_a, pk=interest.pk)).status_code == 302
    )
    with scopes_disabled():
        interest.refresh_from_db()
    assert (interest.status, interest.acknowledged_by_id) == (InterestStatus.ACKNOWLEDGED, coordinator_a.pk)
    # SME members never read the inbox, nor acknowledge what is in it.
    assert client.get(url("interest_list", city_a)).status_code == 403
    with assert_db_unchanged():
        assert client.post(url("interest_acknowledge", city_a, pk=interest.pk)).status_code == 403


def test_interest_form_bad_input_is_translated(client_of, city_a, sme_member_a, seeds_a):
    published, _draft, _withdrawn = seeds_a
    client = client_of(sme_member_a)
    with assert_db_unchanged():
        response = client.post(url("seed_interest", city_a, pk=published.pk), {"message": ""})
    assert response.status_code == 400
    assert {k: list(v) for k, v in response.context["form"].errors.items()} == {
        "message": [
            "このシーズで何を作りたいかを一言書いてください。面談を調整するとき、コーディネーターが大企業に伝えます。"
        ]
    }
    client.post(url("seed_interest", city_a, pk=published.pk), {"message": "一度目"})
    with assert_db_unchanged():
        response = client.post(url("seed_interest", city_a, pk=published.pk), {"message": "二度目"})
    assert response.status_code == 400
    with scopes_disabled():
        assert list(SeedInterest.objects.values_list("message", flat=True)) == ["一度目"]
    assert list(response.context["form"].non_field_errors()) == [
        "この技術シーズへの関心はすでに送信済みです。"
    ]


def test_only_an_sme_member_with_a_company_can_send_interest(client_of, city_a, coordinator_a, seeds_a):
    published, _draft, _withdrawn = seeds_a
    unlinked = make_member(city_a, Role.SME_MEMBER)
    company = make_member(city_a, Role.COMPANY_STAFF)
    for user in (unlinked, coordinator_a, company):
        response = client_of(user).post(url("seed_interest", city_a, pk=published.pk), {"message": "x"})
        assert response.status_code == 403
    # Unlinked members and coordinators may still browse; company staff may not.
    assert client_of(unlinked).get(url("seed_detail", city_a, pk=published.pk)).context["form"] is None
    assert client_of(company).get(url("seed_list", city_a)).status_code == 403
    with scopes_disabled():
        assert SeedInterest.objects.count() == 0


def test_seed_page_shows_the_published_seeds_attachments(client_of, city_a, sme_member_a, seeds_a):
    from tests.patents.url_probe import make_attachment

    published, draft, _withdrawn = seeds_a
    with scopes_disabled():
        photo = make_attachment(published, caption="試作した発電モジュール")
        hidden = make_attachment(draft, caption="未公開の図面")
    client = client_of(sme_member_a)
    page = client.get(url("seed_detail", city_a, pk=published.pk)).content.decode()
    file_url = url("patent_attachment", city_a, pk=published.pk, attachment_pk=photo.pk)
    assert "試作した発電モジュール" in page
    assert f'<img src="{file_url}"' in page
    assert "図面・写真・データ" in page
    assert client.get(file_url).status_code == 200
    hidden_url = url("patent_attachment", city_a, pk=draft.pk, attachment_pk=hidden.pk)
    assert client.get(hidden_url).status_code == 404


def test_seed_page_shows_fit_in_words_and_explains_the_licence_terms(
    client_of, city_a, seeds_a, sme_member_a
):
    published, _draft, _withdrawn = seeds_a
    with scopes_disabled():
        published.offer_non_exclusive = True
        published.save(update_fields=["offer_non_exclusive"])
    body = client_of(sme_member_a).get(url("seed_detail", city_a, pk=published.pk)).content.decode()
    assert "12点中" not in body
    assert "中小企業との相性" in body
    assert "通常実施権" in body
    assert f'href="{url("licence_glossary", city_a)}"' in body
