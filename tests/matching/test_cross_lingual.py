"""Cross-lingual screening on the database: JMdict and glossaries in every direction, the municipality's
own glossary (page, audit, refusals, tenancy), and needs with nothing to search for."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from kawasaki.models import AuditEntry
from matching import selectors, services
from matching.models import Direction, GlossaryEntry, ScreeningRun
from tests.matching.conftest import make_company, make_patent, make_sme

GLOSSARY = reverse("screening_glossary", kwargs={"municipality": "city-a"})
HOME = reverse("screening_home", kwargs={"municipality": "city-a"})


@pytest.fixture
def english_seeds(city_a):
    company = make_company(city_a)
    return {
        "water": make_patent(
            city_a, company, "Water purification membrane", "A membrane that removes bacteria from water."
        ),
        "polish": make_patent(
            city_a, company, "Electropolishing of stainless parts", "Electropolishing gives a smooth surface."
        ),
        "solar": make_patent(city_a, company, "Solar sail", "A thin sail propelled by sunlight."),
    }


def titles(city, text):
    with scope(municipality=city):
        return [(p.title, hit) for p, hit in selectors.seed_search(municipality=city, text=text)]


@pytest.mark.django_db
def test_japanese_need_finds_english_seed_with_the_bridge_shown(
    client_of, city_a, coordinator_a, english_seeds
):
    found = titles(city_a, "水を浄化したい")
    assert found[0][0] == "Water purification membrane"
    bridges = {(m.synonym_of, m.bridge) for m in found[0][1].explanation.matched_terms if m.bridge}
    assert ("水", "dictionary") in bridges
    body = client_of(coordinator_a).get(HOME, {"q": "水を浄化したい"}).content.decode()
    assert "水 → Water / water" in body


@pytest.mark.django_db
def test_sme_run_stores_the_bridge(city_a, coordinator_a, english_seeds):
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a, actor=coordinator_a, direction=Direction.SME_TO_SEEDS, query_text="水の浄化"
        )
        services.screening_run_execute(run=run)
        best = selectors.candidates_of(run=run)[0]
    assert best.patent == english_seeds["water"]
    assert any(t["bridge"] for t in best.explanation["matched_terms"])


@pytest.mark.django_db
def test_english_seed_finds_japanese_sme(city_a, coordinator_a, english_seeds):
    sme = make_sme(city_a, "浄水工業", needs="井戸水の浄化装置を作りたい")
    make_sme(city_a, "パン工房", products="パンと焼き菓子")
    with scope(municipality=city_a):
        run = services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.SEED_TO_SMES,
            patent=english_seeds["water"],
        )
        services.screening_run_execute(run=run)
        assert [c.sme for c in selectors.candidates_of(run=run)] == [sme]


@pytest.mark.django_db
def test_municipality_glossary_applies_at_the_next_search(client_of, city_a, coordinator_a, english_seeds):
    assert "Electropolishing of stainless parts" not in [t for t, _ in titles(city_a, "ピカピカ仕上げ")]
    client = client_of(coordinator_a)
    response = client.post(GLOSSARY, {"term": "ピカピカ仕上げ", "equivalents": "electropolishing"})
    assert response.status_code == 302
    with scopes_disabled():
        entry = GlossaryEntry.objects.get()
        assert AuditEntry.objects.filter(action="glossary_entry.added", object_id=str(entry.pk)).exists()
    found = titles(city_a, "ピカピカ仕上げ")
    assert found[0][0] == "Electropolishing of stainless parts"
    assert {m.bridge for m in found[0][1].explanation.matched_terms} == {"glossary"}
    body = client.get(HOME, {"q": "ピカピカ仕上げ"}).content.decode()
    assert "ピカピカ仕上げ → Electropolishing" in body
    assert "glossary" in body or "用語集" in body


@pytest.mark.django_db
def test_glossary_refuses_self_reference_and_loops(client_of, city_a, coordinator_a):
    client = client_of(coordinator_a)
    response = client.post(GLOSSARY, {"term": "バルブ", "equivalents": "バルブ"})
    assert response.status_code == 400
    with scopes_disabled():
        assert not GlossaryEntry.objects.exists()
    assert client.post(GLOSSARY, {"term": "弁", "equivalents": "valve"}).status_code == 302
    response = client.post(GLOSSARY, {"term": "valve", "equivalents": "弁, check valve"})
    assert response.status_code == 400
    assert "valve → 弁 → valve" in response.content.decode()
    with scopes_disabled():
        assert list(GlossaryEntry.objects.values_list("term", flat=True)) == ["弁"]
        assert AuditEntry.objects.filter(action="glossary_entry.added").count() == 1


@pytest.mark.django_db
def test_other_municipalitys_glossary_is_invisible_and_untouchable(
    client_of, city_a, city_b, coordinator_a, english_seeds
):
    with scopes_disabled():
        theirs = GlossaryEntry.objects.create(
            municipality=city_b, term="ピカピカ仕上げ", equivalents="electropolishing"
        )
    assert "Electropolishing of stainless parts" not in [t for t, _ in titles(city_a, "ピカピカ仕上げ")]
    client = client_of(coordinator_a)
    assert "ピカピカ仕上げ" not in client.get(GLOSSARY).content.decode()
    remove = reverse("screening_glossary_remove", kwargs={"municipality": "city-a", "pk": theirs.pk})
    assert client.post(remove).status_code == 404
    with scopes_disabled():
        assert GlossaryEntry.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_removing_an_entry_is_audited(client_of, city_a, coordinator_a):
    client = client_of(coordinator_a)
    client.post(GLOSSARY, {"term": "弁", "equivalents": "valve"})
    with scopes_disabled():
        entry = GlossaryEntry.objects.get()
    remove = reverse("screening_glossary_remove", kwargs={"municipality": "city-a", "pk": entry.pk})
    assert client.post(remove).status_code == 302
    with scopes_disabled():
        assert not GlossaryEntry.objects.exists()
        assert AuditEntry.objects.filter(action="glossary_entry.removed").count() == 1


@pytest.mark.django_db
def test_stop_word_only_need_gets_a_message(client_of, city_a, coordinator_a, english_seeds):
    client = client_of(coordinator_a)
    response = client.get(HOME, {"q": "ものを探したい"})
    assert response.status_code == 400
    assert "「もの」" in response.content.decode()
    with scope(municipality=city_a), pytest.raises(ValidationError) as error:
        services.screening_run_start(
            municipality=city_a,
            actor=coordinator_a,
            direction=Direction.SME_TO_SEEDS,
            query_text="することができる",
        )
    assert "query_text" in error.value.message_dict
    with scopes_disabled():
        assert not ScreeningRun.objects.exists()


@pytest.mark.django_db
def test_weaker_matches_are_hidden_unless_asked(client_of, city_a, coordinator_a, english_seeds):
    client = client_of(coordinator_a)
    query = "solar sail for bread ovens, water tanks, keyboards, pianos and tiny dogs"
    with scope(municipality=city_a):
        found = selectors.seed_search(municipality=city_a, text=query)
    below = [
        reverse("patent_detail", kwargs={"municipality": "city-a", "pk": p.pk})
        for p, hit in found
        if hit.band == "below"
    ]
    assert below, [(p.title, hit.strength) for p, hit in found]
    body = client.get(HOME, {"q": query}).content.decode()
    assert 'data-testid="show-weaker"' in body
    for url in below:
        assert f'href="{url}"' not in body
    shown = client.get(HOME, {"q": query, "weaker": "1"}).content.decode()
    for url in below:
        assert f'href="{url}"' in shown


@pytest.mark.django_db
def test_reasons_in_words_and_raw_numbers_in_details(client_of, city_a, coordinator_a, english_seeds):
    body = client_of(coordinator_a).get(HOME, {"q": "water purification membrane"}).content.decode()
    assert 'data-testid="band"' in body
    assert "<details" in body
    assert "6" in body  # "fits n of 6 criteria"


@pytest.mark.django_db
def test_empty_need_gets_a_message_next_to_the_field(client_of, city_a, coordinator_a, english_seeds):
    client = client_of(coordinator_a)
    for blank in ("", "   \n "):
        response = client.get(HOME, {"q": blank})
        assert response.status_code == 400
        body = response.content.decode()
        # Next to the field: the message sits between the field's label and the search button.
        the_field = body.split('for="id_q"', 1)[1].split("</form>")[0]
        assert "中小企業が必要としていること、作っているもの、できることを入力してください" in the_field
        assert 'data-testid="show-weaker"' not in body
        assert "candidate-link" not in body


@pytest.mark.django_db
def test_glossary_refuses_a_longer_loop_naming_the_chain(client_of, city_a, coordinator_a):
    client = client_of(coordinator_a)
    assert client.post(GLOSSARY, {"term": "弁", "equivalents": "valve"}).status_code == 302
    assert client.post(GLOSSARY, {"term": "valve", "equivalents": "バルブ"}).status_code == 302
    response = client.post(GLOSSARY, {"term": "バルブ", "equivalents": "弁"})
    assert response.status_code == 400
    assert "バルブ → 弁 → valve → バルブ" in response.content.decode()
    with scopes_disabled():
        assert sorted(GlossaryEntry.objects.values_list("term", flat=True)) == ["valve", "弁"]
        assert AuditEntry.objects.filter(action="glossary_entry.added").count() == 2


@pytest.mark.django_db
def test_screening_pages_carry_the_jmdict_notice(client, client_of, coordinator_a):
    """JMdict's licence (CC BY-SA 3.0) asks for the EDRDG notice wherever its translations are used."""
    for body in (
        client_of(coordinator_a).get(HOME).content.decode(),
        client.get(reverse("account_login")).content.decode(),  # also before signing in
    ):
        assert "JMdict" in body
        assert 'href="https://www.edrdg.org/edrdg/licence.html"' in body
