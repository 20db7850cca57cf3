"""A large company's list of the SMEs' interests in its seeds: reached from its dashboard and menu,
its own seeds only, an SME named only when it shares its profile."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from kawasaki.models import Role
from patents.models import PublicationState
from smes import services
from tests.conftest import make_member
from tests.factories.matching import staff_of
from tests.factories.patents import LargeCompanyFactory, PatentFactory
from tests.smes.conftest import link_sme_member

pytestmark = pytest.mark.django_db


def url(name, municipality, **kwargs):
    return reverse(name, kwargs={"municipality": municipality.slug, **kwargs})


@pytest.fixture
def seeds(city_a):
    with scopes_disabled():
        ours = LargeCompanyFactory(municipality=city_a, name_ja="川崎重電株式会社")
        theirs = LargeCompanyFactory(municipality=city_a, name_ja="他社電機株式会社")
        return {
            "company": ours,
            "ours": PatentFactory(
                company=ours, title="静音ファンの羽根形状", publication_state=PublicationState.PUBLISHED
            ),
            "theirs": PatentFactory(
                company=theirs, title="他社の防振ゴム", publication_state=PublicationState.PUBLISHED
            ),
        }


@pytest.fixture
def interests(city_a, sme_a, other_sme_a, seeds, coordinator_a):
    with scope(municipality=city_a):
        sme_a.consent_to_share = True
        sme_a.save(update_fields=["consent_to_share"])
        other_sme_a.consent_to_share = False
        other_sme_a.save(update_fields=["consent_to_share"])
        shared = services.seed_interest_send(
            sme=sme_a, patent=seeds["ours"], actor=link_sme_member(city_a, sme_a), message="騒音対策に"
        )
        hidden_member = link_sme_member(city_a, other_sme_a)
        hidden = services.seed_interest_send(
            sme=other_sme_a, patent=seeds["ours"], actor=hidden_member, message="非公開の会社"
        )
        services.seed_interest_send(
            sme=other_sme_a, patent=seeds["theirs"], actor=hidden_member, message="他社のシーズ"
        )
        services.seed_interest_acknowledge(interest=shared, actor=coordinator_a, reply="ご紹介します")
    return {"shared": shared, "hidden": hidden}


def test_company_sees_interests_in_its_own_seeds_only(
    client_of, city_a, sme_a, other_sme_a, seeds, interests
):
    with scopes_disabled():
        staff = staff_of(seeds["company"])
    response = client_of(staff).get(url("interest_company", city_a))
    assert response.status_code == 200
    assert [i.pk for i in response.context["interests"]] == [interests["hidden"].pk, interests["shared"].pk]
    body = response.content.decode()
    assert "静音ファンの羽根形状" in body
    assert "他社の防振ゴム" not in body
    # A consenting SME is named and linked to its shared profile; the other is not named at all.
    assert url("sme_shared", city_a, pk=sme_a.pk) in body
    assert sme_a.name in body
    assert other_sme_a.name not in body
    assert "プロフィールを共有していない中小企業" in body
    # The messages stay with the coordinators.
    assert "騒音対策に" not in body
    assert "非公開の会社" not in body
    new_only = client_of(staff).get(url("interest_company", city_a), {"status": "new"})
    assert [i.pk for i in new_only.context["interests"]] == [interests["hidden"].pk]


def test_company_reaches_the_list_from_dashboard_and_menu(client_of, city_a, seeds, interests):
    with scopes_disabled():
        staff = staff_of(seeds["company"])
    body = client_of(staff).get(url("dashboard", city_a)).content.decode()
    target = url("interest_company", city_a)
    assert f'href="{target}"' in body  # the menu and the "SMEs interested" figure
    assert f'href="{target}?status=new"' in body  # the "new interests" figure
    assert "自社シーズへの中小企業の関心" in body


def test_other_roles_get_no_company_interest_list(client_of, city_a, seeds, interests, coordinator_a):
    member = make_member(city_a, Role.SME_MEMBER)
    assert client_of(member).get(url("interest_company", city_a)).status_code == 403
    assert client_of(coordinator_a).get(url("interest_company", city_a)).status_code == 403
    with scopes_disabled():
        rival = staff_of(LargeCompanyFactory(municipality=city_a, name_ja="第三電機"))
    response = client_of(rival).get(url("interest_company", city_a))
    assert list(response.context["interests"]) == []


def test_coordinators_inbox_says_the_interest_comes_from_smes(client_of, city_a, interests, coordinator_a):
    """In Japanese, 企業 alone reads as the large company: the inbox names the SMEs (中小企業)."""
    body = client_of(coordinator_a).get(url("interest_list", city_a)).content.decode()
    assert "<h1>中小企業からの関心</h1>" in body
    assert "中小企業への回答（任意、メールで送信）" in body
