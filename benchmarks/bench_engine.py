"""Benchmark the screening engine: speed at scale and ranking quality on the judged sets.

    .venv/bin/python benchmarks/bench_engine.py quality            # ~1 min
    .venv/bin/python benchmarks/bench_engine.py speed              # ~3 min
    .venv/bin/python benchmarks/bench_engine.py pairs              # all-pairs only, ~30 s
    .venv/bin/python benchmarks/bench_engine.py quality --pg-dsn postgresql://user:pw@host/db

Speed corpora are resampled from the real texts in ../shared/data: each English document pairs a
random real title (NASA patents/spinoffs/software or ipc-titles) with a random real NASA abstract, so
every document has an abstract and no two are likely identical. The Japanese corpus is built from
sentences written by hand for this benchmark (JA_SENTENCES; no real Japanese patent text exists here),
resampled into ~300-character abstracts. Judged sets: see build_judged_set.py.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a plain script from anywhere

from matching.engine import BM25Params, Document, EngineSettings, Filters, ScreeningIndex, all_pairs
from matching.engine.text import Analyzer

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("KAWASAKI_SHARED_DATA", HERE.parents[1] / "shared" / "data"))

# Hand-written Japanese sentences for the Japanese speed corpus (not real patent text).
JA_SENTENCES = [
    "本発明は、小型の電動モータに取り付ける樹脂製の制振ダンパーに関する。",
    "無人航空機(ドローン)の機体に搭載するカメラの振動を低減する。",
    "ＬＥＤ照明装置の筐体に放熱フィンを設け、温度上昇を抑える。",
    "土壌に差し込んだセンサが水分量を測定し、無線で送信する。",
    "リチウムイオン電池の熱暴走を早期に検知する監視回路を備える。",
    "工場の排水から重金属を除去するフィルターを安価に製造できる。",
    "エアロゲルを含む断熱シートは薄くて軽く、配管に巻き付けられる。",
    "ロボットハンドの把持力を触覚センサで制御し、柔らかい食品をつかむ。",
    "試作品による実験データがあり、中小企業でも量産設備なしに製造できる。",
    "太陽電池パネルの表面の汚れを検出して、発電効率の低下を防ぐ。",
    "複合材料の積層体は、高温でも強度が低下しにくい。",
    "画像処理により、製品の表面の傷を自動で検査する。",
]


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its finished children (build workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


# --- speed ---------------------------------------------------------------------------------------


def english_corpus(n: int, rng: random.Random) -> list[Document]:
    nasa = [
        r for f in ("patents", "spinoffs", "software") for r in read_jsonl(SHARED / "nasa" / f"{f}.jsonl")
    ]
    titles = [r["title"] for r in nasa] + [
        r["title"] for r in read_jsonl(SHARED / "ipc-titles" / "patents.jsonl")
    ]
    abstracts = [r["abstract"] for r in nasa if r.get("abstract")]
    return [Document(id=f"en{i}", title=rng.choice(titles), abstract=rng.choice(abstracts)) for i in range(n)]


def japanese_corpus(n: int, rng: random.Random) -> list[Document]:
    return [
        Document(
            id=f"ja{i}", title=rng.choice(JA_SENTENCES)[:20], abstract="".join(rng.choices(JA_SENTENCES, k=9))
        )
        for i in range(n)
    ]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def time_queries(fn: Callable[[str], object], queries: Sequence[str]) -> tuple[float, float]:
    fn(queries[0])  # warm-up: loads the synonym table and the lazy BM25 weights once
    times = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), percentile(times, 0.95)


def run_pairs(args: argparse.Namespace, rng: random.Random | None = None, spinoffs=None) -> None:
    """All-pairs: 10,000 English seeds x 500 real SME-like texts, with and without synonym expansion."""
    rng = rng or random.Random(7)
    if spinoffs is None:
        spinoffs = [r for r in read_jsonl(SHARED / "nasa" / "spinoffs.jsonl") if r.get("abstract")]
    seeds = ScreeningIndex.build(english_corpus(10_000, rng), workers=args.workers)
    smes = ScreeningIndex.build(
        [
            Document(id=f"sme{i}", title=r["title"], abstract=r["abstract"])
            for i, r in enumerate(spinoffs[:500])
        ]
    )
    seeds.matrix.weights()
    smes.matrix.weights()
    # The synonym table is built once per process (a worker keeps it); time it apart from the job.
    from matching.engine.synonyms import synonym_table

    start = time.perf_counter()
    synonym_table(seeds.settings.analyzer)
    print(f"synonym table, once per process: {time.perf_counter() - start:.2f} s")
    for synonyms in (True, False):
        start = time.perf_counter()
        result = all_pairs(
            seeds,
            smes,
            top_k_per_sme=20,
            top_k_per_seed=20,
            filters=Filters(published_only=False),
            synonyms=synonyms,
        )
        pairs = time.perf_counter() - start
        print(
            f"all-pairs 10,000 seeds x 500 SMEs, top 20 both ways, synonyms {'on' if synonyms else 'off'}: "
            f"{pairs:.2f} s (shapes {result.per_sme_seeds.shape} {result.per_seed_smes.shape})"
        )


def run_speed(args: argparse.Namespace) -> None:
    rng = random.Random(7)
    spinoffs = [r for r in read_jsonl(SHARED / "nasa" / "spinoffs.jsonl") if r.get("abstract")]
    short_queries = [r["title"] for r in spinoffs[:150]] + [s[:40] for s in JA_SENTENCES] * 4
    rows = []
    indexes: dict[str, ScreeningIndex] = {}
    for label, make, n in (
        ("English", english_corpus, 10_000),
        ("English", english_corpus, 100_000),
        ("Japanese", japanese_corpus, 10_000),
        ("Japanese", japanese_corpus, 100_000),
    ):
        docs = make(n, rng)
        chars = sum(len(d.title) + len(d.abstract or "") for d in docs)
        start = time.perf_counter()
        index = ScreeningIndex.build(docs, workers=args.workers)
        index.matrix.weights()  # include the BM25 weight computation in the build figure
        build = time.perf_counter() - start
        indexes[f"{label}-{n}"] = index
        rows.append((label, n, chars / n, build, index.matrix.tf.nnz))
        print(
            f"build {label:8} {n:>7,} docs ({chars / n:.0f} chars/doc): {build:6.1f} s, nnz {index.matrix.tf.nnz:,}"
        )

    for key in ("English-100000", "Japanese-100000"):
        index = indexes[key]
        med, p95 = time_queries(lambda q, i=index: i.search(q, top_k=20, explain=False), short_queries)
        emed, ep95 = time_queries(lambda q, i=index: i.search(q, top_k=20, explain=True), short_queries[::4])
        print(
            f"query {key}: ranking median {med:.1f} ms p95 {p95:.1f} ms; with top-20 explanations "
            f"median {emed:.1f} ms p95 {ep95:.1f} ms ({len(short_queries)} queries)"
        )

    own, children = peak_rss_mb()
    print(f"peak RSS after builds: this process {own:.0f} MB, build workers {children:.0f} MB")

    run_pairs(args, rng, spinoffs)

    if args.rank_bm25:
        from rank_bm25 import BM25Okapi

        docs = english_corpus(10_000, rng)
        analyzer = Analyzer()
        start = time.perf_counter()
        tokenized = [analyzer.terms(f"{d.title} {d.abstract}") for d in docs]
        bm25 = BM25Okapi(tokenized)
        build = time.perf_counter() - start
        med, p95 = time_queries(
            lambda q: np.argsort(-bm25.get_scores(analyzer.terms(q)))[:20], short_queries[:150]
        )
        print(f"rank_bm25 10,000 docs: build {build:.1f} s, query median {med:.1f} ms p95 {p95:.1f} ms")


def time_queries_cpu(fn: Callable[[str], object], queries: Sequence[str]) -> tuple[float, float]:
    """Like :func:`time_queries`, in CPU time of this thread: what a query costs whatever else the
    machine runs (wall time on a loaded machine mostly measures waiting for a core)."""
    fn(queries[0])
    times = []
    for q in queries:
        start = time.thread_time()
        fn(q)
        times.append((time.thread_time() - start) * 1000)
    return statistics.median(times), percentile(times, 0.95)


def run_query_speed(args: argparse.Namespace) -> None:
    """Query latency at 100,000 English seeds with translation on and off: English spinoff titles, the
    hand-written Japanese phrases, and the plain-Japanese SME needs (the cross-lingual case)."""
    from matching.engine.translate import Translator

    rng = random.Random(7)
    spinoffs = [r for r in read_jsonl(SHARED / "nasa" / "spinoffs.jsonl") if r.get("abstract")]
    needs = [r["query"] for r in read_jsonl(HERE / "data" / "ja_needs_queries.jsonl")]
    queries = [r["title"] for r in spinoffs[:150]] + [s[:40] for s in JA_SENTENCES] * 4 + needs * 2
    docs = english_corpus(100_000, rng)
    start = time.perf_counter()
    index = ScreeningIndex.build(docs, workers=args.workers)
    index.matrix.weights()
    print(f"build English 100,000 docs: {time.perf_counter() - start:.1f} s")
    index.search("warm up", top_k=20, explain=False)  # opens the translation table
    off = Translator(None)
    for label, translator in (("translation on", None), ("translation off", off)):
        med, p95 = time_queries(
            lambda q, t=translator: index.search(q, top_k=20, explain=False, translator=t), queries
        )
        emed, ep95 = time_queries(
            lambda q, t=translator: index.search(q, top_k=20, explain=True, translator=t), queries[::4]
        )
        cmed, cp95 = time_queries_cpu(
            lambda q, t=translator: index.search(q, top_k=20, explain=False, translator=t), queries
        )
        print(
            f"query English-100000, {label}: ranking median {med:.1f} ms p95 {p95:.1f} ms; with top-20 "
            f"explanations median {emed:.1f} ms p95 {ep95:.1f} ms ({len(queries)} queries); "
            f"ranking CPU time median {cmed:.1f} ms p95 {cp95:.1f} ms; load average {os.getloadavg()[0]:.1f}"
        )


# --- quality -------------------------------------------------------------------------------------


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in path.read_text(encoding="utf-8").splitlines():
        qid, _, doc, grade = line.split()
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


def evaluate(name: str, rank: Callable[[str], list[str]], queries: list[dict], qrels: dict) -> None:
    ndcgs, recalls, rrs, times = [], [], [], []
    for q in queries:
        start = time.perf_counter()
        ranked = rank(q["query"])
        times.append((time.perf_counter() - start) * 1000)
        ndcgs.append(ndcg_at(ranked, qrels.get(q["qid"], {})))
        recalls.append(recall_at(ranked, qrels.get(q["qid"], {})))
        rrs.append(reciprocal_rank(ranked, qrels.get(q["qid"], {})))
    print(
        f"  {name:42} nDCG@10 {statistics.mean(ndcgs):.3f}  recall@100 {statistics.mean(recalls):.3f}  "
        f"MRR {statistics.mean(rrs):.3f}  p95 {percentile(times, 0.95):6.1f} ms"
    )


def run_quality(args: argparse.Namespace) -> None:
    data = HERE / "data"
    corpus = read_jsonl(data / "nasa_corpus.jsonl")
    docs = [Document(id=r["id"], title=r["title"], abstract=r["abstract"]) for r in corpus]
    everything = Filters(published_only=False)
    variants = {
        "engine (default: synonyms on, title x2)": EngineSettings(),
        "engine, translation off (before JMdict)": EngineSettings(translate=False),
        "engine, synonyms off": EngineSettings(synonyms=False),
        "engine, title x1 (no title weighting)": EngineSettings(bm25=BM25Params(title_weight=1.0)),
        "engine, query terms saturated (k3 = 1.5)": EngineSettings(bm25=BM25Params(query_k3=1.5)),
    }
    indexes = {name: ScreeningIndex.build(docs, s) for name, s in variants.items()}

    from rank_bm25 import BM25Okapi

    analyzer = Analyzer()
    okapi = BM25Okapi([analyzer.terms(f"{r['title']} {r['abstract'] or ''}") for r in corpus])
    ids = [r["id"] for r in corpus]

    def rank_okapi(q: str) -> list[str]:
        scores = okapi.get_scores(analyzer.terms(q))
        return [ids[i] for i in np.argsort(-scores, kind="stable")[:100] if scores[i] > 0]

    pg = PgRanker(args.pg_dsn, corpus) if args.pg_dsn else None
    for set_name, qfile, qrel_file in (
        (
            "NASA spinoff stories -> NASA patents (200 queries, category judgements)",
            "nasa_queries.jsonl",
            "nasa_qrels.txt",
        ),
        (
            "hand-written Japanese needs -> NASA patents (8 queries, judged by reading)",
            "ja_queries.jsonl",
            "ja_qrels.txt",
        ),
        (
            "plain-Japanese SME needs -> NASA patents (34 queries, pooled, judged by reading)",
            "ja_needs_queries.jsonl",
            "ja_needs_qrels.txt",
        ),
    ):
        queries = read_jsonl(data / qfile)
        qrels = read_qrels(data / qrel_file)
        print(set_name)
        for name, index in indexes.items():
            evaluate(
                name,
                lambda q, i=index: [
                    c.doc_id for c in i.search(q, top_k=100, filters=everything, explain=False)
                ],
                queries,
                qrels,
            )
        evaluate("rank_bm25 BM25Okapi (same analyser)", rank_okapi, queries, qrels)
        if pg is not None:
            evaluate("PostgreSQL ts_rank_cd (english)", pg.rank, queries, qrels)


class PgRanker:
    """PostgreSQL full-text ranking as a Django developer would use it (SearchRank = ts_rank)."""

    def __init__(self, dsn: str, corpus: list[dict]) -> None:
        import psycopg

        self.conn = psycopg.connect(dsn, autocommit=True)
        with self.conn.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_patents")
            cur.execute(
                "CREATE TABLE bench_patents (id text primary key, title text, abstract text, doc tsvector)"
            )
            cur.executemany(
                "INSERT INTO bench_patents (id, title, abstract) VALUES (%s, %s, %s)",
                [(r["id"], r["title"], r["abstract"] or "") for r in corpus],
            )
            cur.execute(
                "UPDATE bench_patents SET doc = setweight(to_tsvector('english', title), 'A') || "
                "setweight(to_tsvector('english', abstract), 'B')"
            )
            cur.execute("CREATE INDEX ON bench_patents USING gin (doc)")

    def rank(self, query: str) -> list[str]:
        # Long needs never match as an AND query; OR the query's lexemes, as SearchQuery(search_type="websearch") with "or" would.
        with self.conn.cursor() as cur:
            cur.execute(
                "WITH q AS (SELECT to_tsquery('english', coalesce(string_agg(lexeme, ' | '), '')) AS q "
                "FROM unnest(to_tsvector('english', %s))) "
                "SELECT id FROM bench_patents, q WHERE doc @@ q.q ORDER BY ts_rank_cd(doc, q.q) DESC, id LIMIT 100",
                (query,),
            )
            return [row[0] for row in cur.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("part", choices=["speed", "query", "quality", "pairs", "all"])
    parser.add_argument("--workers", type=int, default=2, help="analysis processes for index builds")
    parser.add_argument("--pg-dsn", help="also rank with PostgreSQL full-text search on this database")
    parser.add_argument(
        "--no-rank-bm25", dest="rank_bm25", action="store_false", help="skip the rank_bm25 speed run"
    )
    args = parser.parse_args()
    if args.part in ("quality", "all"):
        run_quality(args)
    if args.part in ("speed", "all"):
        run_speed(args)
    if args.part == "query":
        run_query_speed(args)
    if args.part == "pairs":
        run_pairs(args)


if __name__ == "__main__":
    main()
