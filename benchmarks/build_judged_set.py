"""Build the judged set in benchmarks/data/ from the real NASA data (public domain).

Queries: 200 NASA spinoff product stories (title + story), drawn with a fixed seed from the stories
that have text. They stand in for an SME's description of its products and needs.
Documents: the 633 NASA patents offered for licence.
Judgements (graded): a patent is relevant (1) when its technology category is one the spinoff's
category maps to in CATEGORY_MAP below (written by hand after reading both category lists and a sample
of stories), and highly relevant (2) when it also comes from the same NASA centre as the spinoff
(spinoffs usually derive from their centre's own technology).

A second, small set tests cross-language screening: 8 Japanese needs written by hand for this
benchmark (not real SME text), judged against the NASA patents by reading every patent title that
shares the topic (JA_QUERIES: relevant ids by their last six characters, grade 2 = on topic, 1 = near).

    .venv/bin/python benchmarks/build_judged_set.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nasa"
OUT = Path(__file__).resolve().parent / "data"

CATEGORY_MAP: dict[str, tuple[str, ...]] = {
    "health and medicine": ("health medicine and biotechnology",),
    "computer technology": (
        "information technology and software",
        "communications",
        "electrical and electronics",
    ),
    "environment and resource management": ("environment", "power generation and storage"),
    "consumer/home/recreation": ("materials and coatings", "optics"),
    "industrial productivity": (
        "manufacturing",
        "materials and coatings",
        "mechanical and fluid systems",
        "robotics automation and control",
    ),
    "public safety": ("sensors", "instrumentation", "communications"),
    "transportation": ("aerospace", "propulsion", "mechanical and fluid systems"),
}


# Hand-written Japanese queries (not real SME text) and the patents judged relevant by reading titles.
JA_QUERIES: list[tuple[str, str, dict[str, int]]] = [
    (
        "j01",
        "機械の振動を減らしたい。制振ダンパーを探している。",
        {"0ffa82": 2, "058452": 2, "23ef32": 2, "541721": 2, "3f2162": 2, "205c72": 1},
    ),
    (
        "j02",
        "軽くて薄い断熱材。エアロゲルの断熱材を使いたい。",
        {"7c74b3": 2, "05ba11": 2, "3b76f3": 2, "4aca61": 2, "294ddd": 2, "8ca5a9": 2},
    ),
    (
        "j03",
        "リチウムイオン電池の安全性試験と熱暴走対策",
        {"038212": 2, "327d23": 2, "0d8232": 2, "0d5cb2": 2, "0db4b2": 2, "0abb82": 2},
    ),
    ("j04", "工場排水の浄化と水のリサイクル", {"0d8da2": 2, "4a54f3": 2, "3cb229": 2}),
    ("j05", "太陽電池の効率を上げたい", {"9c2160": 2, "050712": 2, "0fe363": 1}),
    (
        "j06",
        "ドローンの運航管理と位置推定",
        {"69d462": 2, "71e722": 2, "0f8842": 2, "7519d2": 1, "34c261": 1, "0221a2": 1, "3d5a4a": 1},
    ),
    ("j07", "電池の充電と残量を管理するシステム", {"f7453f": 2, "327d1c": 2, "08eb92": 2}),
    ("j08", "モーターの制御装置", {"d8406d": 2, "4984a7": 1, "0fa632": 1}),
]


def spinoff_category(raw: str | None) -> str | None:
    """Fold the spinoff categories' spelling variants onto CATEGORY_MAP's keys."""
    value = (raw or "").lower().strip()
    if value.startswith("industrial productivity"):
        return "industrial productivity"
    if value.startswith("consumer"):
        return "consumer/home/recreation"
    return value if value in CATEGORY_MAP else None


def main() -> None:
    patents = [json.loads(line) for line in (DATA / "patents.jsonl").open(encoding="utf-8")]
    spinoffs = [json.loads(line) for line in (DATA / "spinoffs.jsonl").open(encoding="utf-8")]
    usable = [s for s in spinoffs if s.get("abstract") and spinoff_category(s.get("category"))]
    rng = random.Random(20250510)
    queries = rng.sample(usable, 200)
    OUT.mkdir(exist_ok=True)
    with (OUT / "nasa_corpus.jsonl").open("w", encoding="utf-8") as out:
        for p in patents:
            out.write(
                json.dumps(
                    {"id": p["id"], "title": p["title"], "abstract": p["abstract"]}, ensure_ascii=False
                )
                + "\n"
            )
    qrels = []
    with (OUT / "nasa_queries.jsonl").open("w", encoding="utf-8") as out:
        for i, s in enumerate(queries):
            qid = f"s{i:03d}"
            out.write(
                json.dumps({"qid": qid, "query": f"{s['title']}. {s['abstract']}", "spinoff_id": s["id"]})
                + "\n"
            )
            wanted = CATEGORY_MAP[spinoff_category(s["category"])]  # type: ignore[index]
            for p in patents:
                if (p["category"] or "").lower() in wanted:
                    grade = 2 if (p["center"] or "").upper() == (s["center"] or "").upper() else 1
                    qrels.append(f"{qid} 0 {p['id']} {grade}")
    (OUT / "nasa_qrels.txt").write_text("\n".join(qrels) + "\n", encoding="utf-8")

    by_suffix = {p["id"][-6:]: p["id"] for p in patents}
    ja_qrels = []
    with (OUT / "ja_queries.jsonl").open("w", encoding="utf-8") as out:
        for qid, text, judged in JA_QUERIES:
            out.write(json.dumps({"qid": qid, "query": text}, ensure_ascii=False) + "\n")
            ja_qrels.extend(f"{qid} 0 {by_suffix[suffix]} {grade}" for suffix, grade in judged.items())
    (OUT / "ja_qrels.txt").write_text("\n".join(ja_qrels) + "\n", encoding="utf-8")
    print(f"{len(queries)} queries, {len(patents)} documents, {len(qrels)} judgements")


if __name__ == "__main__":
    main()
