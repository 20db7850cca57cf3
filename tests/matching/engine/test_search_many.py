"""search_many (portfolio runs) ranks and explains exactly as one search per query does."""

from __future__ import annotations

import itertools

from matching.engine import Document, ScreeningIndex
from matching.engine.fit import DocMeta, Filters, FitProfile

WORDS = [
    "motor vibration damper",
    "LED lighting heat sink",
    "soil moisture sensor",
    "gear bearing drive",
    "aerogel insulation pipe",
    "小型モータの振動を抑える",
    "土壌の水分を測るセンサ",
    "照明装置の放熱",
]
ANSWERS = ["yes", "partly", "no", "unknown"]


def corpus() -> list[Document]:
    docs = []
    for n, (a, b) in enumerate(itertools.permutations(WORDS, 2)):
        docs.append(
            Document(
                id=f"s{n}",
                title=a,
                abstract=f"{b}. {a}",
                meta=DocMeta(
                    published=n % 7 != 0,
                    company_id=str(n % 3),
                    fit=FitProfile(clear_use=ANSWERS[n % 4], direct_contribution=ANSWERS[(n // 4) % 4]),
                ),
            )
        )
    return docs


def test_search_many_equals_one_search_per_query():
    index = ScreeningIndex.build(corpus())
    smes = [
        Document(id="a", title="vibration damper for motors", abstract="we need quieter motors"),
        Document(id="b", title="農業用センサ", abstract="土壌の水分を無線で送りたい"),
        Document(id="c", title="LED lamps", abstract="heat sink for lighting, gear drives"),
        Document(id="d", title="bread", abstract="cakes"),  # nothing matches
    ]
    queries = [index.document_query(d) for d in smes]
    filters = Filters(company_ids=frozenset({"1"}))
    many = list(index.search_many(queries, top_k=5, filters=filters))
    assert len(many) == len(queries)
    assert sum(len(hits) for hits in many) > 10
    assert many[3] == []
    for query, hits in zip(queries, many, strict=True):
        one = index.search(query, top_k=5, filters=filters)
        assert [(c.doc_id, c.rank, c.score, c.strength, c.query_kind, c.band) for c in hits] == [
            (c.doc_id, c.rank, c.score, c.strength, c.query_kind, c.band) for c in one
        ]
        for hit in hits:
            assert index.metas[index.positions[hit.doc_id]].company_id == "1"
            # Explained from the scores already computed, equal to a full recomputation.
            assert hit.explanation == index.explain(query, hit.doc_id)


def test_candidate_ranks_and_explains_one_seed_as_search_does():
    index = ScreeningIndex.build(corpus())
    query = index.analyse_query("motor vibration damper, heat sink")
    hits = index.search(query, top_k=30, filters=Filters(published_only=False))
    assert len(hits) > 3
    for hit in (hits[0], hits[3], hits[-1]):
        alone = index.candidate(query, hit.doc_id)
        assert alone is not None
        assert (alone.score, alone.strength, alone.band, alone.query_kind) == (
            hit.score,
            hit.strength,
            hit.band,
            hit.query_kind,
        )
        assert alone.explanation == hit.explanation
    # Not indexed, or not matching a word of the query: nothing to explain.
    assert index.candidate(query, "no-such-seed") is None
    bread = index.analyse_query("bread and cakes")
    assert index.candidate(bread, hits[0].doc_id) is None
