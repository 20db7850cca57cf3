"""Memory and load time of a saved 100k-seed screening index, per process (issue #13, item 3).

    .venv/bin/python benchmarks/bench_index_memory.py                 # build once (~1 min), measure
    .venv/bin/python benchmarks/bench_index_memory.py --docs 20000    # a smaller index
    .venv/bin/python benchmarks/bench_index_memory.py --keep /tmp/idx # keep (and reuse) the built index

The corpus pairs each of ../shared/data/ipc-titles' 29,820 real titles (with their IPC codes and
applicants as companies) with a real NASA abstract, repeating the titles with a counter until there
are ``--docs`` seeds; fit answers, licence offers and publication vary by row. The index is built
and saved once, then ``--processes`` fresh Python processes each import the engine, load the index
(mapped, as the product does, and once more read into memory for comparison), run 20 quick searches
with explanations and filters twice (first pass, then warm), and report from /proc/self/status and smaps_rollup:

- load time (``ScreeningIndex.load``),
- RSS added by loading and querying, split into anonymous memory (this process's own: what every extra
  gunicorn or Celery process costs) and file pages (the mapped arrays: one copy per host, shared by
  every process through the page cache),
- PSS (the shared pages divided among the processes mapping them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a plain script from anywhere

HERE = Path(__file__).resolve().parent
# ../shared/data beside the checkout (a worktree may sit one level deeper).
SHARED = Path(
    os.environ.get("KAWASAKI_SHARED_DATA")
    or next((p / "shared" / "data" for p in HERE.parents if (p / "shared" / "data").is_dir()), "shared/data")
)
QUERIES = [
    "vibration sensor for motors",
    "lightweight composite material",
    "wireless network protocol",
    "image processing camera",
    "battery electrode",
    "thermal insulation aerogel",
    "semiconductor wafer inspection",
    "medical imaging device",
    "water purification filter",
    "robot arm control",
    "モーターの振動を測るセンサー",
    "軽量な複合材料",
    "drug delivery",
    "solar cell efficiency",
    "data compression",
    "antenna design",
    "fuel cell",
    "laser welding",
    "noise reduction",
    "display panel",
]


def _memory() -> dict[str, int]:
    """kB figures of this process: RSS (anonymous and file) and PSS."""
    figures: dict[str, int] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            figures[key] = int(value.split()[0])
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        key, _, value = line.partition(":")
        if key == "Pss":
            figures["Pss"] = int(value.split()[0])
    return figures


def build_corpus(n_docs: int, seed: int = 13):
    from matching.engine import Document
    from matching.engine.fit import FIT_PROFILE_FIELDS, FIT_VALUES, DocMeta, FitProfile

    rng = random.Random(seed)
    abstracts = [
        json.loads(line)["abstract"]
        for line in (SHARED / "nasa" / "patents.jsonl").read_text().splitlines()
        if line.strip()
    ]
    abstracts = [a for a in abstracts if a]
    records = [
        json.loads(line)
        for line in (SHARED / "ipc-titles" / "patents.jsonl").read_text().splitlines()
        if line.strip()
    ]
    docs = []
    licence = ["non_exclusive", "exclusive", "assignment"]
    for i in range(n_docs):
        record = records[i % len(records)]
        round_ = i // len(records)
        title = record["title"] if round_ == 0 else f"{record['title']} ({round_ + 1})"
        fit = FitProfile(**{name: rng.choice(FIT_VALUES) for name in FIT_PROFILE_FIELDS})
        meta = DocMeta(
            published=rng.random() < 0.8,
            licence_types=frozenset(rng.sample(licence, rng.randint(1, 3))),
            company_id=str(abs(hash((record.get("applicants") or ["?"])[0])) % 5000),
            ipc=tuple(dict.fromkeys(record.get("ipc") or ())),
            fit=fit,
        )
        docs.append(Document(id=str(100_000 + i), title=title, abstract=rng.choice(abstracts), meta=meta))
    return docs


def child(path: str, mmap: bool) -> None:
    """One fresh process: import, load, query; print the figures as JSON."""
    from matching.engine import Filters, ScreeningIndex
    from matching.engine.index import EngineSettings  # noqa: F401 - imported as the product does

    # The engine's process-wide tables (Sudachi, synonyms) are built before measuring: every process
    # has them whether or not it holds an index, so they are not the index's cost.
    ScreeningIndex.build([]).search("warm up")
    before = _memory()
    started = time.perf_counter()
    index = ScreeningIndex.load(path, mmap=mmap)
    load_seconds = time.perf_counter() - started
    loaded = _memory()
    passes = []
    for _ in range(2):  # first pass: pages and the vocabulary come in; second: warm
        started = time.perf_counter()
        for n, query in enumerate(QUERIES):
            filters = Filters(company_ids=frozenset({"17", "42", "4242"})) if n % 5 == 4 else Filters()
            index.search(query, top_k=20, filters=filters)
        passes.append((time.perf_counter() - started) / len(QUERIES))
    after = _memory()
    print(
        json.dumps(
            {
                "mmap": mmap,
                "docs": len(index),
                "terms": len(index.matrix.terms),
                "load_s": round(load_seconds, 3),
                "first_query_ms": round(passes[0] * 1000, 1),
                "warm_query_ms": round(passes[1] * 1000, 1),
                "rss_added_by_load_mb": round((loaded["VmRSS"] - before["VmRSS"]) / 1024, 1),
                "anon_added_mb": round((after["RssAnon"] - before["RssAnon"]) / 1024, 1),
                "file_added_mb": round((after["RssFile"] - before["RssFile"]) / 1024, 1),
                "rss_added_mb": round((after["VmRSS"] - before["VmRSS"]) / 1024, 1),
                "pss_added_mb": round((after["Pss"] - before["Pss"]) / 1024, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="analysis processes for the build")
    parser.add_argument("--keep", help="directory to keep the built index in (reused when present)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--in-memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, mmap=not args.in_memory)
        return

    from matching.engine import ScreeningIndex

    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-index-"))
    path = workdir / f"seeds-{args.docs}"
    try:
        if not path.exists():
            workdir.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            docs = build_corpus(args.docs)
            index = ScreeningIndex.build(docs, workers=args.workers)
            built = time.perf_counter() - started
            index.save(path)
            del index, docs
            print(f"built {args.docs} seeds in {built:.1f} s")
        size = sum(f.stat().st_size for f in path.iterdir())
        print(f"index on disk: {size / 2**20:.0f} MB in {len(list(path.iterdir()))} files ({path})")

        def run_child(*extra: str) -> dict:
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path), *extra],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            return {"alone": True, **json.loads(out.strip().splitlines()[-1])}

        # Alone first (timings comparable), mapped then read into memory; then several mapped
        # processes at once, as gunicorn workers would run (what they share).
        runs = [run_child(), run_child("--in-memory")]
        procs = [
            subprocess.Popen(
                [sys.executable, __file__, "--child", str(path)], stdout=subprocess.PIPE, text=True
            )
            for _ in range(args.processes)
        ]
        for proc in procs:
            out, _ = proc.communicate()
            runs.append({"alone": False, **json.loads(out.strip().splitlines()[-1])})
        for run in runs:
            print(json.dumps(run))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
