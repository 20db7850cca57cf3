"""A saved index mapped from its .npy files answers exactly as the index built in memory (issue #13,
item 3): the same ranking, scores, filters, fit and explanations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import mmap
import random

import numpy as np
import pytest

from matching.engine import DocMeta, Document, Filters, FitProfile, ScreeningIndex, all_pairs
from matching.engine.fit import FIT_PROFILE_FIELDS, FIT_VALUES
from matching.engine.store import MetaColumns, StringColumn, TermLookup, term_hash

# Short technical phrases written for this test, combined at random into titles and abstracts.
PHRASES = [
    "vibration damping mount for electric motors",
    "wireless soil moisture sensor for farms",
    "LED lighting driver without flicker",
    "aerogel thermal insulation blanket",
    "gear bearing that combines two functions",
    "ultrasonic welding horn for thin plastics",
    "lithium battery electrode coating",
    "image sensor with low noise readout",
    "water purification membrane filter",
    "robot gripper with soft fingers",
    "モータの振動を低減する樹脂製ダンパー",
    "畑の土壌水分を無線で送るセンサ",
    "放熱フィンを備えたＬＥＤ照明",
    "薄い樹脂を溶着する超音波ホーン",
]
QUERIES = [
    "motor vibration",
    "soil moisture sensor",
    "LED driver",
    "insulation",
    "battery electrode coating",
    "振動を減らしたい",
    "土壌センサ",
    "gear",
    "超音波 溶着",
]


def corpus(n: int = 400, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        fit = (
            FitProfile(**{name: rng.choice(FIT_VALUES) for name in FIT_PROFILE_FIELDS})
            if rng.random() < 0.8
            else None
        )
        meta = DocMeta(
            published=rng.random() < 0.85,
            expires_on=dt.date(2030, 1, 1) + dt.timedelta(days=rng.randint(-4000, 4000))
            if rng.random() < 0.7
            else None,
            licence_types=frozenset(
                rng.sample(["non_exclusive", "exclusive", "assignment"], rng.randint(0, 3))
            ),
            company_id=str(rng.randint(1, 6)) if rng.random() < 0.95 else None,
            ipc=tuple(rng.sample(["G01N 25/72", "H04L12/28", "F16H1/28", "B23K20/10"], rng.randint(0, 2))),
            fit=fit,
        )
        docs.append(
            Document(
                id=str(1000 + i),
                title=rng.choice(PHRASES),
                abstract=" ".join(rng.sample(PHRASES, 3)) if rng.random() < 0.9 else None,
                meta=meta,
            )
        )
    return docs


@pytest.fixture(scope="module")
def built():
    return ScreeningIndex.build(corpus())


@pytest.fixture(scope="module")
def mapped(built, tmp_path_factory):
    path = tmp_path_factory.mktemp("index") / "seeds-v1-test"
    built.save(path)
    return ScreeningIndex.load(path)


def is_mapped(array) -> bool:
    while array is not None:
        if isinstance(array, np.memmap | mmap.mmap):
            return True
        array = getattr(array, "base", None)
    return False


FILTERS = [
    Filters(),
    Filters(published_only=False),
    Filters(valid_on=dt.date(2030, 6, 1)),
    Filters(licence_types=frozenset({"exclusive"})),
    Filters(company_ids=frozenset({"2", "5"}), published_only=False),
    Filters(ipc_prefixes=("G01N", "F16H 1")),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f)[:60])
def test_mapped_index_ranks_like_the_built_one(built, mapped, filters):
    for query in QUERIES:
        expected = built.search(query, top_k=30, filters=filters)
        got = mapped.search(query, top_k=30, filters=filters)
        assert expected, query  # the corpus answers every query
        assert [(c.doc_id, c.rank, c.score, c.strength, c.band) for c in got] == [
            (c.doc_id, c.rank, c.score, c.strength, c.band) for c in expected
        ]
        assert [c.explanation for c in got] == [c.explanation for c in expected]


def test_mapped_index_is_mapped_and_round_trips_every_column(built, mapped):
    assert is_mapped(mapped.matrix.tf.data)
    assert is_mapped(mapped.matrix.weights().data)
    assert is_mapped(mapped.matrix.tf.indices)
    assert is_mapped(mapped.titles.blob)
    assert is_mapped(mapped.metas.published)
    assert list(mapped.doc_ids) == list(built.doc_ids)
    assert list(mapped.titles) == list(built.titles)
    assert list(mapped.abstracts) == list(built.abstracts)
    assert list(mapped.matrix.terms) == list(built.matrix.terms)
    assert list(mapped.metas) == [d.meta for d in corpus()]
    assert mapped.fingerprint == built.fingerprint
    # The stored BM25 weights are the ones the built index computes.
    np.testing.assert_array_equal(mapped.matrix.weights().data, built.matrix.weights().data)
    np.testing.assert_array_equal(mapped.matrix.doc_lengths(), built.matrix.doc_lengths())
    # Other k1 / b than the stored ones are computed, not read from the file.
    other = dataclasses.replace(mapped.settings.bm25, k1=2.0)
    assert not np.array_equal(mapped.matrix.weights(other).data, built.matrix.weights().data)


def test_mapped_and_in_memory_load_agree_on_explain_and_all_pairs(built, mapped, tmp_path):
    smes = ScreeningIndex.build(
        [Document(id=f"sme-{i}", title=phrase, abstract=phrase) for i, phrase in enumerate(PHRASES)]
    )
    path = tmp_path / "smes"
    smes.save(path)
    mapped_smes = ScreeningIndex.load(path)
    in_memory = all_pairs(built, smes, top_k_per_sme=5, top_k_per_seed=3)
    from_files = all_pairs(mapped, mapped_smes, top_k_per_sme=5, top_k_per_seed=3)
    np.testing.assert_array_equal(in_memory.per_sme_seeds, from_files.per_sme_seeds)
    np.testing.assert_array_equal(in_memory.per_seed_smes, from_files.per_seed_smes)
    assert mapped.explain("motor vibration", "1005") == built.explain("motor vibration", "1005")


def test_save_refuses_an_existing_path_and_leaves_no_temporary(built, tmp_path):
    path = tmp_path / "seeds"
    built.save(path)
    with pytest.raises(FileExistsError):
        built.save(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seeds"]


def test_columns_round_trip_odd_values():
    strings = ["", "ＬＥＤ照明", "a\x00b", "x" * 1000, ""]
    column = StringColumn.from_strings(strings)
    assert list(column) == strings
    assert column[-1] == ""
    assert column[1:3] == strings[1:3]
    metas = [
        DocMeta(),
        DocMeta(published=False, company_id="9", ipc=("A", "B C"), licence_types=frozenset({"x"})),
    ]
    assert list(MetaColumns.from_metas(metas)) == metas
    assert list(MetaColumns.from_metas([])) == []


def test_queries_on_a_mapped_index_build_no_vocabulary_dict(built, tmp_path):
    path = tmp_path / "seeds"
    built.save(path)
    fresh = ScreeningIndex.load(path)
    for query in QUERIES:
        assert [c.doc_id for c in fresh.search(query)] == [c.doc_id for c in built.search(query)]
    assert fresh.matrix._vocabulary is None  # answered through the mapped hash lookup


def test_term_lookup_resolves_hash_collisions():
    terms = ["alpha", "beta", "gamma"]
    # Every term given the same hash: the lookup must compare the strings to tell them apart.
    lookup = TermLookup(terms, np.zeros(3, dtype=np.uint64), np.asarray([2, 0, 1], dtype=np.int32))
    lookup.hashes = np.full(3, np.uint64(term_hash("beta")), dtype=np.uint64)
    assert lookup.get("beta") == 1
    assert lookup.get("alpha") is None  # its own hash is elsewhere: not found, never a wrong column
    real = TermLookup.from_terms(terms)
    assert [real.get(t) for t in terms] == [0, 1, 2]
    assert real.get("delta") is None
    assert "gamma" in real
