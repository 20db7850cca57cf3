"""Cross-lingual screening: the JMdict table, the translator and structured (Pirkola) queries."""

from __future__ import annotations

import time

import numpy as np
import pytest

from matching.engine import Document, ScreeningIndex
from matching.engine.translate import Glossary, TranslationTable, Translator, default_translator


@pytest.fixture(scope="module")
def translator() -> Translator:
    found = default_translator()
    assert found.table is not None, "the JMdict table could not be built (is jamdict-data installed?)"
    return found


def test_table_uses_the_spellings_own_priority_and_first_sense(translator):
    table = translator.table
    assert table.ja_en("鉄")[0] == "iron"  # not "money" (an entry whose best spelling ranks higher)
    assert table.ja_en("振動")[:2] == ("oscillation", "vibration")
    assert table.ja_en("太陽電池") == ("solar cell",)
    assert "valve" in table.en_ja("valve") or table.en_ja("valve")[0] == "バルブ"
    assert table.en_ja("water")[0] == "水"
    assert table.ja_en("存在しない語") == ()


def test_lookups_take_microseconds(translator):
    fresh = TranslationTable(translator.table.path)
    words = ["鉄", "振動", "水", "浄化", "金属", "部品", "熱", "電池"] * 50
    started = time.perf_counter()
    for word in words:
        fresh._ja_en(word)  # the uncached path: a point query on the table
    per_lookup = (time.perf_counter() - started) / len(words)
    assert per_lookup < 200e-6


def test_glossary_comes_before_the_dictionary(translator):
    words = {w.source: w for w in translator.translate("弁のガタをなくしたい")}
    assert words["弁"].targets[0] == "valve"
    assert words["弁"].origin == "glossary"
    assert words["ガタ"].targets[0] == "backlash"
    assert translator.table.ja_en("弁")[0] == "speech"  # what JMdict alone would have said


def test_noun_runs_rejoin_and_verbs_use_dictionary_form(translator):
    words = {w.source: w for w in translator.translate("太陽電池の熱暴走を防ぎたい")}
    assert "太陽電池" in words
    assert "熱暴走" in words
    assert "防ぐ" in words
    assert "defence" not in words["防ぐ"].targets


def test_stop_words_and_generic_verbs_are_not_translated(translator):
    assert translator.translate("ことをするためのものを探したい") == []
    assert translator.translate("") == []


def test_english_words_translate_to_japanese(translator):
    words = {w.source: w for w in translator.translate("soil moisture sensor for farms")}
    assert "土壌" in words["soil"].targets
    assert words["sensor"].origin == "glossary"


def test_municipality_glossary_overrides_and_reads_either_language():
    own = Glossary.from_pairs([("ride quality", ["乗り心地"])])
    translator = Translator(None, Glossary.from_file()).with_glossary(own)
    assert translator.glossary.ja_en["乗り心地"] == ("ride quality",)
    assert translator.glossary.en_ja["ride quality"] == ("乗り心地",)


DOCS = [
    Document(id="water", title="Water purification membrane", abstract="Removes bacteria from water."),
    Document(id="vib", title="Vibration damper", abstract="A damper that reduces vibration of motors."),
    Document(id="rust", title="Corrosion resistant alloy", abstract="An alloy that resists corrosion."),
    Document(id="ja", title="水の浄化装置", abstract="膜で水を浄化する。"),
]


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    return ScreeningIndex.build(DOCS)


def test_japanese_need_finds_english_seed_through_the_dictionary(index, translator):
    hits = index.search("水を浄化したい", filters=None, translator=translator)
    assert {h.doc_id for h in hits[:2]} == {"water", "ja"}
    without = index.search("水を浄化したい", translator=Translator(None), synonyms=False)
    assert [h.doc_id for h in without] == ["ja"]


def test_explanation_shows_the_bridge(index, translator):
    hit = next(h for h in index.search("錆びない部品", translator=translator) if h.doc_id == "rust")
    bridged = [m for m in hit.explanation.matched_terms if m.bridge]
    assert bridged
    assert bridged[0].synonym_of == "錆びない"
    assert bridged[0].bridge == "glossary"
    hit = next(h for h in index.search("振動", translator=translator) if h.doc_id == "vib")
    assert hit.explanation.matched_terms[0].synonym_of == "振動"
    assert "<mark>Vibration</mark>" in hit.explanation.title_html()


