"""Tests of the pure-Python screening engine (no Django, no database).

The Japanese seed texts below are hand-written for these tests (no real Japanese patent text was
available); the English ones are shortened from real NASA patent abstracts (public domain).
"""

from __future__ import annotations

import datetime as dt
import io
import pickle

import numpy as np
import pytest

from matching.engine import (
    ENGINE_VERSION,
    Analyzer,
    BM25Ranker,
    DocMeta,
    Document,
    EngineSettings,
    Filters,
    FitProfile,
    FitSettings,
    Ranker,
    ScreeningIndex,
    all_pairs,
    clean_text,
    content_fingerprint,
    fit_adjustment,
    highlight_html,
    smes_for_seed,
)
from matching.engine.explain import Span
from matching.engine.synonyms import synonym_table
from matching.engine.translate import Translator
from matching.engine.trec import run_trec

# Hand-written Japanese samples (not real patents).
JA_DAMPER = Document(
    id="ja-damper",
    title="小型モータ用の制振ダンパー",
    abstract="電動モータの振動を樹脂製のダンパーで吸収し、騒音を低減する。",
)
JA_LED = Document(
    id="ja-led",
    title="ＬＥＤ照明装置",
    abstract="<p>放熱フィンを備えた筐体により、ＬＥＤの温度上昇を抑える照明装置。</p>",
)
JA_SOIL = Document(
    id="ja-soil",
    title="土壌水分センサ",
    abstract="畑の土壌に差し込み、水分量を無線で送信する農業用センサ。",
)
# Shortened from real NASA patent abstracts.
EN_GEAR = Document(
    id="en-gear",
    title="Gear Bearings",
    abstract="Combines gear and bearing functions into a single unit that improves gear drives for electric motors.",
)
EN_AEROGEL = Document(
    id="en-aerogel",
    title="Flexible Aerogel Insulation",
    abstract="A polyimide aerogel that stays flexible and insulates pipes at cryogenic temperatures.",
)
EN_SPACECUBE = Document(
    id="en-spacecube",
    title="SpaceCube",
    abstract="A reconfigurable FPGA-based on-board science data processing system with upset detection &amp; correction.",
)
CORPUS = [JA_DAMPER, JA_LED, JA_SOIL, EN_GEAR, EN_AEROGEL, EN_SPACECUBE]


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    return ScreeningIndex.build(CORPUS)


def ids(candidates) -> list[str]:
    return [c.doc_id for c in candidates]


# --- text analysis ---------------------------------------------------------------------------


def test_clean_text_strips_markup_decodes_entities_and_folds_width():
    assert clean_text("<p>ＬＥＤ &amp; <i>motor</i>&apos;s</p><p>CO<sub>2</sub></p>") == "LED & motor's CO2"


def test_clean_text_keeps_escaped_markup_as_text():
    assert clean_text("a &lt;b&gt; c") == "a <b> c"


def test_analyzer_folds_full_width_latin():
    analyzer = Analyzer()
    assert analyzer.terms("ＬＥＤ") == analyzer.terms("LED") == ["led"]


def test_analyzer_normalises_katakana_variants():
    analyzer = Analyzer()
    assert analyzer.terms("モータ") == analyzer.terms("モーター") == ["モーター"]


def test_analyzer_drops_particles_and_stems_english():
    assert Analyzer().terms("モータの振動 and the running motors") == ["モーター", "振動", "run", "motor"]


def test_analyzer_keeps_katakana_in_brackets():
    # Sudachi's yomigana plugin would drop ドローン here; the analyser must keep it.
    assert "ドローン" in Analyzer().terms("無人航空機（ドローン）")


def test_analyzer_adds_mode_a_subtokens():
    assert Analyzer().terms("無人航空機") == ["無人航空機", "無人", "航空"]


def test_token_spans_point_into_cleaned_text():
    text = clean_text("ＬＥＤ照明のモータ")
    tokens = Analyzer().tokens(text)
    assert [(t.term, t.surface(text)) for t in tokens] == [
        ("led", "LED"),
        ("照明", "照明"),
        ("モーター", "モータ"),
    ]


# --- ranking ---------------------------------------------------------------------------------


def test_japanese_query_finds_japanese_seed(index):
    assert ids(index.search("モーターの振動を抑えたい"))[0] == "ja-damper"


