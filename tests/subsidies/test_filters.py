"""ProgrammeFilterSet and ApplicationFilterSet: the list pages and their API endpoints read the same
filters; an invalid value is a 400 in the API and a form error (ignored) on the page."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.factories.smes import SMEFactory
from tests.factories.subsidies import ApplicationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def page(client, name, municipality, params):
    response = client.get(reverse(name, kwargs={"municipality": municipality.slug}), params)
    assert response.status_code == 200
    return response


def page_ids(client, name, municipality, params, key) -> set[int]:
    return {obj.pk for obj in page(client, name, municipality, params).context[key]}


def api_ids(api, name, params) -> set[int]:
    response = api.get(reverse(name), params)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def programmes(city_a, city_b, programme_a):
    with scopes_disabled():
        national = ProgrammeFactory(municipality=city_a, name="ものづくり補助金", level="national")
        retired = ProgrammeFactory(municipality=city_a, name="旧制度", level="city", is_active=False)
        ProgrammeFactory(municipality=city_b, name="他市の補助金", level="national")
    return programme_a, national, retired


@pytest.mark.parametrize(
    "params", [{}, {"level": "national"}, {"is_active": "false"}, {"level": "city", "is_active": "true"}]
)
def test_programme_page_and_api_give_the_same_rows(
    params, client_of, api_client_of, city_a, coordinator_a, programmes
):
    rows = page_ids(client_of(coordinator_a), "programme_list", city_a, params, "programmes")
    assert rows == api_ids(api_client_of(coordinator_a, city_a), "api_subsidy_programme_list", params)


def test_programme_invalid_level_is_a_400_in_the_api_and_a_form_error_on_the_page(
    client_of, api_client_of, city_a, coordinator_a, programmes
):
    response = api_client_of(coordinator_a, city_a).get(reverse("api_subsidy_programme_list"), {"level": "x"})
    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["level"])
    response = page(client_of(coordinator_a), "programme_list", city_a, {"level": "x"})
    assert {p.pk for p in response.context["programmes"]} == {p.pk for p in programmes}
    assert list(response.context["filter_form"].errors) == ["level"]


@pytest.fixture
def applications(city_a, city_b, sme_a, other_sme_a, programmes):
    own_programme, national, _retired = programmes
    with scopes_disabled():
        draft = ApplicationFactory(sme=sme_a, programme=own_programme)
        submitted = ApplicationFactory(sme=sme_a, programme=national, status="submitted")
        other = ApplicationFactory(sme=other_sme_a, programme=national, status="submitted")
        ApplicationFactory(sme=SMEFactory(municipality=city_b))
    return draft, submitted, other


def test_application_filters_select_the_expected_rows(
    client_of, city_a, coordinator_a, applications, programmes
):
    draft, submitted, other = applications
    client = client_of(coordinator_a)
    name = "subsidy_application_list"
    assert page_ids(client, name, city_a, {"status": "submitted"}, "applications") == {submitted.pk, other.pk}
    assert page_ids(client, name, city_a, {"programme": programmes[0].pk}, "applications") == {draft.pk}
    assert page_ids(client, name, city_a, {"sme": other.sme_id}, "applications") == {other.pk}


@pytest.mark.parametrize("who", ["coordinator", "sme_member"])
@pytest.mark.parametrize(
    "params", [{}, {"status": "submitted"}, {"status": "draft"}, {"programme": "national"}]
)
def test_application_page_and_api_give_the_same_rows(
    who, params, client_of, api_client_of, city_a, coordinator_a, sme_member_a, applications, programmes
):
    user = coordinator_a if who == "coordinator" else sme_member_a
    if params.get("programme") == "national":
        params = {"programme": programmes[1].pk}
    rows = page_ids(client_of(user), "subsidy_application_list", city_a, params, "applications")
    assert rows == api_ids(api_client_of(user, city_a), "api_subsidy_application_list", params)


def test_application_invalid_values_are_a_400_in_the_api_and_ignored_on_the_page(
    client_of, api_client_of, city_a, city_b, coordinator_a, sme_member_a, applications
):
    draft, submitted, other = applications
    with scopes_disabled():
        foreign = ProgrammeFactory(municipality=city_b)
    api = api_client_of(coordinator_a, city_a)
    response = api.get(reverse("api_subsidy_application_list"), {"status": "lost", "programme": foreign.pk})
    assert response.status_code == 400
    assert sorted(response.json()["error"]["fields"]) == ["programme", "status"]

    response = page(
        client_of(coordinator_a),
        "subsidy_application_list",
        city_a,
        {"status": "lost", "programme": foreign.pk, "sme": other.sme_id},
    )
    assert {a.pk for a in response.context["applications"]} == {other.pk}
    assert sorted(response.context["filter_form"].errors) == ["programme", "status"]

    # An SME member cannot name another SME, nor list its applications by doing so.
    response = api_client_of(sme_member_a, city_a).get(
        reverse("api_subsidy_application_list"), {"sme": other.sme_id}
    )
    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["sme"])
    rows = page_ids(
        client_of(sme_member_a), "subsidy_application_list", city_a, {"sme": other.sme_id}, "applications"
    )
    assert rows == {draft.pk, submitted.pk}
