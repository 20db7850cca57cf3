"""Set 5: whole SME profiles as queries -> NASA descriptions, for calibrating bands on long texts.

    .venv/bin/python benchmarks/profile_set.py queries     # writes data/sme_profiles.jsonl from the demo SMEs
    .venv/bin/python benchmarks/profile_set.py pool        # prints the pooled candidates to judge
    .venv/bin/python benchmarks/profile_set.py calibrate   # judged share per strength range, both normalisations
    .venv/bin/python benchmarks/profile_set.py calibrate-seeds   # the same judgements read seed -> SMEs

Queries are the demo SMEs' profiles (smes/demo_data, marked サンプル: hand-written sample companies)
turned into engine text exactly as the app does (matching.indexing.sme_document: products and trade
as the title, needs, capabilities and equipment as the body), plus English profiles written for this
set (EN_PROFILES). Judgements are in data/sme_profiles_qrels.txt (see benchmarks/README.md, "Set 5").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import itertools

from matching.engine import Document, EngineSettings, Filters, ScreeningIndex
from matching.engine.directions import smes_for_seed
from matching.engine.translate import Translator

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ROOT = HERE.parent

# English SME profiles written for this set (title = products and trade, body = needs, capabilities, equipment).
EN_PROFILES = [
    (
        "Precision sheet metal enclosures for outdoor electrical equipment",
        "We want our own product line for harsh outdoor environments: lighter, stronger panels and "
        "coatings that resist corrosion.\nLaser cutting, bending, powder coating.",
    ),
    (
        "Small-batch bakery and confectionery for hotels",
        "We are looking for ways to keep baked goods fresh longer without preservatives and to "
        "package them for shipping.\nBaking, chilled storage, hand packing.",
    ),
    (
        "Contract machining of aluminium parts for drones",
        "We want to design our own drone components: lighter frames, vibration damping for cameras, "
        "longer battery life.\nCNC milling, anodising, small assemblies.",
    ),
    (
        "Water treatment equipment maintenance for factories",
        "We want to offer filtration and water purification units that remove contaminants from "
        "wastewater at low cost.\nPiping, pump maintenance, water quality testing.",
    ),
    (
        "Injection moulded plastic housings for medical devices",
        "We are looking for antibacterial plastics and materials that are safe in contact with the body, "
        "to launch our own care products.\nClean room moulding, mould design.",
    ),
    (
        "Printed circuit board assembly and testing services",
        "We want to develop our own wireless sensor products with very low power consumption and long "
        "battery life.\nSurface mount assembly, small batches, X-ray inspection.",
    ),
    (
        "Industrial lenses and optical filters",
        "We want to build laser measurement units and improve our optical coatings.\nPolishing, thin film "
        "vacuum deposition, interferometry.",
    ),
    (
        "Valves and pipe fittings for gas systems",
        "We want leak-free small valves for hydrogen and cryogenic gases.\nPrecision grinding, helium leak "
        "testing.",
    ),
    (
        "Workwear and protective clothing maker",
        "We want high-performance fabrics that protect workers from heat and radiation.\nSewing, small-lot "
        "production.",
    ),
    (
        "Robot integrator for factory automation",
        "We are looking for force and torque sensors and dexterous grippers so our robots can work safely "
        "next to people.\nEmbedded software, motor control, 3D printing of fixtures.",
    ),
    (
        "Refrigerated trucking and cold chain logistics",
        "We want insulated containers that keep medicines cold without electricity during transport.\n"
        "Temperature-controlled delivery, 40 refrigerated trucks.",
    ),
    (
        "Thermal spraying and plating job shop",
        "We need surface treatments that protect metal parts from corrosion and wear without toxic "
        "chemicals.\nElectroless nickel, hard chrome, grit blasting.",
    ),
]


def sme_document_like(sample: dict, qid: str) -> dict:
    """The demo SME as matching.indexing.sme_document builds it (kept in step by a test)."""
    title = " ".join(t for t in (sample.get("products"), sample.get("industry_detail")) if t)
    body = "\n".join(
        t for t in (sample.get("needs"), sample.get("capabilities"), sample.get("equipment")) if t
    )
    return {
        "qid": qid,
        "name": sample["name_ja"],
        "title": title,
        "abstract": body,
        "needs": sample.get("needs", ""),
    }


def write_queries() -> None:
    rows = []
    for city in ("kawasaki", "sagamihara"):
        samples = json.loads((ROOT / "smes" / "demo_data" / f"{city}_smes.json").read_text(encoding="utf-8"))
        rows += [sme_document_like(s, f"p{len(rows) + i + 1:02d}") for i, s in enumerate(samples)]
    for title, body in EN_PROFILES:
        rows.append(
            {
                "qid": f"p{len(rows) + 1:02d}",
                "name": title,
                "title": title,
                "abstract": body,
                "needs": body.split("\n")[0],
            }
        )
    with (DATA / "sme_profiles.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} profiles -> data/sme_profiles.jsonl")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def nasa_index(settings: EngineSettings | None = None) -> tuple[ScreeningIndex, dict[str, dict]]:
    corpus = read_jsonl(DATA / "nasa_corpus.jsonl")
    docs = [Document(id=r["id"], title=r["title"], abstract=r["abstract"]) for r in corpus]
    return ScreeningIndex.build(docs, settings), {r["id"]: r for r in corpus}


def profile_query(index: ScreeningIndex, row: dict, translator: Translator | None = None):
    return index.document_query(
        Document(id=row["qid"], title=row["title"], abstract=row["abstract"]), translator=translator
    )


def pool() -> None:
    index, corpus = nasa_index()
    plain, _ = nasa_index(EngineSettings(synonyms=False))
    off = Translator(None)
    judged = read_qrels(DATA / "sme_profiles_qrels.txt") if (DATA / "sme_profiles_qrels.txt").exists() else {}
    everything = Filters(published_only=False)
    for row in read_jsonl(DATA / "sme_profiles.jsonl"):
        ids: dict[str, str] = {}
        for tag, idx, tr in (("T", index, None), ("S", plain, None), ("O", index, off)):
            for c in idx.search(profile_query(idx, row, tr), top_k=10, filters=everything, explain=False):
                ids.setdefault(c.doc_id, tag)
        print(f"\n## {row['qid']} {row['title']} / {row['abstract']}".replace("\n", " / "))
        for doc_id, tag in ids.items():
            if doc_id in judged.get(row["qid"], {}):
                continue
            r = corpus[doc_id]
            print(f"{row['qid']} {doc_id} {tag} {r['title'][:90]} :: {(r['abstract'] or '')[:160]}")


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            qid, _, doc, grade = line.split()[:4]
            qrels[qid][doc] = int(grade)
    return qrels


def calibrate(top: int = 20) -> None:
    """Per kind of long query (matching.engine.bands.query_kind): share judged relevant per strength
    range and per band, top ``top`` per profile; then what the two food SMEs are shown."""
    index, corpus = nasa_index()
    qrels = read_qrels(DATA / "sme_profiles_qrels.txt")
    everything = Filters(published_only=False)
    rows = []
    shown: dict[str, list[str]] = {}
    for row in read_jsonl(DATA / "sme_profiles.jsonl"):
        hits = index.search(profile_query(index, row), top_k=top, filters=everything, explain=False)
        assert all(c.query_kind != "typed" for c in hits), f"{row['qid']} is not a long text"
        shown[row["qid"]] = [
            f"{corpus[c.doc_id]['title'][:40]} ({c.strength:.2f}, {c.band})" for c in hits[:3]
        ]
        for c in hits:
            grade = qrels.get(row["qid"], {}).get(c.doc_id)
            if grade is not None:
                rows.append((c.strength or 0.0, grade, c.band, c.query_kind, row["qid"]))
    print(f"{len(rows)} judged candidates, top {top} of {len(shown)} profiles")
    edges = [0.0, *(round(0.06 + 0.02 * i, 2) for i in range(13)), 1.01]
    for kind in ("long", "long_translated"):
        mine = [r for r in rows if r[3] == kind]
        profiles = sorted({r[4] for r in mine})
        print(f"\n{kind}: {len(profiles)} profiles, {len(mine)} judged candidates")
        print("| strength | candidates | relevant | grade 2 |\n|---|---|---|---|")
        for lo, hi in itertools.pairwise(edges):
            part = [g for s, g, *_ in mine if lo <= s < hi]
            if part:
                print(
                    f"| {lo:.2f}-{hi:.2f} | {len(part)} | {sum(g > 0 for g in part) / len(part):.2f} | "
                    f"{sum(g == 2 for g in part) / len(part):.2f} |"
                )
        print("| band | candidates | relevant | grade 2 |\n|---|---|---|---|")
        for band in ("strong", "possible", "weak", "below"):
            part = [g for _s, g, b, *_ in mine if b == band]
            if part:
                print(
                    f"| {band} | {len(part)} | {sum(g > 0 for g in part) / len(part):.2f} | "
                    f"{sum(g == 2 for g in part) / len(part):.2f} |"
                )
    empty = [q for q, top3 in shown.items() if all(h.endswith("below)") for h in top3)]
    print(f"\nprofiles whose top 3 are all below weak: {len(empty)} {empty}")
    for qid in ("p10", "p30"):  # the food SMEs: noise must fall below weak
        print(qid, "top 3:", "; ".join(shown[qid]))


def _table(rows: list[tuple[float, int, str]], edges: list[float]) -> None:
    """Share judged relevant per strength range and per band of (strength, grade, band) rows."""
    print("| strength | candidates | relevant | grade 2 |\n|---|---|---|---|")
    for lo, hi in itertools.pairwise(edges):
        part = [g for s, g, _b in rows if lo <= s < hi]
        if part:
            print(
                f"| {lo:.2f}-{hi:.2f} | {len(part)} | {sum(g > 0 for g in part) / len(part):.2f} | "
                f"{sum(g == 2 for g in part) / len(part):.2f} |"
            )
    print("| band | candidates | relevant | grade 2 |\n|---|---|---|---|")
    for band in ("strong", "possible", "weak", "below"):
        part = [g for _s, g, b in rows if b == band]
        if part:
            print(
                f"| {band} | {len(part)} | {sum(g > 0 for g in part) / len(part):.2f} | "
                f"{sum(g == 2 for g in part) / len(part):.2f} |"
            )


def calibrate_seeds(top: int = 10) -> None:
    """Seed -> SMEs, as the app runs it (matching.engine.directions.smes_for_seed): every NASA
    description judged in set 5 is the query, the 40 profiles are the index (a city's SME index is
    this size), and the set 5 judgement of (profile, description) is read for (description,
    profile). Only judged pairs count; the table says how many of the top ``top`` were judged."""
    corpus = {r["id"]: r for r in read_jsonl(DATA / "nasa_corpus.jsonl")}
    profiles = read_jsonl(DATA / "sme_profiles.jsonl")
    smes = ScreeningIndex.build(
        [Document(id=r["qid"], title=r["title"], abstract=r["abstract"]) for r in profiles]
    )
    by_doc: dict[str, dict[str, int]] = defaultdict(dict)
    for qid, docs in read_qrels(DATA / "sme_profiles_qrels.txt").items():
        for doc, grade in docs.items():
            by_doc[doc][qid] = grade
    rows: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
    seen = judged = 0
    for doc_id in sorted(by_doc):
        r = corpus[doc_id]
        for c in smes_for_seed(
            smes, Document(id=doc_id, title=r["title"], abstract=r["abstract"]), top_k=top, explain=False
        ):
            seen += 1
            grade = by_doc[doc_id].get(c.doc_id)
            if grade is not None:
                judged += 1
                rows[c.query_kind].append((c.strength or 0.0, grade, c.band))
    print(f"{len(by_doc)} judged descriptions as seeds, top {top}: {seen} candidates, {judged} judged")
    edges = [0.0, *(round(0.06 + 0.02 * i, 2) for i in range(13)), 1.01]
    for kind, mine in sorted(rows.items()):
        print(f"\n{kind}: {len(mine)} judged candidates")
        _table(mine, edges)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("part", choices=["queries", "pool", "calibrate", "calibrate-seeds"])
    args = parser.parse_args()
    {"queries": write_queries, "pool": pool, "calibrate": calibrate, "calibrate-seeds": calibrate_seeds}[
        args.part
    ]()


if __name__ == "__main__":
    main()
