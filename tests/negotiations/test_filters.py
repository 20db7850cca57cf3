"""NegotiationFilterSet (the deal list, the board and GET /api/v1/negotiations/) and ProductFilterSet (the
product list and GET /api/v1/products/): a page and its API endpoint give the same rows for the same
parameters; an invalid value is a 400 in the API and a form error (ignored) on the page."""

import datetime as dt

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from kawasaki.api.schema import UnscopedSchemaGenerator
from negotiations.models import Negotiation, Product, State
from tests.factories.negotiations import NegotiationFactory, staff_of
from tests.factories.patents import LargeCompanyFactory
from tests.factories.smes import SMEFactory

pytestmark = pytest.mark.django_db


def page(client, name, municipality, params):
    response = client.get(reverse(name, kwargs={"municipality": municipality.slug}), params)
    assert response.status_code == 200
    return response


def page_ids(client, name, municipality, params, key) -> set[int]:
    return {obj.pk for obj in page(client, name, municipality, params).context[key]}


def board_ids(client, municipality, params) -> set[int]:
    response = page(client, "negotiation_board", municipality, params)
    return {deal.pk for _state, _label, cards in response.context["columns"] for deal in cards}


def api_ids(api, name, params) -> set[int]:
    response = api.get(reverse(name), params)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def deals(city_a, city_b, deal_a, parties_a, coordinator_a):
    """deal_a (coordinator_a, interest), the parties_a deal (no coordinator, interest), a deal in
    evaluation with deal_a's company and another SME, and a deal of city B."""
    with scopes_disabled():
        other = Negotiation.objects.exclude(pk=deal_a.pk).get(municipality=city_a)
        evaluation = NegotiationFactory(municipality=city_a, company=deal_a.company, state=State.EVALUATION)
        NegotiationFactory(municipality=city_b)
    return {"deal_a": deal_a, "other": other, "evaluation": evaluation}


# Parameters by name of the row they name, resolved against the fixture's deals.
DEAL_PARAMS = [
    {},
    {"state": "evaluation"},
    {"state": "interest"},
    {"company": "deal_a.company"},
    {"sme": "other.sme"},
    {"coordinator": "coordinator_a"},
    {"state": "interest", "company": "deal_a.company"},
    {"unknown": "ignored"},
]


def resolve(params, deals, coordinator):
    resolved = {}
    for key, value in params.items():
        if value == "coordinator_a":
            value = coordinator.pk
        elif "." in value:
            name, attr = value.split(".")
            value = getattr(deals[name], f"{attr}_id")
        resolved[key] = value
    return resolved


@pytest.mark.parametrize("params", DEAL_PARAMS)
def test_deal_list_and_api_give_the_same_rows(params, client_of, api_client_of, city_a, coordinator_a, deals):
    params = resolve(params, deals, coordinator_a)
    rows = page_ids(client_of(coordinator_a), "negotiation_list", city_a, params, "negotiations")
    assert rows == api_ids(api_client_of(coordinator_a, city_a), "api_negotiation_list", params)


@pytest.mark.parametrize("params", [p for p in DEAL_PARAMS if "state" not in p])
def test_board_filters_like_the_deal_list(params, client_of, city_a, coordinator_a, deals):
    params = resolve(params, deals, coordinator_a)
    client = client_of(coordinator_a)
    assert board_ids(client, city_a, params) == page_ids(
        client, "negotiation_list", city_a, params, "negotiations"
    )


def test_deal_filters_select_the_expected_rows(client_of, city_a, coordinator_a, deals):
    client = client_of(coordinator_a)
    deal_a, other, evaluation = deals["deal_a"], deals["other"], deals["evaluation"]

    def rows(params):
        return page_ids(client, "negotiation_list", city_a, params, "negotiations")

    assert rows({}) == {deal_a.pk, other.pk, evaluation.pk}
    assert rows({"state": "evaluation"}) == {evaluation.pk}
    assert rows({"company": deal_a.company_id}) == {deal_a.pk, evaluation.pk}
    assert rows({"sme": other.sme_id}) == {other.pk}
    assert rows({"coordinator": coordinator_a.pk}) == {deal_a.pk}


def test_board_offers_every_filter_but_the_state(client_of, city_a, coordinator_a, deals):
    form = page(client_of(coordinator_a), "negotiation_board", city_a, {}).context["form"]
    assert list(form.fields) == ["coordinator", "company", "sme"]


