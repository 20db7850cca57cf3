"""SMEFilterSet, BusinessPlanFilterSet, PartnerFilterSet: a list page and its API endpoint read the same
filters; an invalid value is a 400 in the API and a form error (ignored) on the page."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.factories.smes import BusinessPlanFactory, PartnerFactory, SMEFactory

pytestmark = pytest.mark.django_db


def page(client, name, municipality, params):
    response = client.get(reverse(name, kwargs={"municipality": municipality.slug}), params)
    assert response.status_code == 200
    return response


def page_ids(client, name, municipality, params, key) -> list[int]:
    return [obj.pk for obj in page(client, name, municipality, params).context[key]]


def api_ids(api, name, params) -> list[int]:
    response = api.get(reverse(name), params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def smes(city_a, city_b, sme_a, other_sme_a):
    with scopes_disabled():
        sme_a.industry, sme_a.consent_to_share, sme_a.needs = "E", True, "振動センサーの自社製品"
        sme_a.save()
        other_sme_a.industry, other_sme_a.consent_to_share, other_sme_a.needs = "G", False, "業務アプリ"
        other_sme_a.save()
        SMEFactory(municipality=city_b, name_ja="他市の工業", industry="E", consent_to_share=True)
    return sme_a, other_sme_a


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "センサー"},
        {"industry": "E"},
        {"consent_to_share": "true"},
        {"consent_to_share": "false"},
        {"q": "川崎", "industry": "G"},
        {"unknown": "ignored"},
    ],
)
def test_sme_page_and_api_give_the_same_rows(params, client_of, api_client_of, city_a, coordinator_a, smes):
    rows = page_ids(client_of(coordinator_a), "sme_list", city_a, params, "smes")
    assert rows == api_ids(api_client_of(coordinator_a, city_a), "api_sme_list", params)


def test_sme_filters_select_the_expected_rows(client_of, city_a, coordinator_a, smes):
    sme_a, other = smes
    client = client_of(coordinator_a)
    assert page_ids(client, "sme_list", city_a, {"q": "センサー"}, "smes") == [sme_a.pk]
    assert page_ids(client, "sme_list", city_a, {"industry": "G"}, "smes") == [other.pk]
    assert page_ids(client, "sme_list", city_a, {"consent_to_share": "true"}, "smes") == [sme_a.pk]


def test_sme_invalid_industry_is_a_400_in_the_api_and_a_form_error_on_the_page(
    client_of, api_client_of, city_a, coordinator_a, smes
):
    response = api_client_of(coordinator_a, city_a).get(reverse("api_sme_list"), {"industry": "ZZ"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("invalid", ["industry"])

    response = page(client_of(coordinator_a), "sme_list", city_a, {"industry": "ZZ", "q": "センサー"})
    assert list(response.context["filter_form"].errors) == ["industry"]
    assert [s.pk for s in response.context["smes"]] == [smes[0].pk]  # the valid filter still applies
    assert 'class="notice notice--error"' in response.content.decode()


@pytest.fixture
def plans(city_a, city_b, sme_a, other_sme_a):
    with scopes_disabled():
        own = BusinessPlanFactory(sme=sme_a, title="自社の計画")
        submitted = BusinessPlanFactory(sme=sme_a, title="提出済み", status="submitted")
        other = BusinessPlanFactory(sme=other_sme_a, title="他社の計画")
        BusinessPlanFactory(sme=SMEFactory(municipality=city_b), title="他市の計画")
    return own, submitted, other


@pytest.mark.parametrize("params", [{}, {"status": "submitted"}, {"status": "draft"}, {"status": "nonsense"}])
def test_plan_page_and_api_give_the_same_rows_for_an_sme_member(
    params, client_of, api_client_of, city_a, sme_member_a, plans
):
    rows = set(page_ids(client_of(sme_member_a), "plan_list", city_a, params, "plans"))
    api = api_client_of(sme_member_a, city_a)
    if params.get("status") == "nonsense":
        assert api.get(reverse("api_business_plan_list"), params).status_code == 400
        assert rows == {plans[0].pk, plans[1].pk}  # the page ignores it, as it always has
    else:
        assert rows == set(api_ids(api, "api_business_plan_list", params))


def test_plan_sme_filter_lists_only_visible_smes(
    client_of, api_client_of, city_a, coordinator_a, sme_member_a, plans
):
    own, submitted, other = plans
    coordinator_api = api_client_of(coordinator_a, city_a)
    params = {"sme": other.sme_id}
    assert api_ids(coordinator_api, "api_business_plan_list", params) == [other.pk]
    assert page_ids(client_of(coordinator_a), "plan_list", city_a, params, "plans") == [other.pk]
    # An SME member may not name another SME: a 400 in the API, ignored (and said) on the page.
    response = api_client_of(sme_member_a, city_a).get(reverse("api_business_plan_list"), params)
    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["sme"])
    response = page(client_of(sme_member_a), "plan_list", city_a, params)
    assert {p.pk for p in response.context["plans"]} == {own.pk, submitted.pk}
    assert list(response.context["filter_form"].errors) == ["sme"]


def test_partner_page_filters_by_text_and_kind(client_of, city_a, city_b, coordinator_a):
    with scopes_disabled():
        lab = PartnerFactory(municipality=city_a, name_ja="産業技術センター", kind="research_institute")
        design = PartnerFactory(
            municipality=city_a, name_ja="デザイン工房", kind="design_firm", fields="筐体"
        )
        PartnerFactory(municipality=city_b, name_ja="他市の工房", kind="design_firm")
    client = client_of(coordinator_a)
    assert page_ids(client, "partner_list", city_a, {"kind": "design_firm"}, "partners") == [design.pk]
    assert page_ids(client, "partner_list", city_a, {"q": "筐体"}, "partners") == [design.pk]
    response = page(client, "partner_list", city_a, {"kind": "bakery"})
    assert {p.pk for p in response.context["partners"]} == {lab.pk, design.pk}
    assert list(response.context["filter_form"].errors) == ["kind"]


def test_plan_list_names_the_sme_only_for_coordinators(client_of, city_a, sme_member_a, coordinator_a, plans):
    own_page = page(client_of(sme_member_a), "plan_list", city_a, {}).content.decode()
    coordinator_page = page(client_of(coordinator_a), "plan_list", city_a, {}).content.decode()
    header = '<th scope="col">中小企業</th>'
    assert header not in own_page  # the SME's members see only their own plans
    assert "自社の計画" in own_page
    assert header in coordinator_page
    assert plans[2].sme.name_ja in coordinator_page
