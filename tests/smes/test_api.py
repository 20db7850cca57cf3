import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from kawasaki.models import Role
from smes import services
from tests.conftest import make_member
from tests.factories.smes import BusinessPlanFactory, SMEFactory

pytestmark = pytest.mark.django_db


def test_coordinator_lists_smes_of_the_token_municipality_only(
    api_client_of, city_a, city_b, coordinator_a, sme_a, other_sme_a
):
    with scopes_disabled():
        SMEFactory(municipality=city_b, name_ja="B市の会社")
    response = api_client_of(coordinator_a, city_a).get(reverse("api_sme_list"))
    assert response.status_code == 200
    assert [row["name_ja"] for row in response.json()["results"]] == ["多摩電子株式会社", "川崎精工株式会社"]
    assert response.json()["results"][1]["industry_label"] == "E 製造業"


def test_sme_member_sees_only_own_sme(api_client_of, city_a, sme_a, other_sme_a, sme_member_a):
    api = api_client_of(sme_member_a, city_a)
    assert [row["id"] for row in api.get(reverse("api_sme_list")).json()["results"]] == [sme_a.pk]
    assert api.get(reverse("api_sme_detail", kwargs={"pk": sme_a.pk})).json()["name_en"] == "Kawasaki Seiko"
    response = api.get(reverse("api_sme_detail", kwargs={"pk": other_sme_a.pk}))
    assert response.status_code == 404
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_other_municipality_sme_is_404(api_client_of, city_a, city_b, coordinator_a):
    with scopes_disabled():
        sme_b = SMEFactory(municipality=city_b)
    response = api_client_of(coordinator_a, city_a).get(reverse("api_sme_detail", kwargs={"pk": sme_b.pk}))
    assert response.status_code == 404


def test_company_staff_and_reporting_are_refused(api_client_of, city_a):
    for role in (Role.COMPANY_STAFF, Role.REPORTING):
        user = make_member(city_a, role)
        assert api_client_of(user, city_a).get(reverse("api_sme_list")).status_code == 403
        assert api_client_of(user, city_a).get(reverse("api_business_plan_list")).status_code == 403


def test_business_plan_api_has_frozen_versions(
    api_client_of, city_a, sme_a, other_sme_a, sme_member_a, coordinator_a
):
    with scope(municipality=city_a):
        plan = BusinessPlanFactory(sme=sme_a, title="振動センサー事業", product_concept="v1")
        services.business_plan_set_status(plan=plan, new_status="submitted", actor=sme_member_a)
        BusinessPlanFactory(sme=other_sme_a, title="他社の計画")
    rows = api_client_of(sme_member_a, city_a).get(reverse("api_business_plan_list")).json()["results"]
    assert [r["title"] for r in rows] == ["振動センサー事業"]
    assert rows[0]["status"] == "submitted"
    assert rows[0]["sections"]["product_concept"] == "v1"
    assert [(v["number"], v["sections"]["product_concept"]) for v in rows[0]["versions"]] == [(1, "v1")]
    titles = {
        r["title"]
        for r in api_client_of(coordinator_a, city_a).get(reverse("api_business_plan_list")).json()["results"]
    }
    assert titles == {"振動センサー事業", "他社の計画"}


def test_sme_list_has_no_n_plus_one(api_client_of, city_a, coordinator_a, django_assert_max_num_queries):
    with scopes_disabled():
        for _ in range(15):
            SMEFactory(municipality=city_a)
    api = api_client_of(coordinator_a, city_a)
    with django_assert_max_num_queries(12):
        assert len(api.get(reverse("api_sme_list")).json()["results"]) == 15
