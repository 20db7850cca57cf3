"""The screening engine: pure Python (no Django), BM25 over title + abstract with SME-fit scoring.

Typical use::

    from matching.engine import Document, DocMeta, FitProfile, ScreeningIndex

    index = ScreeningIndex.build([Document(id="p1", title="...", abstract="...")], workers=2)
    index.save("seeds.idx")
    index = ScreeningIndex.load("seeds.idx")
    for candidate in index.search("振動を減らしたい", top_k=20):
        candidate.score.final, candidate.explanation.title_html()
"""

from .bm25 import BM25Params
from .directions import seeds_for_text, smes_for_seed
from .explain import Explanation, FitReport, MatchedTerm, ScoreParts, Span, highlight_html
from .fit import FIT_PROFILE_FIELDS, FIT_VALUES, DocMeta, Filters, FitProfile, FitSettings, fit_adjustment
from .index import (
    ENGINE_VERSION,
    BM25Ranker,
    Candidate,
    Document,
    EngineSettings,
    IndexVersionError,
    QueryTerms,
    Ranker,
    ScreeningIndex,
    content_fingerprint,
)
from .pairs import AllPairsResult, all_pairs
from .text import Analyzer, AnalyzerConfig, clean_text

__all__ = [
    "ENGINE_VERSION",
    "FIT_PROFILE_FIELDS",
    "FIT_VALUES",
    "AllPairsResult",
    "Analyzer",
    "AnalyzerConfig",
    "BM25Params",
    "BM25Ranker",
    "Candidate",
    "DocMeta",
    "Document",
    "EngineSettings",
    "Explanation",
    "Filters",
    "FitProfile",
    "FitReport",
    "FitSettings",
    "IndexVersionError",
    "MatchedTerm",
    "QueryTerms",
    "Ranker",
    "ScoreParts",
    "ScreeningIndex",
    "Span",
    "all_pairs",
    "clean_text",
    "content_fingerprint",
    "fit_adjustment",
    "highlight_html",
    "seeds_for_text",
    "smes_for_seed",
]
