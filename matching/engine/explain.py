"""Explanations of a candidate: matched terms, highlight spans, fit criteria, score parts.

Spans index into the *cleaned* title and abstract (see :func:`~matching.engine.text.clean_text`),
which the explanation carries, so a page shows exactly the text the spans were computed on. The
engine returns plain strings and spans; :func:`highlight_html` is the one place that turns them into
HTML, escaping every piece of document text and adding only ``<mark>`` elements.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .fit import FIT_PROFILE_FIELDS, FitProfile
from .text import Token

__all__ = [
    "Explanation",
    "FitReport",
    "MatchedTerm",
    "ScoreParts",
    "Span",
    "fit_report",
    "highlight_html",
    "merge_spans",
]


@dataclass(frozen=True)
class Span:
    """A highlighted character range ``[start, end)`` and the index terms that matched in it."""

    start: int
    end: int
    terms: tuple[str, ...]


@dataclass(frozen=True)
class MatchedTerm:
    """A query term found in the document.

    ``surfaces`` are the forms as written in the document (モータ for the term モーター, "Motors"
    for "motor"); ``synonym_of`` names the query term that brought it in by expansion, if any;
    ``contribution`` is its share of the BM25 score. ``bridge`` says how a translated term came in:
    "dictionary" (JMdict) or "glossary"; ``synonym_of`` is then the query word it translates.
    """

    term: str
    surfaces: tuple[str, ...]
    in_title: int
    in_abstract: int
    synonym_of: str | None
    contribution: float
    bridge: str | None = None


@dataclass(frozen=True)
class ScoreParts:
    """The score's parts: ``final = bm25 * (1 + fit_adjustment)`` (the multiplier has a floor)."""

    bm25: float
    fit_adjustment: float
    final: float


@dataclass(frozen=True)
class FitReport:
    """Fit criteria grouped by answer, in the canonical criteria order."""

    met: tuple[str, ...]
    partly: tuple[str, ...]
    missed: tuple[str, ...]
    unknown: tuple[str, ...]
    large_business_only: bool


def fit_report(profile: FitProfile | None) -> FitReport:
    """Group a seed's criteria into met / partly / missed / unknown.

    "not_large_business_only" == "no" is reported as missed and flagged separately, because it is the
    one answer that lowers the score rather than just not raising it.
    """
    values = profile.as_dict() if profile else dict.fromkeys(FIT_PROFILE_FIELDS, "unknown")
    groups: dict[str, list[str]] = {"yes": [], "partly": [], "no": [], "unknown": []}
    for name in FIT_PROFILE_FIELDS:
        groups[values[name]].append(name)
    return FitReport(
        met=tuple(groups["yes"]),
        partly=tuple(groups["partly"]),
        missed=tuple(groups["no"]),
        unknown=tuple(groups["unknown"]),
        large_business_only=values["not_large_business_only"] == "no",
    )


@dataclass(frozen=True)
class Explanation:
    """Why a document was ranked where it was."""

    matched_terms: tuple[MatchedTerm, ...]
    title: str
    abstract: str
    title_spans: tuple[Span, ...]
    abstract_spans: tuple[Span, ...]
    fit: FitReport
    score: ScoreParts

    def title_html(self) -> str:
        """The title as escaped HTML with matches in ``<mark>``."""
        return highlight_html(self.title, self.title_spans)

    def abstract_html(self) -> str:
        """The abstract as escaped HTML with matches in ``<mark>``."""
        return highlight_html(self.abstract, self.abstract_spans)


def merge_spans(tokens: Iterable[Token], wanted: Mapping[str, object]) -> tuple[Span, ...]:
    """Spans of the tokens whose term is in ``wanted``, overlapping ones merged.

    Mode A sub-tokens overlap their mode C word (航空 inside 無人航空機); merging keeps the markup
    well-formed and highlights the whole word once.
    """
    hits = sorted((t.start, t.end, t.term) for t in tokens if t.term in wanted)
    merged: list[Span] = []
    for start, end, term in hits:
        if merged and start < merged[-1].end:
            last = merged[-1]
            terms = last.terms if term in last.terms else (*last.terms, term)
            merged[-1] = Span(last.start, max(last.end, end), terms)
        else:
            merged.append(Span(start, end, (term,)))
    return tuple(merged)


def highlight_html(text: str, spans: Iterable[Span]) -> str:
    """Escape ``text`` for HTML and wrap each span in ``<mark>``. Spans must not overlap."""
    out: list[str] = []
    position = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < position:
            raise ValueError("highlight spans overlap; merge them with merge_spans() first")
        out.append(html.escape(text[position : span.start]))
        out.append(f"<mark>{html.escape(text[span.start : span.end])}</mark>")
        position = span.end
    out.append(html.escape(text[position:]))
    return "".join(out)