def test_english_need_finds_japanese_seed(index, translator):
    hits = index.search("water purification", translator=translator)
    assert "ja" in [h.doc_id for h in hits]


def test_structured_query_sums_tf_and_takes_the_union_df(index):
    matrix = index.matrix
    terms = index.analyzer.terms("corrosion alloy")
    grouped = matrix.score_groups([(terms, 1.0)])
    separate = matrix.score(dict.fromkeys(terms, 1.0))
    rust = index.positions["rust"]
    # One set: the doc holding both words scores less than the two words' separate sum ...
    assert 0 < grouped[rust] < separate[rust]
    # ... and a set of one term is exactly that term.
    single = matrix.score_groups([(terms[:1], 1.0)])
    np.testing.assert_allclose(single, matrix.score({terms[0]: 1.0}), rtol=1e-5)


def test_explanation_contributions_add_up_to_the_score(index, translator):
    hit = index.search("錆びない合金", translator=translator)[0]
    total = sum(m.contribution for m in hit.explanation.matched_terms)
    assert total == pytest.approx(hit.score.bm25, rel=1e-4)


def test_bands_follow_match_strength(index, translator):
    from matching.engine.bands import band_for

    assert band_for(0.9) == "strong"
    assert band_for(0.5) == "possible"
    assert band_for(0.65) == "possible"
    assert band_for(0.35) == "weak"
    assert band_for(0.1) == "below"
    assert band_for(None) == "below"
    hits = index.search("Water purification membrane bacteria", translator=translator)
    assert hits[0].doc_id == "water"
    assert hits[0].band in ("strong", "possible")
    # A need that shares only one common word with a document is not a fit.
    weak = [
        h
        for h in index.search("membrane alloy damper corrosion motors", translator=translator)
        if h.doc_id == "water"
    ]
    assert weak
    assert weak[0].band in ("weak", "below")
    assert 0 < weak[0].strength < hits[0].strength <= 1.0


PHRASE_DOCS = [
    Document(
        id="acoustic",
        title="Sound absorption panel for factory walls",
        abstract="A porous panel with high sound absorption that lowers machine noise in workshops.",
    ),
    Document(
        id="ozone",
        title="Cavity enhanced absorption spectroscopy for ozone detection",
        abstract="Measures the absorption of laser light by atmospheric ozone.",
    ),
]


@pytest.fixture(scope="module")
def phrase_index() -> ScreeningIndex:
    return ScreeningIndex.build(PHRASE_DOCS)


def test_a_translated_phrase_needs_all_its_words(phrase_index, translator):
    # JMdict gives 吸音 only as "sound absorption": "absorption" alone (a spectrometer) is not a match.
    assert [w.targets for w in translator.translate("吸音")] == [("sound absorption",)]
    hits = phrase_index.search("吸音", filters=None, translator=translator, synonyms=False)
    assert [h.doc_id for h in hits] == ["acoustic"]
    matched = {m.term: m for m in hits[0].explanation.matched_terms}
    assert set(matched) == {"sound", "absorpt"}  # stemmed index terms
    assert all(m.bridge == "dictionary" and m.synonym_of == "吸音" for m in matched.values())
    assert sum(m.contribution for m in matched.values()) == pytest.approx(hits[0].score.bm25, rel=1e-4)


def test_a_phrase_counts_as_often_as_its_rarest_word(phrase_index):
    matrix = phrase_index.matrix
    phrase = " ".join(phrase_index.analyzer.terms("sound absorption", subtokens=False))
    docs, freq = matrix.postings(phrase)
    assert [phrase_index.doc_ids[d] for d in docs] == ["acoustic"]
    sound, absorption = (matrix.postings(w) for w in phrase.split())
    assert len(absorption[0]) == 2  # the spectrometer has the word, not the phrase
    assert freq[0] == min(sound[1][0], absorption[1][list(absorption[0]).index(docs[0])])
    assert matrix.postings("sound ozon") is None  # never together
    assert matrix.group_df([phrase, "ozon"]) == 2
