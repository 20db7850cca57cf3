"""The run page as a reviewer uses it: filter by decision with counts, SME groups, readable proposal choices."""

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from matching.models import ScreeningRun
from tests.matching.conftest import make_company
from tests.matching.test_query_counts import add_candidates


@pytest.fixture
def run(city_a, coordinator_a):
    with scopes_disabled():
        company = make_company(city_a, "大手電機")
        run = ScreeningRun.objects.create(
            municipality=city_a,
            direction="portfolio",
            status="done",
            company=company,
            created_by=coordinator_a,
        )
        add_candidates(run, company, 6, user=coordinator_a)  # ranks 1 and 4 shortlisted
    return run


def detail(client, run, query=""):
    url = reverse("screeningrun_detail", kwargs={"municipality": run.municipality.slug, "pk": run.pk})
    response = client.get(url + query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def shown_ids(html):
    return [int(pk) for pk in re.findall(r'<li class="candidate(?:-row)? [^"]*" id="candidate-(\d+)"', html)]


@pytest.mark.django_db
def test_decision_filter_shows_only_that_decision_with_counts(client_of, coordinator_a, run):
    client = client_of(coordinator_a)
    with scopes_disabled():
        shortlisted = sorted(run.candidates.filter(decision="shortlisted").values_list("pk", flat=True))
    html = detail(client, run, "?decision=shortlisted")
    assert sorted(shown_ids(html)) == shortlisted
    assert len(shortlisted) == 2
    assert 'aria-current="page">Shortlisted (2)</a>' in html
    assert ">To review (4)</a>" in html
    assert ">All (6)</a>" in html


@pytest.mark.django_db
def test_unknown_decision_filter_shows_every_candidate(client_of, coordinator_a, run):
    html = detail(client_of(coordinator_a), run, "?decision=maybe")
    assert len(shown_ids(html)) == 6


@pytest.mark.django_db
def test_portfolio_run_groups_candidates_under_their_sme(client_of, coordinator_a, run):
    html = detail(client_of(coordinator_a), run)
    with scopes_disabled():
        names = sorted(str(c.sme) for c in run.candidates.select_related("sme"))
    found = re.findall(r'data-testid="sme-group">\s*<h3>\s*<a href="[^"]+">([^<]+)</a>', html)
    assert found == names


@pytest.mark.django_db
def test_proposal_choices_name_rank_seed_and_sme(client_of, coordinator_a, run):
    html = detail(client_of(coordinator_a), run)
    with scopes_disabled():
        first = run.candidates.select_related("patent", "sme").get(rank=1)
    assert f"1. {first.patent.number} {first.patent.title} ({first.patent.company}) — {first.sme}" in html
    # Pending candidates offer no "back to review" button; decided ones do.
    assert html.count('value="pending"') == 2
