"""A candidate's reasons on the run page: the SME's needs it meets, and long-text runs (a whole SME
profile as the query) hiding what falls below the weak band. Japanese texts hand-written for these tests."""

import pytest
from django.urls import reverse
from django_scopes import scope

from matching import selectors, services
from matching.indexing import sme_query_text
from matching.models import Direction
from tests.matching.conftest import make_company, make_patent, make_sme

NEEDS = (
    "冷凍食品の鮮度を保つ保冷容器を作りたい。\n工場の機械の振動を抑えたい。\n自社ブランドの製品を持ちたい。"
)


@pytest.fixture
def damping_seeds(city_a):
    company = make_company(city_a)
    return {
        "damping": make_patent(
            city_a,
            company,
            "Tension element vibration damping",
            "A tension element damps structural vibration of machines and frames.",
        ),
        "sail": make_patent(
            city_a, company, "SMART Solar Sail", "A deployable solar sail kept small and light."
        ),
    }


def run_profile(city, actor, sme):
    with scope(municipality=city):
        run = services.screening_run_start(
            municipality=city,
            actor=actor,
            direction=Direction.SME_TO_SEEDS,
            sme=sme,
            query_text=sme_query_text(sme),
        )
        services.screening_run_execute(run=run)
        return run, list(selectors.candidates_of(run=run))


@pytest.mark.django_db
def test_reasons_name_the_need_the_seed_meets(client_of, city_a, coordinator_a, damping_seeds):
    sme = make_sme(city_a, "川崎精機", needs=NEEDS, products="精密部品の切削加工", capabilities="5軸加工")
    run, candidates = run_profile(city_a, coordinator_a, sme)
    best = candidates[0]
    assert best.patent == damping_seeds["damping"]
    assert best.needs_met == [{"need": "工場の機械の振動を抑えたい", "words": ["振動"]}]
    body = (
        client_of(coordinator_a)
        .get(reverse("screeningrun_detail", kwargs={"municipality": "city-a", "pk": run.pk}), {"weaker": "1"})
        .content.decode()
    )
    assert 'data-testid="need-met"' in body
    assert "「工場の機械の振動を抑えたい」" in body
    assert "「冷凍食品の鮮度を保つ保冷容器を作りたい」" not in body  # no seed here meets that one


@pytest.mark.django_db
def test_seed_to_smes_names_the_candidate_smes_need(city_a, coordinator_a, damping_seeds):
    sme = make_sme(city_a, "川崎精機", needs=NEEDS)
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.SEED_TO_SMES,
            patent=damping_seeds["damping"],
        )
        services.screening_run_execute(run=run)
        (candidate,) = selectors.candidates_of(run=run)
    assert candidate.sme == sme
    assert [n["need"] for n in candidate.needs_met] == ["工場の機械の振動を抑えたい"]


@pytest.mark.django_db
def test_long_text_noise_is_hidden_unless_asked(client_of, city_a, coordinator_a, damping_seeds):
    # A whole profile of a food SME (more than LONG_QUERY_WORDS words of its own) against a portfolio
    # that also has food-packaging seeds: the solar sail meets it only through "small" and "keep",
    # below the long-text weak cut-off; the packaging film is a fit.
    company = damping_seeds["sail"].company
    film = make_patent(
        city_a,
        company,
        "Packaging film that keeps frozen food fresh",
        "A multilayer packaging film for frozen food and prepared dishes; rapid freezing keeps freshness "
        "during cold delivery to shops.",
    )
    make_patent(
        city_a, company, "Insulated delivery box", "A cold box for delivering lunch boxes without power."
    )
    make_patent(city_a, company, "Hygiene control for food factories", "HACCP records for small food makers.")
    make_patent(
        city_a, company, "Baked confectionery with long shelf life", "Sweets that keep without additives."
    )
    sme = make_sme(
        city_a,
        "中原フードテック",
        needs="小さな店舗向けの冷凍食品の鮮度を長く保つ包装と保冷の技術で販路を広げたい。",
        products="業務用惣菜、冷凍食品、弁当、焼き菓子",
        capabilities="急速冷凍、HACCP運用、小ロットの包装、配送",
    )
    run, candidates = run_profile(city_a, coordinator_a, sme)
    assert {c.explanation["query_kind"] for c in candidates} == {"long_translated"}
    # Translated phrases need all their words, so the sail may not match at all; where it does, it is
    # below the weak cut-off.
    sail = [c for c in candidates if c.patent == damping_seeds["sail"]]
    assert all(c.band == "below" for c in sail), [(c.band, c.strength) for c in sail]
    assert candidates[0].patent == film
    assert candidates[0].band != "below"
    noise = [c for c in candidates if c.band == "below"]
    assert noise, [(c.patent.title, c.band, c.strength) for c in candidates]
    with scope(municipality=city_a):
        assert selectors.run_hides_weaker(run=run)
    url = reverse("screeningrun_detail", kwargs={"municipality": "city-a", "pk": run.pk})
    noise_url = reverse("patent_detail", kwargs={"municipality": "city-a", "pk": noise[0].patent.pk})
    client = client_of(coordinator_a)
    body = client.get(url).content.decode()
    assert f'href="{noise_url}"' not in body
    assert 'data-testid="show-weaker"' in body
    assert f'href="{noise_url}"' in client.get(url, {"weaker": "1"}).content.decode()


