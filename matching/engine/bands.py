"""Bands a coordinator can read instead of raw scores: strong, possible, weak, and below weak.

A candidate's *match strength* is its BM25 relevance over the highest score any document could reach
for the same query (:meth:`~matching.engine.index.ScreeningIndex.ceiling`): 1.0 would mean every
query word and translated synonym set matched as strongly as BM25 allows. Unlike a raw score it does
not grow with the corpus size.

It does fall with the length of the query: a whole SME profile or seed text (17-37 words of its own
on the judged sets) is matched on a smaller share of its words than a typed need (3-10 words). And a
long text reaching the documents in its own language keeps all its words in the ceiling, while one
reaching them only through translations keeps just the words that translate, so its strengths run
higher. Each of the three kinds of query (:func:`query_kind`) has its own cut-offs, calibrated on the
judged sets in ``benchmarks/`` (``benchmarks/README.md``, "Bands" and "Set 5"): share of candidates
judged relevant per strength range, top 20 per query.
"""

from __future__ import annotations

__all__ = [
    "BANDS",
    "BAND_CUTOFFS",
    "BELOW",
    "CUTOFFS",
    "LONG",
    "LONG_QUERY_WORDS",
    "LONG_TRANSLATED",
    "TYPED",
    "band_for",
    "query_kind",
]

TYPED = "typed"  # a need typed by a coordinator (sets 2 and 3: 3-10 words of its own)
LONG = "long"  # a whole SME profile or seed text reaching documents in its own language (set 5, English)
LONG_TRANSLATED = "long_translated"  # the same reaching them mostly through translations (set 5, Japanese)

# (band, lowest strength), strongest first.
CUTOFFS: dict[str, tuple[tuple[str, float], ...]] = {
    TYPED: (("strong", 0.7), ("possible", 0.4), ("weak", 0.3)),
    LONG: (("strong", 0.18), ("possible", 0.14), ("weak", 0.12)),
    LONG_TRANSLATED: (("strong", 0.26), ("possible", 0.2), ("weak", 0.16)),
}
BAND_CUTOFFS = CUTOFFS[TYPED]
# Typed needs had at most 10 words of their own, the profiles at least 17.
LONG_QUERY_WORDS = 12
# A long text whose ceiling comes mostly through synonyms and translations is a translated one.
TRANSLATED_SHARE = 0.5
BANDS = tuple(name for name, _cut in BAND_CUTOFFS)
BELOW = "below"


def query_kind(own_words: int, translated_share: float) -> str:
    """The kind of a query whose cut-offs apply: ``own_words`` distinct words of its own
    (:meth:`~matching.engine.index.ScreeningIndex.query_word_count`), ``translated_share`` the part of
    its ceiling reached only through synonyms and translations (0..1)."""
    if own_words < LONG_QUERY_WORDS:
        return TYPED
    return LONG_TRANSLATED if translated_share > TRANSLATED_SHARE else LONG


def band_for(strength: float | None, *, kind: str = TYPED) -> str:
    """The band of a match strength for a query of ``kind``; ``"below"`` under the weak cut-off
    (hidden unless asked)."""
    if strength is None:
        return BELOW
    for name, cut in CUTOFFS.get(kind, BAND_CUTOFFS):
        if strength >= cut:
            return name
    return BELOW
