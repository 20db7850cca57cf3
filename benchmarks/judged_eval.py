"""nDCG@10, recall@100 and MRR of several systems on any judged set, and the pool to judge.

    .venv/bin/python benchmarks/judged_eval.py eval --set en-ja        # set 6: English needs -> Japanese seeds
    .venv/bin/python benchmarks/judged_eval.py pool --set en-ja        # candidates still to judge, top 10 per system
    .venv/bin/python benchmarks/judged_eval.py eval --corpus C.jsonl --queries Q.jsonl --qrels R.txt

A corpus is JSON Lines ``{"id", "title", "abstract"}``, queries ``{"qid", "query"}``, judgements
``qid 0 doc grade`` (2 meets the need, 1 related, 0 not; lines starting with # are comments). Queries
without a relevant judgement count as 0 in every mean. Systems: the engine as the app runs it
(JMdict translation + the shipped glossary + synonyms), the engine with translation off, with
synonyms off, with JMdict alone (no glossary), and rank_bm25 over the same analyser (no translation).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a plain script from anywhere

from matching.engine import Document, EngineSettings, Filters, ScreeningIndex
from matching.engine.text import Analyzer
from matching.engine.translate import Translator, default_translator

DATA = Path(__file__).resolve().parent / "data"
SETS = {
    "en-ja": ("seeds_ja_handwritten.jsonl", "en_needs_queries.jsonl", "en_needs_qrels.txt"),
    "ja-en": ("nasa_corpus.jsonl", "ja_needs_queries.jsonl", "ja_needs_qrels.txt"),
}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    if not path.exists():
        return qrels
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            qid, _zero, doc, grade = line.split()[:4]
            qrels[qid][doc] = int(grade)
    return qrels


def ndcg_at(ranked: Sequence[str], judged: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** judged.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(judged.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: Sequence[str], judged: dict[str, int], k: int = 100) -> float:
    relevant = {d for d, g in judged.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], judged: dict[str, int]) -> float:
    return next((1.0 / (i + 1) for i, d in enumerate(ranked) if judged.get(d, 0) > 0), 0.0)


def systems(corpus: list[dict]) -> dict[str, Callable[[str], list[str]]]:
    """Each system as a function from a query to its ranked document ids (top 100)."""
    docs = [Document(id=str(r["id"]), title=r.get("title") or "", abstract=r.get("abstract")) for r in corpus]
    everything = Filters(published_only=False)
    default = ScreeningIndex.build(docs)
    no_synonyms = ScreeningIndex.build(docs, EngineSettings(synonyms=False))
    full = default_translator()
    off = Translator(None)
    dictionary_only = Translator(full.table)

    def engine(index: ScreeningIndex, translator: Translator | None) -> Callable[[str], list[str]]:
        return lambda q: [
            c.doc_id
            for c in index.search(q, top_k=100, filters=everything, explain=False, translator=translator)
        ]

    import numpy as np
    from rank_bm25 import BM25Okapi

    analyzer = Analyzer()
    okapi = BM25Okapi([analyzer.terms(f"{d.title} {d.abstract or ''}") or ["\x00"] for d in docs])
    ids = [d.id for d in docs]

    def rank_okapi(q: str) -> list[str]:
        scores = okapi.get_scores(analyzer.terms(q))
        return [ids[i] for i in np.argsort(-scores, kind="stable")[:100] if scores[i] > 0]

    return {
        "engine, defaults (JMdict + glossary + synonyms)": engine(default, None),
        "engine, translation off": engine(default, off),
        "engine, synonyms off": engine(no_synonyms, None),
        "engine, JMdict only (no glossary)": engine(default, dictionary_only),
        "rank_bm25 BM25Okapi (same analyser, no translation)": rank_okapi,
    }


def evaluate(corpus: Path, queries: Path, qrels_path: Path) -> dict[str, tuple[float, float, float]]:
    """Mean nDCG@10, recall@100 and MRR per system; prints a Markdown table."""
    qrels = read_qrels(qrels_path)
    rows = read_jsonl(queries)
    results = {}
    print("| system | nDCG@10 | recall@100 | MRR |\n|---|---|---|---|")
    for name, rank in systems(read_jsonl(corpus)).items():
        ranked = {q["qid"]: rank(q["query"]) for q in rows}
        judged = [qrels.get(q["qid"], {}) for q in rows]
        figures = tuple(
            statistics.mean(f(ranked[q["qid"]], j) for q, j in zip(rows, judged, strict=True))
            for f in (ndcg_at, recall_at, reciprocal_rank)
        )
        results[name] = figures
        print(f"| {name} | {figures[0]:.3f} | {figures[1]:.3f} | {figures[2]:.3f} |")
    return results


def pool(corpus: Path, queries: Path, qrels_path: Path, depth: int = 10) -> None:
    """Print every candidate in some system's top ``depth`` that has no judgement yet."""
    qrels = read_qrels(qrels_path)
    docs = {str(r["id"]): r for r in read_jsonl(corpus)}
    ranked_by = systems(list(docs.values()))
    for q in read_jsonl(queries):
        seen: dict[str, str] = {}
        for n, rank in enumerate(ranked_by.values()):
            for doc in rank(q["query"])[:depth]:
                seen.setdefault(doc, "TOSJB"[n])
        print(f"\n## {q['qid']} {q['query']}")
        for doc, tag in seen.items():
            if doc not in qrels.get(q["qid"], {}):
                r = docs[doc]
                print(f"{q['qid']} {doc} {tag} {r['title']} :: {(r.get('abstract') or '')[:70]}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("part", choices=["eval", "pool"])
    parser.add_argument("--set", choices=sorted(SETS), help="a judged set in benchmarks/data")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--queries", type=Path)
    parser.add_argument("--qrels", type=Path)
    args = parser.parse_args(argv)
    if args.set:
        corpus, queries, qrels = (DATA / name for name in SETS[args.set])
    elif args.corpus and args.queries and args.qrels:
        corpus, queries, qrels = args.corpus, args.queries, args.qrels
    else:
        parser.error("give --set, or --corpus, --queries and --qrels")
    (evaluate if args.part == "eval" else pool)(corpus, queries, qrels)


if __name__ == "__main__":
    main()