def test_deal_invalid_values_are_a_400_in_the_api_and_a_form_error_on_the_page(
    client_of, api_client_of, city_a, city_b, coordinator_a, deals
):
    deal_a, evaluation = deals["deal_a"], deals["evaluation"]
    with scopes_disabled():
        foreign = LargeCompanyFactory(municipality=city_b, with_aliases=False)
    params = {"state": "lost", "company": foreign.pk, "sme": evaluation.sme_id}
    response = api_client_of(coordinator_a, city_a).get(reverse("api_negotiation_list"), params)
    assert response.status_code == 400
    assert sorted(response.json()["error"]["fields"]) == ["company", "state"]

    response = page(client_of(coordinator_a), "negotiation_list", city_a, params)
    assert {d.pk for d in response.context["negotiations"]} == {evaluation.pk}
    assert sorted(response.context["filter_form"].errors) == ["company", "state"]

    # The board too: the invalid company is ignored and named, the valid SME still applies.
    response = page(client_of(coordinator_a), "negotiation_board", city_a, params)
    assert [d.pk for _s, _l, cards in response.context["columns"] for d in cards] == [evaluation.pk]
    assert list(response.context["filter_form"].errors) == ["company"]
    assert deal_a.pk not in {d.pk for _s, _l, cards in response.context["columns"] for d in cards}


@pytest.mark.parametrize(
    "params", [{}, {"state": "interest"}, {"sme": "deal_a.sme"}, {"company": "deal_a.company"}]
)
def test_party_sees_the_same_rows_on_the_page_and_in_the_api(
    params, client_of, api_client_of, city_a, coordinator_a, deals
):
    deal_a = deals["deal_a"]
    with scopes_disabled():
        party = staff_of(deal_a.company, email="ip-filters@party.example.com")
    params = resolve(params, deals, coordinator_a)
    rows = page_ids(client_of(party), "negotiation_list", city_a, params, "negotiations")
    assert rows == api_ids(api_client_of(party, city_a), "api_negotiation_list", params)
    assert rows <= {deal_a.pk, deals["evaluation"].pk}
    if "sme" in params:
        assert rows == {deal_a.pk}


def test_party_cannot_name_an_sme_it_has_no_deal_with(client_of, api_client_of, city_a, deals):
    deal_a, other = deals["deal_a"], deals["other"]
    with scopes_disabled():
        party = staff_of(deal_a.company, email="ip-filters@party.example.com")
    response = api_client_of(party, city_a).get(reverse("api_negotiation_list"), {"sme": other.sme_id})
    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["sme"])
    response = page(client_of(party), "negotiation_list", city_a, {"sme": other.sme_id})
    assert {d.pk for d in response.context["negotiations"]} == {deal_a.pk, deals["evaluation"].pk}
    assert list(response.context["filter_form"].errors) == ["sme"]


@pytest.fixture
def products(city_a, city_b, deals):
    def product(deal, name):
        return Product.objects.create(
            municipality=deal.municipality, negotiation=deal, name=name, launch_date=dt.date(2026, 4, 1)
        )

    with scopes_disabled():
        made = {
            "deal_a": product(deals["deal_a"], "振動センサー"),
            "other": product(deals["other"], "業務アプリ"),
            "evaluation": product(deals["evaluation"], "試作モータ"),
        }
        product(NegotiationFactory(municipality=city_b), "他市の製品")
    return made


@pytest.mark.parametrize(
    "params", [{}, {"company": "deal_a.company"}, {"sme": "other.sme"}, {"unknown": "ignored"}]
)
def test_product_page_and_api_give_the_same_rows(
    params, client_of, api_client_of, city_a, coordinator_a, deals, products
):
    params = resolve(params, deals, coordinator_a)
    rows = page_ids(client_of(coordinator_a), "product_list", city_a, params, "products")
    assert rows == api_ids(api_client_of(coordinator_a, city_a), "api_product_list", params)


def test_product_filters_select_the_expected_rows(client_of, city_a, coordinator_a, deals, products):
    client = client_of(coordinator_a)
    company = {"company": deals["deal_a"].company_id}
    assert page_ids(client, "product_list", city_a, company, "products") == {
        products["deal_a"].pk,
        products["evaluation"].pk,
    }
    sme = {"sme": deals["other"].sme_id}
    assert page_ids(client, "product_list", city_a, sme, "products") == {products["other"].pk}


def test_product_invalid_values_are_a_400_in_the_api_and_a_form_error_on_the_page(
    client_of, api_client_of, city_a, city_b, coordinator_a, deals, products
):
    with scopes_disabled():
        foreign = SMEFactory(municipality=city_b)
    response = api_client_of(coordinator_a, city_a).get(reverse("api_product_list"), {"sme": foreign.pk})
    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["sme"])
    response = page(client_of(coordinator_a), "product_list", city_a, {"sme": foreign.pk})
    assert {p.pk for p in response.context["products"]} == {p.pk for p in products.values()}
    assert list(response.context["filter_form"].errors) == ["sme"]


def test_the_schema_documents_the_filters():
    schema = UnscopedSchemaGenerator().get_schema(request=None, public=True)

    def parameters(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]} - {"ordering", "page"}

    assert parameters("/api/v1/negotiations/") == {"state", "coordinator", "company", "sme"}
    assert parameters("/api/v1/products/") == {"company", "sme"}