def test_english_query_finds_english_seed(index):
    assert ids(index.search("insulation for cryogenic pipes")) == ["en-aerogel"]


def test_width_variant_query_finds_seed(index):
    assert ids(index.search("LED"))[0] == "ja-led"


def test_html_in_abstract_is_not_indexed(index):
    assert index.search("p") == []
    assert index.search("amp") == []


def test_synonym_dictionary_maps_vibration_across_languages():
    table = synonym_table()
    assert table.get("振動") == {"バイブレーション": 1.0, "vibrat": 1.0}
    # ドローン -> 無人航空機 is not in this version of the dictionary, so it cannot be expanded.
    assert table.get("ドローン") == {}


def test_synonym_expansion_reaches_english_seed_from_japanese_query(index):
    # No translator: the Sudachi synonyms alone (the dictionary bridge is tested in test_translate.py).
    nothing = Translator(None)
    with_synonyms = index.search("モーター", synonyms=True, translator=nothing)
    without = index.search("モーター", synonyms=False, translator=nothing)
    assert ids(without) == ["ja-damper"]
    assert ids(with_synonyms) == ["ja-damper", "en-gear"]
    gear = with_synonyms[1].explanation
    assert [(m.term, m.surfaces, m.synonym_of) for m in gear.matched_terms] == [
        ("motor", ("motors",), "モーター")
    ]


def test_expanded_terms_weigh_less_than_original_terms(index):
    query = index.analyse_query("振動")
    assert query.weights == {"振動": 1.0, "バイブレーション": 0.3, "vibrat": 0.3}
    assert query.synonym_of == {"バイブレーション": "振動", "vibrat": "振動"}


def test_missing_abstract_is_indexed_from_title():
    built = ScreeningIndex.build([Document(id="t", title="Aerogel blanket"), Document(id="u", title="Drone")])
    assert ids(built.search("aerogel")) == ["t"]


def test_duplicate_ids_are_rejected():
    with pytest.raises(ValueError, match="unique"):
        ScreeningIndex.build([Document(id="a", title="x"), Document(id="a", title="y")])


# --- fit and filters -------------------------------------------------------------------------

SME_FIT = FitProfile("yes", "yes", "yes", "yes", "yes", "yes")
LARGE_ONLY = FitProfile(not_large_business_only="no")


def test_fit_adjustment_defaults():
    settings = FitSettings()
    assert fit_adjustment(SME_FIT, settings) == pytest.approx(0.30)
    assert fit_adjustment(LARGE_ONLY, settings) == pytest.approx(-0.30)
    assert fit_adjustment(FitProfile(clear_use="partly"), settings) == pytest.approx(0.025)
    assert fit_adjustment(None, settings) == 0.0


def test_large_business_only_seed_ranks_below_equally_relevant_sme_fit_seed():
    text = "Vibration damper for small electric motors"
    built = ScreeningIndex.build(
        [
            Document(id="large", title=text, meta=DocMeta(fit=LARGE_ONLY)),
            Document(id="sme", title=text, meta=DocMeta(fit=SME_FIT)),
        ]
    )
    results = built.search("motor vibration")
    assert ids(results) == ["sme", "large"]
    assert results[0].score.bm25 == results[1].score.bm25
    assert results[0].score.fit_adjustment == pytest.approx(0.30)
    assert results[1].score.fit_adjustment == pytest.approx(-0.30)
    assert results[0].explanation.fit.met == tuple(SME_FIT.as_dict())
    assert results[1].explanation.fit.large_business_only is True


FILTER_DOCS = [
    Document(
        id="live",
        title="aerogel",
        meta=DocMeta(company_id="c1", ipc=("C08J 9/28",), licence_types=frozenset({"exclusive"})),
    ),
    Document(id="draft", title="aerogel", meta=DocMeta(published=False, company_id="c1")),
    Document(id="expired", title="aerogel", meta=DocMeta(expires_on=dt.date(2024, 3, 31), company_id="c2")),
    Document(
        id="other",
        title="aerogel",
        meta=DocMeta(company_id="c2", ipc=("B01J13/00",), licence_types=frozenset({"non-exclusive"})),
    ),
]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (None, ["live", "expired", "other"]),
        (Filters(published_only=False), ["live", "draft", "expired", "other"]),
        (Filters(valid_on=dt.date(2024, 4, 1)), ["live", "other"]),
        (Filters(valid_on=dt.date(2024, 3, 31)), ["live", "expired", "other"]),
        (Filters(company_ids=frozenset({"c1"})), ["live"]),
        (Filters(licence_types=frozenset({"non-exclusive", "option"})), ["other"]),
        (Filters(ipc_prefixes=("C08J9",)), ["live"]),
    ],
)
def test_filters_hold(filters, expected):
    built = ScreeningIndex.build(FILTER_DOCS)
    assert ids(built.search("aerogel", filters=filters)) == expected


