"""Search-as-you-type lookups: paged, scoped to the tenant and to what fits; the forms list only the
chosen options."""

import pytest
from django_scopes import scopes_disabled

from kawasaki.models import Role
from patents.models import PublicationState
from tests.conftest import make_member
from tests.factories.negotiations import NegotiationFactory
from tests.factories.patents import LargeCompanyFactory, PatentFactory
from tests.factories.smes import BusinessPlanFactory, SMEFactory


def lookup(client, name, **params):
    response = client.get(f"/m/city-a/lookups/{name}/", params)
    assert response.status_code == 200, response.status_code
    return response.json()


@pytest.mark.django_db
def test_sme_lookup_pages_searches_and_keeps_to_the_city(client_of, city_a, city_b, coordinator_a):
    with scopes_disabled():
        for i in range(25):
            SMEFactory(municipality=city_a, name_ja=f"川崎精工{i:02d}")
        SMEFactory(municipality=city_b, name_ja="川崎精工B市")
    client = client_of(coordinator_a)
    first = lookup(client, "sme", q="精工")
    assert (len(first["results"]), first["more"]) == (20, True)
    second = lookup(client, "sme", q="精工", page=2)
    assert (len(second["results"]), second["more"]) == (5, False)
    assert "川崎精工B市" not in [r["text"] for r in first["results"] + second["results"]]
    assert [r["text"] for r in lookup(client, "sme", q="精工 07")["results"]] == ["川崎精工07"]


@pytest.mark.django_db
def test_plan_and_deal_lookups_offer_only_the_chosen_smes_own(client_of, city_a, coordinator_a):
    with scopes_disabled():
        mine, other = SMEFactory(municipality=city_a), SMEFactory(municipality=city_a)
        plan = BusinessPlanFactory(sme=mine, title="自社の計画")
        BusinessPlanFactory(sme=other, title="他社の計画")
        deal = NegotiationFactory(municipality=city_a, sme=mine)
        NegotiationFactory(municipality=city_a, sme=other)
    client = client_of(coordinator_a)
    assert lookup(client, "plan")["results"] == []
    assert [r["id"] for r in lookup(client, "plan", sme=mine.pk)["results"]] == [plan.pk]
    assert [r["id"] for r in lookup(client, "deal", sme=mine.pk)["results"]] == [deal.pk]


@pytest.mark.django_db
def test_seed_lookup_offers_published_seeds_of_the_company(client_of, city_a, coordinator_a):
    with scopes_disabled():
        company, other = LargeCompanyFactory(municipality=city_a), LargeCompanyFactory(municipality=city_a)
        shown = PatentFactory(
            company=company, title="振動センサー", publication_state=PublicationState.PUBLISHED
        )
        PatentFactory(company=company, title="振動ダンパー", publication_state=PublicationState.DRAFT)
        PatentFactory(company=other, title="振動計", publication_state=PublicationState.PUBLISHED)
    client = client_of(coordinator_a)
    assert [r["id"] for r in lookup(client, "seed", q="振動", company=company.pk)["results"]] == [shown.pk]


@pytest.mark.django_db
def test_unknown_lookup_is_404_and_an_sme_member_may_not_list_smes(client_of, city_a, coordinator_a):
    assert client_of(coordinator_a).get("/m/city-a/lookups/nothing/").status_code == 404
    member = make_member(city_a, Role.SME_MEMBER, email="member@example.jp")
    assert client_of(member).get("/m/city-a/lookups/sme/").status_code == 403


@pytest.mark.django_db
def test_new_deal_form_lists_only_the_chosen_seeds(client_of, city_a, coordinator_a):
    with scopes_disabled():
        company = LargeCompanyFactory(municipality=city_a)
        seeds = [
            PatentFactory(company=company, publication_state=PublicationState.PUBLISHED) for _ in range(60)
        ]
        sme = SMEFactory(municipality=city_a)
    client = client_of(coordinator_a)
    page = client.get("/m/city-a/negotiations/deals/new/").content.decode()
    seeds_select = page.split('name="seeds"')[1].split("</select>")[0]
    assert 'data-search-select="seed"' in seeds_select
    assert "<option" not in seeds_select
    refused = client.post(
        "/m/city-a/negotiations/deals/new/", {"sme": sme.pk, "company": "", "seeds": [seeds[3].pk]}
    ).content.decode()
    seeds_select = refused.split('name="seeds"')[1].split("</select>")[0]
    assert seeds_select.count("<option") == 1
    assert f'value="{seeds[3].pk}" selected' in seeds_select


@pytest.mark.django_db
def test_search_select_reads_only_the_chosen_rows(city_a):
    """A city's 500 SMEs are not read to render one chosen option (30 ms a page at that size)."""
    from django import forms
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kawasaki.lookups import SearchSelect
    from smes.models import SME

    with scopes_disabled():
        smes = [SMEFactory(municipality=city_a) for _ in range(30)]

        class Form(forms.Form):
            sme = forms.ModelChoiceField(
                queryset=SME.objects.filter(municipality=city_a), widget=SearchSelect(lookup="sme")
            )

        with CaptureQueriesContext(connection) as unbound:
            html = str(Form()["sme"])
        assert html.count("<option") == 1
        assert len(unbound.captured_queries) == 0
        with CaptureQueriesContext(connection) as bound:
            html = str(Form({"sme": smes[7].pk})["sme"])
        assert html.count("<option") == 2
        assert f'value="{smes[7].pk}" selected' in html
        assert str(smes[7]) in html
        # The form's validation reads the chosen row (aria-invalid); the widget reads it once more:
        # no query reads the SMEs without naming the chosen one.
        sqls = [query["sql"] for query in bound.captured_queries]
        assert len(sqls) == 2
        assert all(
            f'"smes_sme"."id" IN ({smes[7].pk})' in sql or f'"smes_sme"."id" = {smes[7].pk}' in sql
            for sql in sqls
        ), sqls
        # A value that is no key of the field shows only the empty choice.
        assert str(Form({"sme": "not-a-number"})["sme"]).count("<option") == 1
