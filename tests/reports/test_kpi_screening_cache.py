"""The KPIs' screening figures (seeds screened per year, matches) are read over every candidate of
every run, so they are cached, and the cache ends with every write that changes them: a decision, a
finished run (its candidates bulk-written), a run removed with its candidates."""

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from matching.models import Decision, ScreeningCandidate, ScreeningRun
from matching.services.screening import candidate_decide
from reports.kpidata import KpiData
from tests.matching.conftest import make_company, make_patent, make_sme

pytestmark = pytest.mark.django_db


def finished_run(municipality, user, seeds, sme):
    """A portfolio run written as the service writes it: candidates in bulk, then the run saved done."""
    run = ScreeningRun.objects.create(
        municipality=municipality, direction="portfolio", status="running", created_by=user
    )
    ScreeningCandidate.objects.bulk_create(
        ScreeningCandidate(
            municipality=municipality,
            run=run,
            patent=seed,
            sme=sme,
            rank=rank,
            score=1.0,
            relevance=1.0,
            fit_adjustment=0.0,
            band="strong",
        )
        for rank, seed in enumerate(seeds, start=1)
    )
    run.status = "done"
    run.save(update_fields=["status"])
    return run


def screening(municipality):
    fiscal_year = municipality.fiscal_year_of(timezone.localdate())
    figures = KpiData(municipality=municipality, fiscal_year=fiscal_year).screening
    return figures[f"screened_{fiscal_year}"], figures["matches"]


def test_screening_figures_follow_runs_and_decisions(city_a, coordinator_a, django_assert_num_queries):
    with scopes_disabled():
        company = make_company(city_a)
        seeds = [make_patent(city_a, company, f"Seed {i}") for i in range(4)]
        sme = make_sme(city_a, "川崎精機")
    with scope(municipality=city_a):
        first = finished_run(city_a, coordinator_a, seeds[:2], sme)
        assert screening(city_a) == (2, 0)
        with django_assert_num_queries(0):
            assert screening(city_a) == (2, 0)  # cached
        candidate = first.candidates.order_by("rank").first()
        candidate_decide(candidate=candidate, actor=coordinator_a, decision=Decision.SHORTLISTED)
        assert screening(city_a) == (2, 1)
        second = finished_run(city_a, coordinator_a, seeds[1:], sme)
        assert screening(city_a) == (4, 1)
        second.delete()
        assert screening(city_a) == (2, 1)
        # A direct write no signal announces stays unseen until the next announced change.
        ScreeningCandidate.objects.filter(pk=candidate.pk).update(decision=Decision.PENDING)
        assert screening(city_a) == (2, 1)
        candidate_decide(
            candidate=first.candidates.order_by("rank").last(),
            actor=coordinator_a,
            decision=Decision.REJECTED,
            reason="not_relevant",
        )
        assert screening(city_a) == (2, 0)
