import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from kawasaki.models import Role
from patents.models import Patent, PortfolioImport
from patents.services import portfolio_import_validate
from tests.conftest import make_member
from tests.factories.patents import PatentFactory
from tests.helpers.db_state import assert_db_unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(company_a, other_company_a):
    with scopes_disabled():
        return [
            PatentFactory(company=company_a, number="JP1", title="Draft", internal_note="secret"),
            PatentFactory(
                company=company_a,
                number="JP2",
                title="Published",
                internal_note="secret",
                publication_state="published",
                ipc_codes="G01N25/00 H04M1/00",
                application_examples="Use one\nUse two",
                fit_clear_use="yes",
            ),
            PatentFactory(company=other_company_a, number="JP3", title="Other"),
        ]


def test_sme_reads_published_seeds_without_internal_fields(api_client_of, city_a, sme_a, seeds):
    body = api_client_of(sme_a, city_a).get(reverse("api_patent_list")).json()
    assert body["count"] == 1
    seed = body["results"][0]
    assert (seed["number"], seed["ipc"], seed["application_examples"], seed["fit_score"]) == (
        "JP2",
        ["G01N25/00", "H04M1/00"],
        ["Use one", "Use two"],
        2,
    )
    assert "internal_note" not in seed
    assert "publication_state" not in seed
    assert seed["fit_profile"][0] == {
        "field": "fit_clear_use",
        "label": "用途が明確",
        "answer": "yes",
        "note": "",
    }


def test_company_staff_reads_their_company_with_curation_fields(api_client_of, city_a, staff_a, seeds):
    client = api_client_of(staff_a, city_a)
    body = client.get(reverse("api_patent_list")).json()
    assert [(p["number"], p["publication_state"], p["internal_note"]) for p in body["results"]] == [
        ("JP1", "draft", "secret"),
        ("JP2", "published", "secret"),
    ]
    assert client.get(reverse("api_patent_detail", kwargs={"pk": seeds[2].pk})).status_code == 404
    assert client.get(reverse("api_patent_detail", kwargs={"pk": seeds[0].pk})).json()["number"] == "JP1"


def test_filters_through_query_parameters(api_client_of, city_a, coordinator_a, seeds):
    body = api_client_of(coordinator_a, city_a).get(reverse("api_patent_list"), {"ipc": "G01N"}).json()
    assert [p["number"] for p in body["results"]] == ["JP2"]


def test_reporting_client_may_not_read_patents(api_client_of, city_a, seeds):
    reporting = make_member(city_a, Role.REPORTING)
    assert api_client_of(reporting, city_a).get(reverse("api_patent_list")).status_code == 403


def test_other_municipality_token_sees_nothing(api_client_of, city_b, coordinator_b, seeds):
    client = api_client_of(coordinator_b, city_b)
    assert client.get(reverse("api_patent_list")).json()["count"] == 0
    assert client.get(reverse("api_patent_detail", kwargs={"pk": seeds[1].pk})).status_code == 404
    assert client.get(reverse("api_company_detail", kwargs={"pk": seeds[1].company_id})).status_code == 404


def test_companies(api_client_of, city_a, staff_a, coordinator_a, company_a, other_company_a):
    assert [
        c["name_ja"]
        for c in api_client_of(staff_a, city_a).get(reverse("api_company_list")).json()["results"]
    ] == ["川崎電機株式会社"]
    body = (
        api_client_of(coordinator_a, city_a)
        .get(reverse("api_company_detail", kwargs={"pk": company_a.pk}))
        .json()
    )
    assert (body["name_en"], sorted(body["aliases"])) == (
        "Kawasaki Denki Inc.",
        ["Kawasaki Denki Inc.", "川崎電機株式会社"],
    )


def test_upload_validate_confirm_through_the_api(api_client_of, city_a, staff_a, company_a):
    client = api_client_of(staff_a, city_a, read_only=False)
    response = client.post(
        reverse("api_import_list"),
        {"company": company_a.pk, "file": SimpleUploadedFile("p.csv", b"number,title\nJP1,x\nJP2,\n")},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["state"] == "queued"
    with scopes_disabled():
        portfolio_import = PortfolioImport.objects.get(pk=response.json()["id"])
        portfolio_import_validate(portfolio_import=portfolio_import)
    detail = client.get(
        reverse("api_import_detail", kwargs={"pk": portfolio_import.pk}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (detail.json()["state"], detail.json()["problems"]) == (
        "invalid",
        [{"row": 3, "column": "title", "message": "This value is required."}],
    )
    with assert_db_unchanged():
        confirm = client.post(reverse("api_import_confirm", kwargs={"pk": portfolio_import.pk}))
    assert confirm.status_code == 400
    with scopes_disabled():
        portfolio_import.refresh_from_db()
        assert (portfolio_import.state, Patent.objects.count()) == ("invalid", 0)


def test_read_only_token_cannot_upload(api_client_of, city_a, staff_a, company_a):
    client = api_client_of(staff_a, city_a)
    with assert_db_unchanged():
        response = client.post(
            reverse("api_import_list"),
            {"company": company_a.pk, "file": SimpleUploadedFile("p.csv", b"number,title\nJP1,x\n")},
            format="multipart",
        )
    assert response.status_code == 403
    with scopes_disabled():
        assert not PortfolioImport.objects.exists()


def test_staff_cannot_upload_for_another_company(api_client_of, city_a, staff_a, other_company_a):
    client = api_client_of(staff_a, city_a, read_only=False)
    with assert_db_unchanged():
        response = client.post(
            reverse("api_import_list"),
            {"company": other_company_a.pk, "file": SimpleUploadedFile("p.csv", b"number,title\nJP1,x\n")},
            format="multipart",
        )
    assert response.status_code == 404
    with scopes_disabled():
        assert not PortfolioImport.objects.exists()
