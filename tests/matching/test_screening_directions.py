"""Each screening direction ranks by score, names the right object and shows the seed's own fit.

Each test here fails on a bug the issue found: seed -> SMEs runs listed alphabetically with rank 1 at
the bottom, titles linking to the seed instead of the SME, the six criteria shown as unknown though the
seed's fit profile is filled in, and an SME searched with different texts by SME -> seeds and portfolio
runs (and a seed with different fields by the index and the seed -> SMEs query)."""

import re

import pytest
from django.urls import reverse
from django_scopes import scope

from matching import selectors, services
from matching.engine.text import clean_text
from matching.indexing import current_index, seed_document, sme_document, sme_query_text
from matching.models import Direction, IndexKind
from patents.models import FitAnswer
from tests.matching.conftest import make_company, make_patent, make_sme


def run_of(city, actor, **kwargs):
    with scope(municipality=city):
        run = services.screening_run_start(municipality=city, actor=actor, **kwargs)
        services.screening_run_execute(run=run)
        return run, list(selectors.candidates_of(run=run))


@pytest.fixture
def moisture_seed(city_a):
    company = make_company(city_a)
    return make_patent(
        city_a,
        company,
        "Soil moisture sensor",
        "A wireless sensor measuring soil moisture for farms.",
        fit_clear_use=FitAnswer.YES,
        fit_direct_contribution=FitAnswer.YES,
        fit_adds_value=FitAnswer.PARTLY,
        fit_low_effort=FitAnswer.NO,
        fit_prototype=FitAnswer.YES,
        fit_not_large_business=FitAnswer.YES,
    )


@pytest.fixture
def three_smes(city_a):
    # Names in the reverse order of relevance: an alphabetical listing puts the best one last.
    return [
        make_sme(city_a, "Zeta Farms", needs="soil moisture sensor for farms, wireless soil moisture"),
        make_sme(city_a, "Mid Agri", needs="moisture sensor"),
        make_sme(city_a, "Alpha Tools", needs="wireless tools"),
    ]


@pytest.mark.django_db
def test_seed_to_smes_ranks_by_score_not_by_name(city_a, coordinator_a, moisture_seed, three_smes):
    _run, candidates = run_of(city_a, coordinator_a, direction=Direction.SEED_TO_SMES, patent=moisture_seed)
    assert [c.rank for c in candidates] == [1, 2, 3]
    assert [c.sme.name_ja for c in candidates] == ["Zeta Farms", "Mid Agri", "Alpha Tools"]
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)


@pytest.mark.django_db
def test_seed_to_smes_page_links_each_candidate_to_its_sme(
    client_of, city_a, coordinator_a, moisture_seed, three_smes
):
    run, candidates = run_of(city_a, coordinator_a, direction=Direction.SEED_TO_SMES, patent=moisture_seed)
    # Every candidate, the weaker ones too (a seed text is a long query: below-weak ones are hidden).
    body = (
        client_of(coordinator_a)
        .get(reverse("screeningrun_detail", kwargs={"municipality": "city-a", "pk": run.pk}), {"weaker": "1"})
        .content.decode()
    )
    sme_urls = [reverse("sme_detail", kwargs={"municipality": "city-a", "pk": c.sme_id}) for c in candidates]
    positions = [
        re.search(rf'href="{re.escape(url)}"\s+data-testid="candidate-link"', body).start()
        for url in sme_urls
    ]
    assert positions == sorted(positions)  # rank 1 first on the page
    seed_url = reverse("patent_detail", kwargs={"municipality": "city-a", "pk": moisture_seed.pk})
    assert f'href="{seed_url}"\n         data-testid="candidate-link"' not in body


@pytest.mark.django_db
def test_seed_to_smes_shows_the_seeds_fit_profile(city_a, coordinator_a, moisture_seed, three_smes):
    _run, candidates = run_of(city_a, coordinator_a, direction=Direction.SEED_TO_SMES, patent=moisture_seed)
    fit = candidates[0].explanation["fit"]
    assert fit["unknown"] == []
    assert fit["missed"] == ["low_development_effort"]
    assert fit["partly"] == ["adds_value_easily"]
    groups = {key: labels for key, _heading, labels in candidates[0].fit_groups}
    assert groups["unknown"] == []
    assert len(groups["met"]) == 4


@pytest.mark.django_db
def test_sme_run_and_portfolio_run_search_the_same_text(city_a, coordinator_a):
    company = make_company(city_a)
    for title, abstract in [
        ("Soil moisture sensor", "A wireless sensor measuring soil moisture."),
        ("Bread oven", "An oven that bakes bread evenly."),
        ("Fan vibration damper", "A rubber mount that damps fan vibration."),
        ("Farm drone", "A drone that sprays farms."),
    ]:
        make_patent(city_a, company, title, abstract)
    sme = make_sme(
        city_a,
        "Farm Fans",
        needs="soil moisture for farms",
        products="industrial fans",
        capabilities="vibration damping",
    )
    with scope(municipality=city_a):
        text = sme_query_text(sme)
    _r1, from_sme = run_of(
        city_a, coordinator_a, direction=Direction.SME_TO_SEEDS, sme=sme, query_text=text, top_k=4
    )
    _r2, portfolio = run_of(city_a, coordinator_a, direction=Direction.PORTFOLIO, company=company, top_k=4)
    assert [(c.patent_id, round(c.score, 5)) for c in from_sme] == [
        (c.patent_id, round(c.score, 5)) for c in portfolio
    ]
    # The products (the title of the SME's document) count: the fan seed is found from them.
    assert any(c.patent.title == "Fan vibration damper" for c in from_sme)


@pytest.mark.django_db
def test_one_definition_of_the_seed_and_sme_documents(city_a, coordinator_a):
    company = make_company(city_a)
    seed = make_patent(
        city_a, company, "Coating", "A coating.", application_examples="ship hulls and bridges"
    )
    sme = make_sme(city_a, "Dockyard", needs="ship hulls repair")
    with scope(municipality=city_a):
        seeds, _record = current_index(municipality=city_a, kind=IndexKind.SEEDS)
        smes, _record = current_index(municipality=city_a, kind=IndexKind.SMES)
        assert seeds.abstracts[0] == clean_text(seed_document(seed).abstract)
        assert "ship hulls" in seeds.abstracts[0]
        assert smes.abstracts[0] == clean_text(sme_document(sme).abstract)
    # The seed -> SMEs query uses the same document, application examples included.
    _run, candidates = run_of(city_a, coordinator_a, direction=Direction.SEED_TO_SMES, patent=seed)
    assert [c.sme_id for c in candidates] == [sme.pk]


@pytest.mark.django_db
def test_only_an_sme_run_asks_for_a_text(client_of, city_a, coordinator_a, moisture_seed):
    """A seed -> SMEs or portfolio run queries with the seed(s) themselves: no text box to fill."""
    client = client_of(coordinator_a)
    create = reverse("screeningrun_create", kwargs={"municipality": "city-a"})
    assert 'name="query_text"' in client.get(create).content.decode()
    assert 'name="query_text"' not in client.get(create, {"patent": moisture_seed.pk}).content.decode()
    assert (
        'name="query_text"'
        not in client.get(create, {"portfolio": moisture_seed.company_id}).content.decode()
    )
    started = client.post(create, {"patent": moisture_seed.pk, "top_k": 5})
    assert started.status_code == 302
    with scope(municipality=city_a):
        (run,) = selectors.runs_of(municipality=city_a)
    assert run.direction == Direction.SEED_TO_SMES
    assert run.patent == moisture_seed
