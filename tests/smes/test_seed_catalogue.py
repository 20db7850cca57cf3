"""The SMEs' seed catalogue goes through the screening engine: plain needs find seeds, bands in words,
an empty result comes with suggestions, fit shown as what a seed needs, coordinators' columns only for them."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from kawasaki.models import Role
from matching.sme_catalogue import technical_words
from patents.models import PublicationState
from tests.conftest import make_member
from tests.factories.patents import LargeCompanyFactory, PatentFactory
from tests.smes.conftest import link_sme_member

pytestmark = pytest.mark.django_db


def url(municipality, **params):
    return reverse("seed_list", kwargs={"municipality": municipality.slug})


@pytest.fixture
def demo_like_seeds(city_a):
    """Seeds written as the demo's are (patents/demo_data/japanese_seeds.json)."""
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a, name_ja="川崎重電株式会社")
        return {
            "earphone": PatentFactory(
                company=company,
                title="騒音の中でも聞き取りやすい骨伝導イヤホン構造",
                abstract="振動子の保持構造を工夫し、外部騒音下でも明瞭な音声伝達を可能にした骨伝導イヤホン。",
                plain_summary="工事現場のような騒がしい場所でも声がはっきり聞こえるイヤホンの作り方です。",
                application_examples="建設現場・工場の連絡用ヘッドセット",
                fit_low_effort="yes",
                publication_state=PublicationState.PUBLISHED,
            ),
            "door": PatentFactory(
                company=company,
                title="軽い力で開閉できる重量扉のアシスト機構",
                abstract="ばねとダンパーで重い扉の開閉力を低減する機構。",
                plain_summary="重い扉を軽い力で開け閉めできる仕組みです。",
                application_examples="倉庫・工場の重い扉\n防音室の扉",
                publication_state=PublicationState.PUBLISHED,
            ),
            "label": PatentFactory(
                company=company,
                title="食品の鮮度を色で知らせるラベル",
                abstract="食品から発生する揮発性アミンに反応して色が変わるインクを用いた鮮度表示ラベル。",
                plain_summary="肉や魚の傷み具合を、ラベルの色の変化でだれでも見分けられるようにする技術です。",
                publication_state=PublicationState.PUBLISHED,
            ),
            "draft": PatentFactory(
                company=company,
                title="未公開の防音パネル",
                abstract="騒音を吸収する防音パネル。",
                publication_state=PublicationState.DRAFT,
            ),
        }


@pytest.fixture
def owner(city_a, sme_a):
    return link_sme_member(city_a, sme_a, email="owner@sme.example.jp")


def titles(response):
    return [row["seed"].title for row in response.context["rows"]]


def test_plain_words_are_read_as_technical_words():
    assert technical_words("うるさい")[:3] == ["防音", "振動", "騒音低減"]
    assert "鮮度保持" in technical_words("食品が傷むのを防ぎたい")
    assert technical_words("工場の騒音を減らしたい")[0] == "防音"


@pytest.mark.parametrize(
    ("need", "expected"),
    [
        ("工場の騒音を減らしたい", "騒音の中でも聞き取りやすい骨伝導イヤホン構造"),
        ("うるさい", "騒音の中でも聞き取りやすい骨伝導イヤホン構造"),
        ("食品が傷むのを防ぎたい", "食品の鮮度を色で知らせるラベル"),
    ],
)
def test_plain_need_finds_seeds(client, city_a, demo_like_seeds, owner, need, expected):
    client.force_login(owner)
    response = client.get(url(city_a), {"q": need})
    assert response.status_code == 200
    found = titles(response)
    assert expected in found
    assert "未公開の防音パネル" not in found
    body = response.content.decode()
    assert "/ 12" not in body
    hits = response.context["result"].hits
    assert all(hit.band_label for hit in hits)


def test_band_and_needs_in_words(client, city_a, demo_like_seeds, owner):
    client.force_login(owner)
    response = client.get(url(city_a), {"q": "うるさい"})
    body = response.content.decode()
    assert 'data-testid="band"' in body
    assert "no large development budget or special facility" in body or "大きな開発費" in body
    assert 'data-testid="suggestions"' not in body


def test_what_makes_a_seed_easy_is_not_listed_as_a_need(client, city_a, demo_like_seeds, owner):
    seed = demo_like_seeds["door"]
    with scopes_disabled():
        type(seed).objects.filter(pk=seed.pk).update(
            fit_prototype="yes", fit_not_large_business="yes", fit_adds_value="yes"
        )
    client.force_login(owner)
    body = client.get(url(city_a), {"q": "重い扉"}).content.decode()
    card = body.split("軽い力で開閉できる重量扉のアシスト機構")[1].split("</li>")[0]
    needs = card.split('data-testid="needs">')[1].split("</p>")[0]
    advantages = card.split('data-testid="advantages">')[1].split("</p>")[0]
    assert "自社製品" in needs or "product of your own" in needs
    assert "試作品" not in needs
    assert "試作品" in advantages or "prototype" in advantages
    assert "小規模" in advantages or "small business" in advantages


def test_nothing_found_offers_suggestions(client, city_a, demo_like_seeds, owner):
    client.force_login(owner)
    response = client.get(url(city_a), {"q": "宇宙エレベーターのケーブル"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert response.context["result"].suggestions
    assert 'data-testid="suggestions"' in response.content.decode()


def test_empty_need_is_explained_next_to_the_field(client, city_a, demo_like_seeds, owner):
    client.force_login(owner)
    response = client.get(url(city_a), {"q": "   "})
    assert response.status_code == 400
    assert 'id="id_q_error"' in response.content.decode()


def test_coordinator_columns_only_for_coordinators(client_of, city_a, demo_like_seeds, owner):
    sme_body = client_of(owner).get(url(city_a)).content.decode()
    coordinator = make_member(city_a, Role.COORDINATOR)
    coordinator_body = client_of(coordinator).get(url(city_a)).content.decode()
    number = demo_like_seeds["label"].number
    assert number in coordinator_body
    assert number not in sme_body


def test_sme_member_has_one_seed_list_in_menu_and_dashboard(client_of, city_a, sme_member_a, coordinator_a):
    """The SME reaches the engine-searched catalogue from the menu and the dashboard, never the seed table
    with the coordinators' curation filters as a second list."""
    catalogue = url(city_a)
    table = reverse("patent_list", kwargs={"municipality": city_a.slug})
    body = client_of(sme_member_a).get(reverse("dashboard", kwargs={"municipality": city_a.slug}))
    html = body.content.decode()
    assert f'href="{catalogue}"' in html
    assert f'href="{table}"' not in html
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'data-group="patents"' in nav
    assert "シーズを探す" in nav
    coordinator_nav = client_of(coordinator_a).get(reverse("dashboard", kwargs={"municipality": city_a.slug}))
    assert f'href="{table}"' in coordinator_nav.content.decode()
