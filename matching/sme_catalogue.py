"""The SMEs' seed catalogue searched by the screening engine (registered into :mod:`smes.seed_search`).

An SME types its need in plain words (「うるさい」, 「食品が傷むのを防ぎたい」). The need, and each
technical word ``data/plain_needs.tsv`` reads it as, goes through the engine's quick search
(sentences, synonyms, JMdict cross-lingual), limited to the seeds the user may browse.
Matches below the weak band are not shown; an empty result comes back with words to try instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from django.db.models import QuerySet

from kawasaki.models import Municipality
from patents.models import Patent
from smes.seed_search import SeedHit, SeedSearchResult

PLAIN_NEEDS = Path(__file__).parent / "data" / "plain_needs.tsv"
# Offered when nothing in the need was recognised: broad fields seeds are often written in.
BROAD_FIELDS = ("防音", "鮮度保持", "省エネ", "自動化", "センサ", "軽量化", "抗菌", "断熱")


@cache
def plain_needs() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(phrase, technical words) from the data file, longest phrase first."""
    rows = []
    for line in PLAIN_NEEDS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        phrase, _tab, words = line.partition("\t")
        rows.append((phrase.strip(), tuple(words.split())))
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


def technical_words(text: str) -> list[str]:
    """The technical words a plain need is read as, in file order, without repeats or words typed."""
    words: list[str] = []
    for phrase, mapped in plain_needs():
        if phrase in text:
            words.extend(w for w in mapped if w not in words and w not in text)
    return words


def _suggestions(text: str, added: Iterable[str]) -> list[str]:
    suggestions = list(added)
    suggestions.extend(w for w in BROAD_FIELDS if w not in suggestions and w not in text)
    return suggestions[:8]


BAND_ORDER = {"strong": 0, "possible": 1, "weak": 2}
MAX_QUERIES = 8


def search(*, municipality: Municipality, text: str, allowed_ids: QuerySet[Patent]) -> SeedSearchResult:
    """Seeds for an SME's words, best first, among ``allowed_ids`` (the seeds it may browse).

    The need as typed is one query and each technical word it is read as another: adding the words
    to the need itself would dilute every match (the bands measure the share of the query matched),
    so a seed keeps the best band any of the queries gives it."""
    from .indexing import query_has_words
    from .selectors import seed_search

    added = technical_words(text)
    queries = [q for q in [text, *added][:MAX_QUERIES] if query_has_words(q)]
    found = [
        (patent, hit)
        for query in queries
        for patent, hit in seed_search(municipality=municipality, text=query, top_k=30)
        if hit.band in BAND_ORDER
    ]
    # Only the found seeds are checked against what the SME may browse (at most 30 a query), never
    # the whole allowed set (90,000 ids read for every search at 100,000 seeds: 90 ms).
    allowed = set(
        allowed_ids.filter(pk__in={patent.pk for patent, _hit in found}).values_list("pk", flat=True)
    )
    best: dict[int, tuple[tuple[int, float], SeedHit]] = {}
    for patent, hit in found:
        if patent.pk not in allowed:
            continue
        key = (BAND_ORDER[hit.band], -(hit.strength or 0.0))
        if patent.pk in best and best[patent.pk][0] <= key:
            continue
        matched = (
            [m.surfaces[0] if m.surfaces else m.term for m in hit.explanation.matched_terms][:6]
            if hit.explanation is not None
            else []
        )
        best[patent.pk] = (key, SeedHit(patent=patent, band=hit.band, matched=matched))
    hits = [hit for _key, hit in sorted(best.values(), key=lambda item: (item[0], item[1].patent.pk))]
    return SeedSearchResult(
        hits=hits, suggestions=[] if hits else _suggestions(text, added), added_words=added
    )


def connect() -> None:
    from smes.seed_search import register_searcher

    register_searcher(search)
