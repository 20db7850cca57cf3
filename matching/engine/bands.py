"""Bands a coordinator can read instead of raw scores: strong, possible, weak, and below weak.

A candidate's *match strength* is its BM25 relevance over the highest score any document could reach
for the same query (:meth:`~matching.engine.index.ScreeningIndex.max_score`): 1.0 would mean every
query word and translated synonym set matched as strongly as BM25 allows. Unlike a raw score it does
not grow with the length of the query or the size of the corpus.

The cut-offs were calibrated on the judged sets in ``benchmarks/`` (``benchmarks/README.md``,
"Bands"): share of candidates judged relevant per strength range, plain-Japanese needs against NASA
descriptions, top 20 per query. They describe short, typed needs; whole SME profiles and seed texts
as queries match a smaller share of their many words, so runs from profiles show their bands but
hide nothing.
"""

from __future__ import annotations

__all__ = ["BANDS", "BAND_CUTOFFS", "band_for"]

# (band, lowest strength), strongest first.
BAND_CUTOFFS: tuple[tuple[str, float], ...] = (("strong", 0.7), ("possible", 0.4), ("weak", 0.3))
BANDS = tuple(name for name, _cut in BAND_CUTOFFS)
BELOW = "below"


def band_for(strength: float | None) -> str:
    """The band of a match strength; ``"below"`` under the weak cut-off (hidden unless asked)."""
    if strength is None:
        return BELOW
    for name, cut in BAND_CUTOFFS:
        if strength >= cut:
            return name
    return BELOW