@pytest.mark.django_db
def test_runs_stored_before_long_text_bands_hide_nothing(city_a, coordinator_a, damping_seeds):
    make_patent(
        city_a,
        damping_seeds["sail"].company,
        "Packaging film that keeps frozen food fresh",
        "A multilayer film keeps frozen food fresh during delivery.",
    )
    sme = make_sme(
        city_a, "中原フードテック", needs="冷凍食品の鮮度を保ちたい", products="業務用惣菜、冷凍食品"
    )
    run, candidates = run_profile(city_a, coordinator_a, sme)
    assert candidates
    for c in candidates:
        del c.explanation["query_kind"]
        c.save(update_fields=["explanation"])
    with scope(municipality=city_a):
        assert not selectors.run_hides_weaker(run=run)


@pytest.mark.django_db
def test_api_lists_the_needs_a_candidate_meets(api_client_of, city_a, coordinator_a, damping_seeds):
    sme = make_sme(city_a, "川崎精機", needs=NEEDS, products="精密部品の切削加工")
    run, _candidates = run_profile(city_a, coordinator_a, sme)
    api = api_client_of(coordinator_a, city_a)
    first = api.get(reverse("api_screeningcandidate_list", kwargs={"run_pk": run.pk})).json()["results"][0]
    assert first["patent"] == damping_seeds["damping"].pk
    assert first["needs_met"] == [{"need": "工場の機械の振動を抑えたい", "words": ["振動"]}]


@pytest.mark.django_db
def test_quick_search_names_which_typed_need_a_seed_meets(client_of, city_a, coordinator_a, damping_seeds):
    home = reverse("screening_home", kwargs={"municipality": "city-a"})
    client = client_of(coordinator_a)
    body = client.get(
        home, {"q": "保冷容器を作りたい\n工場の機械の振動を抑えたい", "weaker": "1"}
    ).content.decode()
    assert "「工場の機械の振動を抑えたい」" in body
    assert "「保冷容器を作りたい」" not in body
    single = client.get(home, {"q": "工場の機械の振動を抑えたい", "weaker": "1"}).content.decode()
    assert 'data-testid="need-met"' not in single  # one need: naming it would repeat the query


FIT_ANSWERS = {
    "fit_clear_use": "yes",
    "fit_direct_contribution": "yes",
    "fit_adds_value": "yes",
    "fit_low_effort": "no",
    "fit_prototype": "yes",
    "fit_not_large_business": "unknown",
}


@pytest.mark.django_db
def test_api_gives_shared_and_bridged_terms_and_the_fit_in_words(
    api_client_of, city_a, coordinator_a, damping_seeds
):
    with scope(municipality=city_a):
        for field, answer in FIT_ANSWERS.items():
            setattr(damping_seeds["damping"], field, answer)
        damping_seeds["damping"].save()
    sme = make_sme(city_a, "川崎精機", needs=NEEDS, products="machines")
    run, _candidates = run_profile(city_a, coordinator_a, sme)
    api = api_client_of(coordinator_a, city_a)
    first = api.get(reverse("api_screeningcandidate_list", kwargs={"run_pk": run.pk})).json()["results"][0]
    assert first["patent"] == damping_seeds["damping"].pk
    # 振動 reaches "vibration" through the synonym dictionary, which crosses languages too.
    assert {"from": "振動", "to": ["vibration"], "via": "synonyms"} in first["bridged_terms"]
    assert first["shared_terms"] == ["machines"]  # written alike in the SME's products and the seed
    assert first["fit"]["met_count"] == 4  # four yes answers
    assert first["fit"]["of"] == 6
    assert first["fit"]["missed"] == ["low_development_effort"]
    assert first["fit"]["unknown"] == ["not_large_business_only"]
    # In the reader's language (Japanese here), the needs first, the misses named.
    assert first["reasons"] == [
        "ニーズ「工場の機械の振動を抑えたい」に応える（振動）",
        "共通の語: machines",
        "橋渡し: 振動 → vibration（同義語辞書）",
        "6 項目中 4 項目に該当",
        "非該当: 大きな開発負担・費用・設備が要らない",
        "不明: 大企業の事業規模には合わない",
    ]


@pytest.mark.django_db
def test_portfolio_rows_give_the_needs_met_and_the_fit_with_its_misses(
    client_of, city_a, coordinator_a, damping_seeds
):
    with scope(municipality=city_a):
        for field, answer in FIT_ANSWERS.items():
            setattr(damping_seeds["damping"], field, answer)
        damping_seeds["damping"].save()
        sme = make_sme(city_a, "川崎精機", needs=NEEDS)
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.PORTFOLIO,
            company=damping_seeds["damping"].company,
        )
        services.screening_run_execute(run=run)
        candidate = selectors.candidates_of(run=run).get(patent=damping_seeds["damping"], sme=sme)
    body = (
        client_of(coordinator_a)
        .get(reverse("screeningrun_detail", kwargs={"municipality": "city-a", "pk": run.pk}), {"weaker": "1"})
        .content.decode()
    )
    assert 'data-testid="sme-group"' in body  # the grouped portfolio layout
    row = body.split(f'id="candidate-{candidate.pk}"')[1].split('class="decision')[0]
    assert "ニーズ「工場の機械の振動を抑えたい」に応える" in row  # the one-line reason
    assert "6 項目中 4 項目に該当" in row
    # The whole of the reasons comes when the row is opened (htmx), not with the page.
    why_url = reverse(
        "candidate_why", kwargs={"municipality": "city-a", "pk": run.pk, "candidate": candidate.pk}
    )
    assert f'hx-get="{why_url}"' in row
    why = client_of(coordinator_a).get(why_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="need-met"' in why
    assert "6 項目中 4 項目に該当" in why
    assert "<strong>非該当</strong>: 大きな開発負担・費用・設備が要らない" in why  # the miss, named
    assert "vibration" in why
