"""A candidate's band is its own indexed column: written by every run, filled for older rows by
migration 0012, and what a run's page counts and filters by (never the explanation JSON)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from matching import services
from matching.models import Direction, ScreeningCandidate
from tests.matching.conftest import make_sme
from tests.matching.test_run_page import build_run, get, row_ids

migration = importlib.import_module("matching.migrations.0012_candidate_band")


@pytest.mark.django_db
@pytest.mark.parametrize("direction", [Direction.PORTFOLIO, Direction.SME_TO_SEEDS])
def test_a_run_writes_each_candidates_band_column(city_a, seeds_a, coordinator_a, direction):
    sme = make_sme(city_a, "Farm Tech", needs="soil moisture sensor for farms, LED lighting")
    make_sme(city_a, "Motor Works", needs="vibration damping for small motors")
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=direction,
            company=seeds_a["company"] if direction == Direction.PORTFOLIO else None,
            sme=sme if direction == Direction.SME_TO_SEEDS else None,
        )
        services.screening_run_execute(run=run)
        rows = list(run.candidates.values_list("band", "explanation"))
    assert rows
    for band, explanation in rows:
        assert band == explanation["band"]
        assert band in {"strong", "possible", "weak", "below"}


@pytest.mark.django_db
def test_the_migration_fills_the_band_from_the_explanation(city_a, coordinator_a):
    run = build_run(city_a, coordinator_a, smes=1, per_sme=5)
    with scopes_disabled():
        a, b, c, d, e = run.candidates.order_by("rank")
        stored = {
            a.pk: {"band": "strong", "strength": 0.9},
            b.pk: {"band": "below", "strength": 0.1, "query_kind": "long"},
            c.pk: {"strength": 0.45},  # before bands were stored: typed cut-offs, possible
            d.pk: {"strength": 0.05},
            e.pk: {"matched_terms": []},  # before strengths: unknown, never hidden
        }
        for pk, explanation in stored.items():
            # As a row looked before the column existed: the column at its default.
            ScreeningCandidate._base_manager.filter(pk=pk).update(explanation=explanation, band="unknown")
        migration.fill_bands(apps, None)
        bands = dict(run.candidates.values_list("pk", "band"))
    assert bands == {a.pk: "strong", b.pk: "below", c.pk: "possible", d.pk: "below", e.pk: "unknown"}


@pytest.mark.django_db
def test_run_page_counts_and_filters_read_the_band_column(client_of, city_a, coordinator_a):
    run = build_run(city_a, coordinator_a, smes=2, per_sme=6)
    with scopes_disabled():
        first_sme = run.candidates.order_by("sme__name_ja").first().sme_id
        # The column says below for rank 1 of the first SME; its explanation still says strong.
        hidden = run.candidates.get(sme_id=first_sme, rank=1)
        ScreeningCandidate._base_manager.filter(pk=hidden.pk).update(band="below")
        # ...and strong for rank 2, whose explanation says possible.
        promoted = run.candidates.get(sme_id=first_sme, rank=2)
        ScreeningCandidate._base_manager.filter(pk=promoted.pk).update(band="strong")
        strong = set(run.candidates.filter(band="strong").values_list("pk", flat=True))
    client = client_of(coordinator_a)
    with CaptureQueriesContext(connection) as queries:
        html = get(client, "screeningrun_detail", run).content.decode()
    # Pending and below: hidden by default, and counted.
    assert hidden.pk not in row_ids(html)
    assert "Show 1 weaker match" in html
    # The per-SME counts group by the columns and read no explanation.
    grouped = [
        q["sql"]
        for q in queries.captured_queries
        if "GROUP BY" in q["sql"] and "screeningcandidate" in q["sql"]
    ]
    assert grouped
    assert all("explanation" not in sql for sql in grouped)
    html = get(client, "screeningrun_detail", run, "?band=strong").content.decode()
    assert set(row_ids(html)) == strong
    assert promoted.pk in strong
    # The API's band filter reads the same column.
    with scopes_disabled():
        assert (
            set(ScreeningCandidate.objects.filter(run=run, band="strong").values_list("pk", flat=True))
            == strong
        )
    html = get(client, "screeningrun_detail", run, "?band=below&weaker=1").content.decode()
    assert row_ids(html) == [hidden.pk]


@pytest.mark.django_db
def test_api_band_filter_reads_the_column(api_client_of, city_a, coordinator_a):
    run = build_run(city_a, coordinator_a, smes=1, per_sme=3)
    with scopes_disabled():
        odd = run.candidates.get(rank=3)  # explanation: weak
        ScreeningCandidate._base_manager.filter(pk=odd.pk).update(band="strong")
    api = api_client_of(coordinator_a, city_a)
    url = reverse("api_screeningcandidate_list", kwargs={"run_pk": run.pk})
    body = api.get(url, {"band": "strong"}).json()
    assert {c["id"] for c in body["results"]} >= {odd.pk}
    assert {c["band"] for c in body["results"]} == {"strong"}
    assert api.get(url, {"band": "weak"}).json()["count"] == 0
