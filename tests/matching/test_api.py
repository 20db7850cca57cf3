import pytest
from django.urls import reverse
from django_scopes import scope

from kawasaki.models import Role
from matching import services
from matching.models import Direction, ScreeningRun
from tests.conftest import make_member
from tests.helpers.db_state import assert_db_unchanged


@pytest.mark.django_db
def test_runs_and_candidates_over_the_api(api_client_of, city_a, seeds_a, coordinator_a):
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.SME_TO_SEEDS,
            query_text="LED driver",
        )
        services.screening_run_execute(run=run)
    api = api_client_of(coordinator_a, city_a)
    runs = api.get(reverse("api_screeningrun_list")).json()
    assert runs["count"] == 1
    assert runs["results"][0]["status"] == "done"
    candidates = api.get(reverse("api_screeningcandidate_list", kwargs={"run_pk": run.pk})).json()
    first = candidates["results"][0]
    assert first["patent_title"] == "LED lighting driver"
    assert first["rank"] == 1
    assert "led" in first["matched_terms"]


@pytest.mark.django_db
def test_api_run_of_another_municipality_is_404(
    api_client_of, city_a, city_b, seeds_a, coordinator_a, coordinator_b
):
    with scope(municipality=city_a):
        run = ScreeningRun.objects.create(municipality=city_a, direction="sme_to_seeds", query_text="x")
    api_b = api_client_of(coordinator_b, city_b)
    assert api_b.get(reverse("api_screeningrun_detail", kwargs={"pk": run.pk})).status_code == 404
    body = api_b.get(reverse("api_screeningcandidate_list", kwargs={"run_pk": run.pk})).json()
    assert body["count"] == 0


@pytest.mark.django_db
def test_start_run_needs_write_token_and_coordinator(api_client_of, city_a, seeds_a, coordinator_a):
    read_only = api_client_of(coordinator_a, city_a, read_only=True)
    with assert_db_unchanged():
        refused = read_only.post(
            reverse("api_screeningrun_list"), {"direction": "sme_to_seeds", "query_text": "LED"}
        )
    assert refused.status_code == 403
    writer = api_client_of(coordinator_a, city_a, read_only=False)
    created = writer.post(
        reverse("api_screeningrun_list"), {"direction": "sme_to_seeds", "query_text": "LED", "top_k": 5}
    )
    assert created.status_code == 201
    assert created.json()["status"] == "queued"
    sme_user = make_member(city_a, Role.SME_MEMBER)
    sme_api = api_client_of(sme_user, city_a, read_only=False)
    assert sme_api.get(reverse("api_screeningrun_list")).status_code == 403
    with assert_db_unchanged():
        bad = writer.post(
            reverse("api_screeningrun_list"),
            {"direction": "sme_to_seeds", "query_text": ""},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid"


@pytest.mark.django_db
def test_idempotency_key_makes_a_write_happen_once(api_client_of, city_a, seeds_a, coordinator_a):
    writer = api_client_of(coordinator_a, city_a, read_only=False)
    url = reverse("api_screeningrun_list")
    payload = {"direction": "sme_to_seeds", "query_text": "LED", "top_k": 5}
    first = writer.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="run-2026-11-26-a")
    again = writer.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="run-2026-11-26-a")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    with scope(municipality=city_a):
        assert ScreeningRun.objects.count() == 1
    other = writer.post(
        url, {**payload, "query_text": "motor"}, format="json", HTTP_IDEMPOTENCY_KEY="run-2026-11-26-a"
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_api_starts_every_direction_and_the_runs_find_what_the_pages_would(
    api_client_of, city_a, seeds_a, coordinator_a
):
    from tests.matching.conftest import make_sme

    farm = make_sme(city_a, "みどり農園", needs="畑の土壌水分を測りたい", products="Soil moisture logging")
    writer = api_client_of(coordinator_a, city_a, read_only=False)
    url = reverse("api_screeningrun_list")
    started = {
        "sme": writer.post(url, {"direction": "sme_to_seeds", "sme": farm.pk, "top_k": 3}, format="json"),
        "seed": writer.post(
            url, {"direction": "seed_to_smes", "patent": seeds_a["sensor"].pk, "top_k": 3}, format="json"
        ),
        "portfolio": writer.post(
            url,
            {
                "direction": "portfolio",
                "company": seeds_a["company"].pk,
                "top_k": 2,
                "filters": {"licence_types": [], "ipc_prefixes": []},
            },
            format="json",
        ),
    }
    assert {k: r.status_code for k, r in started.items()} == {"sme": 201, "seed": 201, "portfolio": 201}
    sme_run = started["sme"].json()
    # Started from an SME without text: its profile is the query, as on the page.
    assert sme_run["sme"] == farm.pk
    assert "土壌水分" in sme_run["query_text"]
    for response in started.values():
        with scope(municipality=city_a):
            services.screening_run_execute(run=ScreeningRun.objects.get(pk=response.json()["id"]))
    candidates = {
        key: api_client_of(coordinator_a, city_a)
        .get(reverse("api_screeningcandidate_list", kwargs={"run_pk": r.json()["id"]}))
        .json()["results"]
        for key, r in started.items()
    }
    assert candidates["sme"][0]["patent"] == seeds_a["sensor"].pk
    assert [(c["patent"], c["sme"]) for c in candidates["seed"]] == [(seeds_a["sensor"].pk, farm.pk)]
    assert (seeds_a["sensor"].pk, farm.pk) in [(c["patent"], c["sme"]) for c in candidates["portfolio"]]


@pytest.mark.django_db
def test_api_run_refuses_subjects_of_another_municipality_and_missing_subjects(
    api_client_of, city_a, city_b, seeds_a, coordinator_a
):
    from tests.matching.conftest import make_company, make_patent, make_sme

    other_company = make_company(city_b)
    other_seed = make_patent(city_b, other_company, "Other city's seed")
    other_sme = make_sme(city_b, "他市の会社", needs="LED")
    writer = api_client_of(coordinator_a, city_a, read_only=False)
    url = reverse("api_screeningrun_list")
    for payload, field in [
        ({"direction": "seed_to_smes", "patent": other_seed.pk}, "patent"),
        ({"direction": "portfolio", "company": other_company.pk}, "company"),
        ({"direction": "sme_to_seeds", "sme": other_sme.pk}, "sme"),
        ({"direction": "seed_to_smes"}, "patent"),
        ({"direction": "portfolio"}, "company"),
        (
            {"direction": "sme_to_seeds", "query_text": "LED", "filters": {"licence_types": ["gift"]}},
            "filters",
        ),
    ]:
        response = writer.post(url, payload, format="json", HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 400, payload
        body = response.json()["error"]
        assert field in str(body), (payload, body)
    with scope(municipality=city_a):
        assert ScreeningRun.objects.count() == 0
