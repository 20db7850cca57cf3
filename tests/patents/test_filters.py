"""PatentFilterSet: the seed list page, its CSV export and GET /api/v1/patents/ read the same filters."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from tests.factories.patents import LargeCompanyFactory, PatentFactory

pytestmark = pytest.mark.django_db


def page_numbers(client, municipality, params) -> list[str]:
    response = client.get(reverse("patent_list", kwargs={"municipality": municipality.slug}), params)
    assert response.status_code == 200
    return [p.number for p in response.context["patents"]]


def api_numbers(api, params) -> list[str]:
    response = api.get(reverse("api_patent_list"), params)
    assert response.status_code == 200, response.json()
    return [row["number"] for row in response.json()["results"]]


@pytest.fixture
def seeds(company_a, other_company_a):
    today = timezone.localdate()
    with scopes_disabled():
        return {
            "draft": PatentFactory(
                company=company_a, number="JP1", title="Sensor draft", ipc_codes="G01N1/00"
            ),
            "published": PatentFactory(
                company=company_a,
                number="JP2",
                title="Published sensor",
                publication_state="published",
                ipc_codes="G01N25/00",
                fit_clear_use="yes",
            ),
            "expired": PatentFactory(
                company=other_company_a,
                number="JP3",
                title="Old motor",
                publication_state="published",
                expiry_date=today - dt.timedelta(days=1),
                abstract="",
            ),
        }


SAME_PARAMS = [
    {},
    {"q": "sensor"},
    {"ipc": "G01N"},
    {"fit_yes": "fit_clear_use"},
    {"expiry": "expired"},
    {"publication_state": "published"},
    {"needs_completion": "true"},
    {"q": "sensor", "publication_state": "draft"},
    {"unknown": "ignored"},
]


@pytest.mark.parametrize("params", SAME_PARAMS)
def test_coordinator_page_and_api_give_the_same_rows(
    params, client_of, api_client_of, city_a, coordinator_a, seeds
):
    page = page_numbers(client_of(coordinator_a), city_a, params)
    assert page == api_numbers(api_client_of(coordinator_a, city_a), params)


def test_filters_select_the_expected_rows(client_of, city_a, coordinator_a, seeds, other_company_a):
    client = client_of(coordinator_a)
    assert page_numbers(client, city_a, {"q": "sensor"}) == ["JP1", "JP2"]
    assert page_numbers(client, city_a, {"company": other_company_a.pk}) == ["JP3"]
    assert page_numbers(client, city_a, {"needs_completion": "on"}) == ["JP3"]
    assert page_numbers(client, city_a, {"fit_yes": "fit_clear_use", "ipc": "G01N"}) == ["JP2"]


@pytest.mark.parametrize(
    "params", [{}, {"q": "sensor"}, {"publication_state": "draft"}, {"needs_completion": "1"}]
)
def test_sme_page_and_api_give_the_same_published_rows(
    params, client_of, api_client_of, city_a, sme_a, seeds
):
    page = page_numbers(client_of(sme_a), city_a, params)
    assert page == api_numbers(api_client_of(sme_a, city_a), params)
    # SMEs get no curation filters: a state or completion parameter changes nothing.
    assert set(page) <= {"JP2", "JP3"}


def test_company_choices_list_only_the_municipality_companies(
    client_of, city_a, city_b, coordinator_a, seeds, company_a, other_company_a
):
    with scopes_disabled():
        LargeCompanyFactory(municipality=city_b, name_ja="他市の会社")
    response = client_of(coordinator_a).get(reverse("patent_list", kwargs={"municipality": city_a.slug}))
    choices = list(response.context["form"].fields["company"].choices)
    assert str(choices[0][0]) == ""  # "All"
    assert {label for _value, label in choices[1:]} == {company_a.name, other_company_a.name}


def test_sme_company_choices_are_companies_with_published_seeds(
    client_of, city_a, sme_a, seeds, company_a, other_company_a
):
    with scopes_disabled():
        LargeCompanyFactory(municipality=city_a, name_ja="未公開の会社")
    response = client_of(sme_a).get(reverse("patent_list", kwargs={"municipality": city_a.slug}))
    form = response.context["form"]
    choices = list(form.fields["company"].choices)
    assert {label for _value, label in choices[1:]} == {company_a.name, other_company_a.name}
    assert set(form.fields) & {"publication_state", "needs_completion"} == set()


def test_other_municipality_company_is_a_400_in_the_api_and_a_form_error_on_the_page(
    client_of, api_client_of, city_a, city_b, coordinator_a, seeds
):
    with scopes_disabled():
        foreign = LargeCompanyFactory(municipality=city_b)
    response = api_client_of(coordinator_a, city_a).get(reverse("api_patent_list"), {"company": foreign.pk})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("invalid", ["company"])

    page = client_of(coordinator_a).get(
        reverse("patent_list", kwargs={"municipality": city_a.slug}), {"company": foreign.pk, "q": "sensor"}
    )
    assert page.status_code == 200
    assert list(page.context["form"].errors) == ["company"]
    # The invalid value is ignored, the valid one still applies.
    assert [p.number for p in page.context["patents"]] == ["JP1", "JP2"]
    assert 'class="field field--error"' in page.content.decode()


def test_invalid_choice_is_a_400_in_the_api(api_client_of, city_a, coordinator_a, seeds):
    response = api_client_of(coordinator_a, city_a).get(reverse("api_patent_list"), {"expiry": "someday"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["expiry"]


def test_export_uses_the_same_filters(client_of, city_a, coordinator_a, seeds):
    response = client_of(coordinator_a).get(
        reverse("patent_export", kwargs={"municipality": city_a.slug}), {"expiry": "expired"}
    )
    body = b"".join(response.streaming_content).decode("utf-8")
    assert ("JP3" in body, "JP1" in body, "JP2" in body) == (True, False, False)
