"""Bands a coordinator can read instead of raw scores: strong, possible, weak, and below weak.

A candidate's *match strength* is its BM25 relevance over the highest score any document could reach
for the same query (:meth:`~matching.engine.index.ScreeningIndex.max_score`): 1.0 would mean every
query word and translated synonym set matched as strongly as BM25 allows. Unlike a raw score it does
not grow with the corpus size.

It does fall with the length of the query: a whole SME profile or seed text (17-37 words of its own
on the judged sets) is matched on a smaller share of its words than a typed need (3-10 words),
so long texts have cut-offs of their own. Both sets of cut-offs were calibrated on the judged sets in
``benchmarks/`` (``benchmarks/README.md``, "Bands" and "Set 5"): share of candidates judged relevant
per strength range, top 20 per query. A query is *long* when it has :data:`LONG_QUERY_WORDS` or more
distinct words of its own (:meth:`~matching.engine.index.ScreeningIndex.query_word_count`), counted
whether or not the index knows them, so the kind does not depend on the corpus.
"""

from __future__ import annotations

__all__ = ["BANDS", "BAND_CUTOFFS", "BELOW", "LONG_QUERY_WORDS", "LONG_TEXT_CUTOFFS", "band_for"]

# (band, lowest strength), strongest first. Typed needs (sets 2 and 3).
BAND_CUTOFFS: tuple[tuple[str, float], ...] = (("strong", 0.7), ("possible", 0.4), ("weak", 0.3))
# Whole SME profiles and seed texts as queries (set 5: demo SME profiles -> NASA descriptions).
LONG_TEXT_CUTOFFS: tuple[tuple[str, float], ...] = (("strong", 0.3), ("possible", 0.24), ("weak", 0.18))
# Typed needs (sets 2 and 3) had at most 10 words of their own, the profiles (set 5) at least 17.
LONG_QUERY_WORDS = 12
BANDS = tuple(name for name, _cut in BAND_CUTOFFS)
BELOW = "below"


def band_for(strength: float | None, *, long_text: bool = False) -> str:
    """The band of a match strength; ``"below"`` under the weak cut-off (hidden unless asked).

    ``long_text``: the query was a whole profile or seed text (:data:`LONG_TEXT_CUTOFFS`)."""
    if strength is None:
        return BELOW
    for name, cut in LONG_TEXT_CUTOFFS if long_text else BAND_CUTOFFS:
        if strength >= cut:
            return name
    return BELOW
