"""The screening directions as small functions over :class:`~matching.engine.index.ScreeningIndex`.

- :func:`seeds_for_text`: an SME's needs and products (free text, Japanese or English) -> seeds.
- :func:`smes_for_seed`: a seed's title and abstract -> SMEs (an index of SME profile texts).
- the whole portfolio x SMEs job runs :func:`seeds_for_text` once per SME (the app's
  `matching.services.screening`), because translated synonym sets are not a matrix product;
  :func:`matching.engine.pairs.all_pairs` (untranslated) remains for benchmarks.
"""

from __future__ import annotations

from .fit import Filters, FitSettings
from .index import Candidate, Document, QueryTerms, ScreeningIndex
from .translate import Translator

__all__ = ["seeds_for_text", "smes_for_seed"]


def seeds_for_text(
    seeds: ScreeningIndex,
    text: str | QueryTerms,
    *,
    top_k: int = 20,
    filters: Filters | None = None,
    fit: FitSettings | None = None,
    explain: bool = True,
) -> list[Candidate]:
    """Rank seeds for an SME's free text: BM25 x fit, published (and otherwise filtered) seeds only."""
    return seeds.search(text, top_k=top_k, filters=filters, fit=fit, explain=explain)


def smes_for_seed(
    smes: ScreeningIndex,
    seed: Document,
    *,
    top_k: int = 20,
    explain: bool = True,
    translator: Translator | None = None,
) -> list[Candidate]:
    """Rank SMEs for a seed, using the seed's title and abstract as the query.

    SME profiles are not published seeds, so no publication filter applies, and the seed's own fit
    would scale every SME equally, so pure relevance is returned.
    """
    return smes.search(
        smes.document_query(seed, translator=translator),
        top_k=top_k,
        filters=Filters(published_only=False),
        fit=FitSettings(enabled=False),
        explain=explain,
    )
