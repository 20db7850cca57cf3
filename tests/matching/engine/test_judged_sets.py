"""The judged sets in benchmarks/data load, and the metric command runs (on a tiny corpus)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "benchmarks" / "data"


@pytest.fixture(scope="module")
def judged_eval():
    spec = importlib.util.spec_from_file_location("judged_eval", ROOT / "benchmarks" / "judged_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("corpus", "queries", "qrels"),
    [
        ("seeds_ja_handwritten.jsonl", "en_needs_queries.jsonl", "en_needs_qrels.txt"),
        ("nasa_corpus.jsonl", "sme_profiles.jsonl", "sme_profiles_qrels.txt"),
    ],
)
def test_judged_sets_load_and_every_judgement_names_a_known_query_and_document(
    judged_eval, corpus, queries, qrels
):
    docs = {str(r["id"]) for r in judged_eval.read_jsonl(DATA / corpus)}
    qids = {r["qid"] for r in judged_eval.read_jsonl(DATA / queries)}
    judged = judged_eval.read_qrels(DATA / qrels)
    assert set(judged) <= qids
    assert all(doc in docs for per_query in judged.values() for doc in per_query)
    assert all(g in (0, 1, 2) for per_query in judged.values() for g in per_query.values())
    assert sum(g > 0 for per_query in judged.values() for g in per_query.values()) >= 50


def test_the_hand_written_seeds_are_labelled_as_samples(judged_eval):
    seeds = judged_eval.read_jsonl(DATA / "seeds_ja_handwritten.jsonl")
    assert len(seeds) >= 60
    assert all("hand-written" in s["source"] for s in seeds)


def test_metrics_on_a_tiny_corpus(judged_eval, tmp_path, capsys):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps(r, ensure_ascii=False)
            for r in [
                {"id": "a", "title": "振動を抑える防振ゴム", "abstract": "機械の振動を低減する。"},
                {"id": "b", "title": "井戸水の浄水フィルター", "abstract": "水をきれいにする膜。"},
                {"id": "c", "title": "太陽電池パネル", "abstract": "発電効率を上げる。"},
            ]
        ),
        encoding="utf-8",
    )
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"qid": "q1", "query": "reduce machine vibration"}\n', encoding="utf-8")
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("# comment\nq1 0 a 2\nq1 0 b 0\n", encoding="utf-8")
    judged_eval.main(["eval", "--corpus", str(corpus), "--queries", str(queries), "--qrels", str(qrels)])
    table = capsys.readouterr().out
    assert "| engine, defaults (JMdict + glossary + synonyms) | 1.000 | 1.000 | 1.000 |" in table
    assert "| rank_bm25 BM25Okapi (same analyser, no translation) | 0.000 | 0.000 | 0.000 |" in table


def test_metric_functions(judged_eval):
    judged = {"a": 2, "b": 1, "c": 0}
    assert judged_eval.ndcg_at(["a", "b"], judged) == pytest.approx(1.0)
    assert judged_eval.ndcg_at(["c", "a"], judged) < 1.0
    assert judged_eval.recall_at(["a"], judged) == 0.5
    assert judged_eval.reciprocal_rank(["c", "b"], judged) == 0.5
