"""Batch evaluation: run the engine over a JSONL corpus and queries, write a TREC run file.

Corpus lines are ``{"id", "title", "abstract"}`` (abstract may be null or missing); query lines are
``{"qid", "query"}``. Output lines are ``qid Q0 docid rank score tag``, the format ``trec_eval`` and
``ir_measures`` read. No database, no fit profiles: this measures the ranking alone, with the engine's
default settings unless others are passed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from .fit import Filters
from .index import Document, EngineSettings, ScreeningIndex

__all__ = ["read_corpus", "read_queries", "run_trec", "write_run"]


def _jsonl(path: str | os.PathLike[str]) -> Iterator[dict[str, object]]:
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: invalid JSON ({error.msg})") from error


def read_corpus(path: str | os.PathLike[str]) -> list[Document]:
    """Documents from a corpus JSONL file; ``id`` and ``title`` are required."""
    docs = []
    for row in _jsonl(path):
        abstract = row.get("abstract")
        docs.append(
            Document(
                id=str(row["id"]),
                title=str(row.get("title") or ""),
                abstract=None if abstract is None else str(abstract),
            )
        )
    return docs


def read_queries(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """(qid, query text) pairs from a queries JSONL file."""
    return [(str(row["qid"]), str(row["query"])) for row in _jsonl(path)]


def write_run(
    index: ScreeningIndex,
    queries: list[tuple[str, str]],
    out: TextIO,
    *,
    top: int = 100,
    tag: str = "kawasaki-bm25",
) -> int:
    """Search every query and write its hits as TREC run lines; returns the number of lines written.

    Every document is eligible (no publication or expiry filter) because an outside corpus has none.
    """
    if any(ch.isspace() for ch in tag) or not tag:
        raise ValueError("the run tag must be one word")
    lines = 0
    everything = Filters(published_only=False)
    for qid, text in queries:
        if any(ch.isspace() for ch in qid):
            raise ValueError(f"query id {qid!r} contains whitespace")
        for hit in index.search(text, top_k=top, filters=everything, explain=False):
            out.write(f"{qid} Q0 {hit.doc_id} {hit.rank} {hit.score.final:.6f} {tag}\n")
            lines += 1
    return lines


def run_trec(
    corpus: str | os.PathLike[str],
    queries: str | os.PathLike[str],
    out: str | os.PathLike[str] | TextIO,
    *,
    top: int = 100,
    tag: str = "kawasaki-bm25",
    settings: EngineSettings | None = None,
    workers: int = 1,
) -> int:
    """Index ``corpus``, run ``queries`` and write the TREC run to ``out`` (path or open text file).

    Document ids containing whitespace are rejected because they would break the run format.
    Returns the number of run lines written.
    """
    docs = read_corpus(corpus)
    bad = [d.id for d in docs if not d.id or any(ch.isspace() for ch in d.id)]
    if bad:
        raise ValueError(f"document ids must be non-empty without whitespace: {bad[:5]}")
    index = ScreeningIndex.build(docs, settings, workers=workers, store_text=False)
    query_list = read_queries(queries)
    if isinstance(out, (str, os.PathLike)):
        with Path(out).open("w", encoding="utf-8") as handle:
            return write_run(index, query_list, handle, top=top, tag=tag)
    return write_run(index, query_list, out, top=top, tag=tag)
