"""Screening pages and API: as many queries at 2N rows as at N rows (no N+1), under a ceiling."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from matching.models import Decision, MeetingProposal, ProposalKind, ScreeningCandidate, ScreeningRun
from tests.factories.matching import staff_of
from tests.kawasaki.querycount import assert_flat
from tests.matching.conftest import make_company, make_patent, make_sme

ROWS = 12
_n = itertools.count()


def add_candidates(run, company, n, *, user=None):
    """n candidates on n new seeds of `company`, each for a new SME; every third shortlisted."""
    municipality = run.municipality
    start = run.candidates.count()
    for i in range(n):
        k = next(_n)
        seed = make_patent(municipality, company, f"Seed {k}", f"Abstract {k}")
        ScreeningCandidate.objects.create(
            municipality=municipality,
            run=run,
            patent=seed,
            sme=make_sme(municipality, f"中小企業{k}"),
            rank=start + i + 1,
            score=10.0 - i * 0.1,
            relevance=9.0,
            fit_adjustment=0.2,
            explanation={
                "matched_terms": [{"term": "motor", "surfaces": ["motor"], "synonym_of": ""}],
                "fit": {"met": ["clear_use"], "partly": [], "missed": [], "unknown": []},
                "title_html": f"<mark>Seed</mark> {k}",
            },
            decision=Decision.SHORTLISTED if i % 3 == 0 else Decision.PENDING,
            decided_by=user if i % 3 == 0 else None,
        )
    ScreeningRun.objects.filter(pk=run.pk).update(candidate_count=run.candidates.count())


def add_runs(municipality, user, company, n):
    """n finished runs of every direction, each with a subject and two candidates; a proposal each."""
    directions = ["sme_to_seeds", "seed_to_smes", "portfolio"]
    for i in range(n):
        k = next(_n)
        sme = make_sme(municipality, f"依頼元{k}")
        seed = make_patent(municipality, company, f"Subject {k}")
        run = ScreeningRun.objects.create(
            municipality=municipality,
            direction=directions[i % 3],
            status="done",
            query_text=f"needs {k}",
            sme=sme if i % 3 == 0 else None,
            patent=seed if i % 3 == 1 else None,
            company=company if i % 3 == 2 else None,
            created_by=user,
            shared_with_company=True,
        )
        add_candidates(run, company, 2, user=user)
        proposal = MeetingProposal.objects.create(
            municipality=municipality, kind=ProposalKind.CLOSED, company=company, created_by=user, note="n"
        )
        candidates = list(run.candidates.all())
        proposal.candidates.set(candidates)
        proposal.smes.set([c.sme for c in candidates])
        proposal.patents.set([c.patent for c in candidates])


@pytest.fixture
def screening(city_a, coordinator_a):
    with scopes_disabled():
        company = make_company(city_a, "大手電機")
        add_runs(city_a, coordinator_a, company, ROWS)
        run = ScreeningRun.objects.create(
            municipality=city_a,
            direction="portfolio",
            status="done",
            company=company,
            created_by=coordinator_a,
        )
        add_candidates(run, company, ROWS, user=coordinator_a)
    return {"company": company, "run": run}


def page(name, city, **kwargs):
    return reverse(name, kwargs={"municipality": city.slug, **kwargs})


def grow_runs(city, user, company):
    def grow():
        with scopes_disabled():
            add_runs(city, user, company, ROWS)

    return grow


@pytest.mark.django_db
# The screening page reads the index builds too (one query: an interrupted or failed rebuild is shown).
@pytest.mark.parametrize(("name", "ceiling"), [("screening_home", 8), ("meetingproposal_list", 8)])
def test_screening_lists_do_not_grow_with_rows(client_of, city_a, coordinator_a, screening, name, ceiling):
    grow = grow_runs(city_a, coordinator_a, screening["company"])
    count = assert_flat(client_of(coordinator_a), page(name, city_a), grow)
    assert count <= ceiling


@pytest.mark.django_db
def test_run_detail_does_not_grow_with_candidates(client_of, city_a, coordinator_a, screening):
    run = screening["run"]

    def grow():
        with scopes_disabled():
            add_candidates(run, screening["company"], ROWS, user=coordinator_a)

    count = assert_flat(client_of(coordinator_a), page("screeningrun_detail", city_a, pk=run.pk), grow)
    # A portfolio run's page: 8 before, plus the SME paginator's count, the count of hidden weaker
    # matches and the "hides weaker?" check, all done in the database instead of loading every candidate.
    assert count <= 11


@pytest.mark.django_db
def test_run_form_from_each_subject_is_a_fixed_number_of_queries(client_of, city_a, coordinator_a, screening):
    run = screening["run"]
    with scopes_disabled():
        first = run.candidates.select_related("sme", "patent").first()
    client = client_of(coordinator_a)
    grow = grow_runs(city_a, coordinator_a, screening["company"])
    base = page("screeningrun_create", city_a)
    for query in (
        "",
        f"?sme={first.sme_id}",
        f"?patent={first.patent_id}",
        f"?portfolio={screening['company'].pk}",
    ):
        assert assert_flat(client, base + query, grow) <= 6


@pytest.mark.django_db
def test_shared_candidates_do_not_grow_with_rows(client_of, city_a, coordinator_a, screening):
    with scopes_disabled():
        staff = staff_of(screening["company"])
    grow = grow_runs(city_a, coordinator_a, screening["company"])
    count = assert_flat(client_of(staff), page("shared_candidates", city_a), grow)
    assert count <= 6


@pytest.mark.django_db
def test_screening_api_does_not_grow_with_rows(api_client_of, city_a, coordinator_a, screening):
    api = api_client_of(coordinator_a, city_a)
    run = screening["run"]
    grow = grow_runs(city_a, coordinator_a, screening["company"])
    for url in (
        reverse("api_screeningrun_list"),
        reverse("api_screeningrun_detail", kwargs={"pk": run.pk}),
        reverse("api_screeningcandidate_list", kwargs={"run_pk": run.pk}),
    ):
        assert assert_flat(api, url, grow) <= 6


@pytest.mark.django_db
def test_screening_api_candidates_do_not_grow_with_candidates(
    api_client_of, city_a, coordinator_a, screening
):
    api = api_client_of(coordinator_a, city_a)
    run = screening["run"]

    def grow():
        with scopes_disabled():
            add_candidates(run, screening["company"], ROWS, user=coordinator_a)

    url = reverse("api_screeningcandidate_list", kwargs={"run_pk": run.pk})
    assert assert_flat(api, url, grow) <= 6
