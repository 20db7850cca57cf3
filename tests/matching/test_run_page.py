"""A portfolio run's page at scale: SMEs 50 a page, five candidates each with "more", band and decision
filters, whole-run CSV and XLSX exports, the API's pages and band filter."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from matching.models import ScreeningCandidate, ScreeningRun
from tests.matching.conftest import make_company, make_patent, make_sme

BANDS = ["strong", "possible", "weak"]


def build_run(municipality, user, *, smes, per_sme):
    """A finished portfolio run: `smes` SMEs named so that they sort in creation order, `per_sme`
    candidates each; bands cycle strong / possible / weak by rank."""
    with scopes_disabled():
        company = make_company(municipality, "大手電機")
        run = ScreeningRun.objects.create(
            municipality=municipality, direction="portfolio", status="done", company=company, created_by=user
        )
        seeds = [make_patent(municipality, company, f"Seed {i}") for i in range(per_sme)]
        rows = []
        for s in range(smes):
            sme = make_sme(municipality, f"SME {s:03d}")
            for rank, seed in enumerate(seeds, start=1):
                rows.append(
                    ScreeningCandidate(
                        municipality=municipality,
                        run=run,
                        patent=seed,
                        sme=sme,
                        rank=rank,
                        score=10 - rank,
                        relevance=5.0,
                        fit_adjustment=0.0,
                        band=BANDS[(rank - 1) % 3],
                        explanation={"band": BANDS[(rank - 1) % 3], "query_kind": "long"},
                    )
                )
        ScreeningCandidate.objects.bulk_create(rows)
        ScreeningRun.objects.filter(pk=run.pk).update(candidate_count=len(rows))
    return run


def get(client, name, run, query="", **kwargs):
    url = reverse(name, kwargs={"municipality": run.municipality.slug, "pk": run.pk, **kwargs})
    return client.get(url + query, HTTP_ACCEPT_LANGUAGE="en")


def group_names(html):
    return re.findall(r'data-testid="sme-group">\s*<h3>\s*<a href="[^"]+">([^<]+)</a>', html)


def row_ids(html):
    return [int(pk) for pk in re.findall(r'<li class="candidate-row [^"]*"\s+id="candidate-(\d+)"', html)]


@pytest.mark.django_db
def test_run_page_shows_fifty_smes_a_page(client_of, city_a, coordinator_a):
    run = build_run(city_a, coordinator_a, smes=53, per_sme=2)
    client = client_of(coordinator_a)
    first = get(client, "screeningrun_detail", run).content.decode()
    assert group_names(first) == [f"SME {i:03d}" for i in range(50)]
    assert len(row_ids(first)) == 100
    second = get(client, "screeningrun_detail", run, "?page=2").content.decode()
    assert group_names(second) == ["SME 050", "SME 051", "SME 052"]


@pytest.mark.django_db
def test_run_page_shows_five_per_sme_and_more_fetches_the_rest(client_of, city_a, coordinator_a):
    run = build_run(city_a, coordinator_a, smes=2, per_sme=8)
    client = client_of(coordinator_a)
    html = get(client, "screeningrun_detail", run).content.decode()
    with scopes_disabled():
        sme = run.candidates.order_by("sme__name_ja").first().sme
        ranked = list(run.candidates.filter(sme=sme).order_by("rank").values_list("pk", flat=True))
    assert row_ids(html)[:5] == ranked[:5]
    assert len(row_ids(html)) == 10
    assert f'data-testid="more-{sme.pk}"' in html
    assert "3 more" in html
    more = get(client, "screeningrun_sme_candidates", run, sme=sme.pk)
    assert more.status_code == 200
    assert row_ids(more.content.decode()) == ranked[5:]


@pytest.mark.django_db
def test_run_page_filters_by_band_and_decision(client_of, city_a, coordinator_a):
    run = build_run(city_a, coordinator_a, smes=2, per_sme=6)
    with scopes_disabled():
        chosen = run.candidates.filter(rank=1).order_by("sme__name_ja").first()
        chosen.decision = "shortlisted"
        chosen.save(update_fields=["decision"])
        strong = set(run.candidates.filter(rank__in=[1, 4]).values_list("pk", flat=True))
    client = client_of(coordinator_a)
    html = get(client, "screeningrun_detail", run, "?band=strong").content.decode()
    assert set(row_ids(html)) == strong
    html = get(client, "screeningrun_detail", run, "?band=strong&decision=shortlisted").content.decode()
    assert row_ids(html) == [chosen.pk]
    html = get(client, "screeningrun_detail", run, "?band=possible&decision=shortlisted").content.decode()
    assert row_ids(html) == []


@pytest.mark.django_db
def test_csv_export_holds_the_whole_run(client_of, city_a, coordinator_a):
    run = build_run(city_a, coordinator_a, smes=55, per_sme=7)  # more SMEs and candidates than one page shows
    response = get(client_of(coordinator_a), "screeningrun_export_csv", run)
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["SME", "Rank", "Seed number", "Seed title"]
    assert len(rows) == 1 + 55 * 7
    assert {r[0] for r in rows[1:]} == {f"SME {i:03d}" for i in range(55)}
    assert [r[1] for r in rows[1:8]] == [str(i) for i in range(1, 8)]
    assert rows[1][5] == "strong"


@pytest.mark.django_db
def test_xlsx_export_holds_the_whole_run(client_of, city_a, coordinator_a):
    run = build_run(city_a, coordinator_a, smes=51, per_sme=6)
    response = get(client_of(coordinator_a), "screeningrun_export_xlsx", run)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("SME", "Rank")
    assert len(values) == 1 + 51 * 6
    assert values[-1][0] == "SME 050"


@pytest.mark.django_db
def test_exports_and_more_of_another_municipality_are_404(
    client_of, city_a, city_b, coordinator_a, coordinator_b
):
    run = build_run(city_a, coordinator_a, smes=1, per_sme=6)
    with scopes_disabled():
        sme_id = run.candidates.first().sme_id
        candidate_id = run.candidates.first().pk
    client = client_of(coordinator_b)
    # coordinator_b asks under its own municipality's URL for city A's run.
    for name, extra in [
        ("screeningrun_export_csv", {}),
        ("screeningrun_export_xlsx", {}),
        ("screeningrun_sme_candidates", {"sme": sme_id}),
        ("candidate_why", {"candidate": candidate_id}),
    ]:
        url = reverse(name, kwargs={"municipality": city_b.slug, "pk": run.pk, **extra})
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_api_pages_candidates_and_filters_by_band(api_client_of, city_a, coordinator_a):
    run = build_run(city_a, coordinator_a, smes=12, per_sme=6)  # 72 candidates, 24 strong
    api = api_client_of(coordinator_a, city_a)
    url = reverse("api_screeningcandidate_list", kwargs={"run_pk": run.pk})
    first = api.get(url).json()
    assert first["count"] == 72
    assert len(first["results"]) == 50
    assert len(api.get(first["next"]).json()["results"]) == 22
    strong = api.get(url, {"band": "strong"}).json()
    assert strong["count"] == 24
    assert {c["band"] for c in strong["results"]} == {"strong"}
    assert api.get(url, {"band": "shiny"}).status_code == 400


@pytest.mark.django_db
def test_reasons_are_fetched_when_opened(client_of, city_a, coordinator_a):
    """The run page renders each row's one-line summary and a link to its reasons; opening the row
    fetches them (htmx), or shows them as their own page without JavaScript."""
    run = build_run(city_a, coordinator_a, smes=2, per_sme=3)
    with scopes_disabled():
        candidate = run.candidates.order_by("sme__name_ja", "rank").first()
        other_run = build_run(city_a, coordinator_a, smes=1, per_sme=1)
        ScreeningCandidate.objects.filter(pk=candidate.pk).update(
            explanation={
                "band": "strong",
                "query_kind": "long",
                "needs_met": [{"need": "工場の騒音を減らしたい", "words": ["騒音"]}],
                "matched_terms": [{"term": "騒音", "query_term": "騒音", "via": "exact"}],
                "fit": {"met": ["clear_use"], "partial": [], "unmet": ["prototype"], "unknown": []},
            }
        )
    client = client_of(coordinator_a)
    page = get(client, "screeningrun_detail", run).content.decode()
    why_url = reverse(
        "candidate_why", kwargs={"municipality": "city-a", "pk": run.pk, "candidate": candidate.pk}
    )
    assert f'hx-get="{why_url}"' in page
    assert page.count('class="candidate__why"') == 0  # no row renders its reasons up front
    assert "工場の騒音を減らしたい" in page  # the summary line names the need met
    fragment = client.get(why_url, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'class="candidate__why"' in fragment
    assert "騒音" in fragment
    assert "<html" not in fragment
    full = client.get(why_url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "<html" in full
    assert 'data-testid="candidate-why"' in full
    assert "合う理由" in full
    # A candidate is read only through its own run.
    wrong = reverse(
        "candidate_why", kwargs={"municipality": "city-a", "pk": other_run.pk, "candidate": candidate.pk}
    )
    assert client.get(wrong).status_code == 404