# --- explanations ----------------------------------------------------------------------------


def test_explanation_names_terms_that_occur_in_the_document(index):
    (top, *_rest) = index.search("モーターの振動")
    explanation = top.explanation
    assert top.doc_id == "ja-damper"
    assert [(m.term, m.surfaces) for m in explanation.matched_terms] == [
        ("モーター", ("モータ",)),
        ("振動", ("振動",)),
    ]
    for span in (*explanation.title_spans, *explanation.abstract_spans):
        assert explanation.title[span.start : span.end] in {"モータ", "振動"} or explanation.abstract[
            span.start : span.end
        ] in {"モータ", "振動"}
    assert explanation.title_html() == "小型<mark>モータ</mark>用の制振ダンパー"
    assert explanation.score.final == top.score.final


def test_explanation_highlights_stripped_and_decoded_text(index):
    explanation = index.search("upset detection")[0].explanation
    assert explanation.abstract_html() == (
        "A reconfigurable FPGA-based on-board science data processing system with "
        "<mark>upset</mark> <mark>detection</mark> &amp; correction."
    )


def test_highlight_html_escapes_document_text():
    assert (
        highlight_html("<b>x</b> motor", [Span(9, 14, ("motor",))])
        == "&lt;b&gt;x&lt;/b&gt; <mark>motor</mark>"
    )


def test_overlapping_subtoken_spans_are_merged(index):
    built = ScreeningIndex.build([Document(id="d", title="無人航空機の点検")])
    (span,) = built.search("無人航空機")[0].explanation.title_spans
    assert (span.start, span.end, span.terms) == (0, 5, ("無人", "無人航空機", "航空"))
    # A query for the part alone highlights only the part.
    (part,) = built.search("航空")[0].explanation.title_spans
    assert (part.start, part.end, part.terms) == (2, 4, ("航空",))


# --- persistence and interfaces --------------------------------------------------------------


def test_save_load_round_trip(index, tmp_path):
    path = tmp_path / "seeds.idx"
    index.save(path)
    loaded = ScreeningIndex.load(path)
    assert loaded.engine_version == ENGINE_VERSION
    assert loaded.fingerprint == index.fingerprint == content_fingerprint(CORPUS)
    for query in ("モーターの振動", "aerogel insulation", "LED"):
        assert [(c.doc_id, c.score) for c in loaded.search(query)] == [
            (c.doc_id, c.score) for c in index.search(query)
        ]


def test_pickle_round_trip(index):
    clone = pickle.loads(pickle.dumps(index))  # noqa: S301 - our own object
    assert ids(clone.search("gear bearing")) == ids(index.search("gear bearing")) == ["en-gear"]


def test_fingerprint_changes_with_content():
    changed = [*CORPUS[:-1], Document(id="en-spacecube", title="SpaceCube 2")]
    assert content_fingerprint(changed) != content_fingerprint(CORPUS)
    assert content_fingerprint(CORPUS, EngineSettings(synonyms=False)) == content_fingerprint(CORPUS)


def test_parallel_build_equals_serial_build():
    docs = [
        Document(id=str(i), title=f"{d.title} {i}", abstract=d.abstract) for i, d in enumerate(CORPUS * 5)
    ]
    serial = ScreeningIndex.build(docs)
    parallel = ScreeningIndex.build(docs, workers=2, chunk_size=7)
    assert parallel.fingerprint == serial.fingerprint
    q = serial.analyse_query("モーター aerogel LED")
    np.testing.assert_allclose(parallel.bm25_scores(q), serial.bm25_scores(q), rtol=1e-6)


def test_bm25_ranker_satisfies_protocol():
    ranker = BM25Ranker()
    assert isinstance(ranker, Ranker)
    ranker.index(CORPUS)
    scores = ranker.score(["aerogel", "モーター"])
    assert scores.shape == (2, 6)
    assert int(np.argmax(scores[0])) == 4
    assert int(np.argmax(scores[1])) == 0


# --- directions ------------------------------------------------------------------------------

SMES = [
    Document(id="sme-motor", title="町工場（モーター部品）", abstract="小型モーターの振動対策部品を製造。"),
    Document(
        id="sme-farm", title="Farm sensing startup", abstract="Wireless soil moisture sensors for farms."
    ),
    Document(
        id="sme-cold", title="Cold chain logistics", abstract="Cryogenic insulation for pipes and tanks."
    ),
]


def test_seed_to_smes_finds_matching_sme():
    smes = ScreeningIndex.build(SMES)
    assert ids(smes_for_seed(smes, EN_AEROGEL)) == ["sme-cold"]


def test_all_pairs_top_k_equals_brute_force(index):
    smes = ScreeningIndex.build(SMES)
    result = all_pairs(index, smes, top_k_per_sme=2, top_k_per_seed=2, synonyms=False)
    for sme in SMES:
        brute = index.search(index.document_query(sme, synonyms=False, translator=Translator(None)), top_k=2)
        got = result.for_sme(sme.id)
        assert [d for d, _ in got] == ids(brute)
        assert [s for _, s in got] == pytest.approx([c.score.final for c in brute], rel=1e-5)
    for seed in CORPUS:
        brute = smes.search(
            smes.document_query(seed, synonyms=False, translator=Translator(None)),
            top_k=2,
            filters=Filters(published_only=False),
        )
        assert [d for d, _ in result.for_seed(seed.id)] == ids(brute)
    assert result.for_sme("sme-motor")[0][0] == "ja-damper"
    assert result.for_seed("en-aerogel") == [("sme-cold", pytest.approx(result.for_seed("en-aerogel")[0][1]))]


@pytest.mark.parametrize("synonyms", [True, False])
def test_all_pairs_ranks_as_the_interactive_searches_do(index, synonyms):
    smes = ScreeningIndex.build(SMES)
    result = all_pairs(index, smes, top_k_per_sme=3, top_k_per_seed=3, synonyms=synonyms)
    for sme in SMES:
        brute = index.search(
            index.document_query(sme, synonyms=synonyms, translator=Translator(None)), top_k=3
        )
        assert [d for d, _ in result.for_sme(sme.id)] == ids(brute)
        assert [s for _, s in result.for_sme(sme.id)] == pytest.approx(
            [c.score.final for c in brute], rel=1e-5
        )
    for seed in CORPUS:
        brute = smes.search(
            smes.document_query(seed, synonyms=synonyms, translator=Translator(None)),
            top_k=3,
            filters=Filters(published_only=False),
        )
        assert [d for d, _ in result.for_seed(seed.id)] == ids(brute)


def test_all_pairs_reaches_english_seeds_from_japanese_needs_only_through_synonyms():
    # 振動 (vibration) is in the SME's words only; the seed says "vibration" (stem vibrat).
    seed = Document(id="en-mount", title="Vibration isolating mount", abstract="An elastomer mount.")
    sme = Document(id="sme-ja", title="精密加工の町工場", abstract="装置の振動を減らしたい。")
    seeds, smes = ScreeningIndex.build([seed]), ScreeningIndex.build([sme])
    assert all_pairs(seeds, smes, synonyms=False).for_sme("sme-ja") == []
    expanded = all_pairs(seeds, smes)  # the default follows the index setting: on
    assert [d for d, _ in expanded.for_sme("sme-ja")] == ["en-mount"]


def test_trec_run_is_valid(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        '{"id": "d1", "title": "Aerogel insulation", "abstract": null}\n'
        '{"id": "d2", "title": "Gear bearings"}\n'
        '{"id": "d3", "title": "モータの制振", "abstract": "振動を減らす"}\n',
        encoding="utf-8",
    )
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        '{"qid": "q1", "query": "insulation"}\n{"qid": "q2", "query": "モーター 振動"}\n', encoding="utf-8"
    )
    out = io.StringIO()
    assert run_trec(corpus, queries, out, top=10, tag="test") == 2
    lines = out.getvalue().splitlines()
    assert [line.split()[:4] + line.split()[5:] for line in lines] == [
        ["q1", "Q0", "d1", "1", "test"],
        ["q2", "Q0", "d3", "1", "test"],
    ]
    assert all(float(line.split()[4]) > 0 for line in lines)
