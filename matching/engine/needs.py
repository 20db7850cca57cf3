"""Which of an SME's needs a candidate meets: the needs text split into its separate needs, each named
when a word the candidate matched on belongs to it.

Two steps, so a caller screening one SME against many seeds analyses the SME's needs once::

    needs = split_needs(sme.needs)                      # once per SME (cached per text)
    met = needs_met(needs, words_of(matched_terms))     # per candidate: set lookups only

``split_needs(text)`` -> tuple of :class:`Need` (the need as written and its analysed words);
``needs_met(needs, words)`` -> tuple of :class:`NeedMet` (the need and the candidate's words in it),
in the order the SME wrote them. ``words`` are the query words a candidate matched on: the terms of
its explanation, the query words they were expanded or translated from (``synonym_of``) and the
forms written in the document (``surfaces``); :func:`words_of` collects them from an explanation or
its stored JSON. Nothing here touches a database or an index: the analyser is the engine's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .explain import MatchedTerm
from .text import Analyzer, clean_text, contains_japanese
from .translate import JA_STOP_WORDS

__all__ = ["Need", "NeedMet", "needs_json", "needs_met", "needs_met_in_text", "split_needs", "words_of"]

# A need ends at a line break, a Japanese full stop or an English sentence end; list bullets and
# numbering at the start of a line are not part of it.
_SENTENCE_END = re.compile(r"[\n\r]+|(?<=[。！？!?；;])|(?<=[.．])\s+")
_BULLET = re.compile(r"^\s*(?:[-・●○■□◆◇*•→]|\(?\d{1,2}[).．、]|[①-⑳])\s*")


@dataclass(frozen=True)
class Need:
    """One need as the SME wrote it, with the engine's terms for it (mode A sub-tokens included)."""

    text: str
    terms: frozenset[str]
    # term -> the word as written in the need (振動 -> 振動, vibrat -> "Vibration"), for display.
    written: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class NeedMet:
    """A need a candidate meets and the candidate's words found in it (as the SME wrote them where
    the need is Japanese, else the engine's terms)."""

    text: str
    words: tuple[str, ...]


_analyzer: Analyzer | None = None


def _default_analyzer() -> Analyzer:
    global _analyzer
    if _analyzer is None:
        _analyzer = Analyzer()
    return _analyzer


def _need(text: str, analyzer: Analyzer) -> Need:
    written: dict[str, str] = {}
    for token in analyzer.tokens(clean_text(text)):
        written.setdefault(token.term, token.surface(clean_text(text)))
    # Function words, generic verbs and formal nouns (こと, する, 探す) name no need.
    return Need(text, frozenset(t for t in analyzer.terms(text) if t not in JA_STOP_WORDS), written)


def _pieces(text: str) -> list[str]:
    pieces = (_BULLET.sub("", p or "").strip().rstrip("。．.") for p in _SENTENCE_END.split(text))
    return [p for p in pieces if p]


@lru_cache(maxsize=4096)
def _split_cached(text: str) -> tuple[Need, ...]:
    analyzer = _default_analyzer()
    return tuple(n for n in (_need(p, analyzer) for p in _pieces(text)) if n.terms)


def split_needs(text: str | None, *, analyzer: Analyzer | None = None) -> tuple[Need, ...]:
    """The separate needs of a needs text (lines, sentences, bullets), each with its analysed terms.

    Pieces with nothing to search for (only function words) are dropped. Cached per text with the
    default analyser; pass ``analyzer`` for an index with other settings."""
    if not text or not text.strip():
        return ()
    if analyzer is None:
        return _split_cached(text)
    return tuple(n for n in (_need(p, analyzer) for p in _pieces(text)) if n.terms)


def needs_met(needs: Iterable[Need], words: Iterable[str]) -> tuple[NeedMet, ...]:
    """The needs containing any of ``words``, in the SME's order, with the words found in each.

    A word is in a need when it is one of the need's terms, or, for a Japanese word (a translated
    query word such as 保冷 or 太陽電池), when the need's text contains it. The words are reported as
    the SME wrote them ("Vibration", not the engine's stem "vibrat")."""
    wanted = {w for w in words if w}
    met = []
    for need in needs:
        found = list(
            dict.fromkeys(
                need.written.get(w, w)
                for w in wanted
                if w in need.terms or (contains_japanese(w) and w in need.text)
            )
        )
        if found:
            # The SME's own spelling first (longest first, so 太陽電池 before 電池), then engine terms.
            found.sort(key=lambda w: (w not in need.text, -len(w), w))
            met.append(NeedMet(need.text, tuple(_drop_contained(found))))
    return tuple(met)


def _drop_contained(words: list[str]) -> list[str]:
    """Leave out a word written inside a longer one already listed (電池 inside 太陽電池)."""
    kept: list[str] = []
    for word in words:
        if not any(word != k and word in k for k in kept):
            kept.append(word)
    return kept


def words_of(matched_terms: Iterable[MatchedTerm | Mapping[str, object]]) -> set[str]:
    """The words a candidate matched on, from an explanation's ``matched_terms`` (engine objects) or
    their stored JSON (dicts with term, synonym_of, surfaces)."""
    words: set[str] = set()
    for t in matched_terms:
        if isinstance(t, MatchedTerm):
            words.add(t.term)
            words.update(t.surfaces)
            if t.synonym_of:
                words.add(t.synonym_of)
        else:
            words.add(str(t.get("term") or ""))
            words.update(str(s) for s in t.get("surfaces") or ())  # type: ignore[union-attr]
            if t.get("synonym_of"):
                words.add(str(t["synonym_of"]))
    words.discard("")
    return words


def needs_met_in_text(
    needs_text: str | None, matched_terms: Iterable[MatchedTerm | Mapping[str, object]]
) -> tuple[NeedMet, ...]:
    """One call for one candidate: ``needs_met(split_needs(needs_text), words_of(matched_terms))``."""
    return needs_met(split_needs(needs_text), words_of(matched_terms))


def needs_json(
    needs: Iterable[Need], matched_terms: Iterable[MatchedTerm | Mapping[str, object]]
) -> list[dict[str, object]]:
    """The needs a candidate meets as stored with it: ``[{"need": text, "words": [...]}, ...]``."""
    return [{"need": m.text, "words": list(m.words)} for m in needs_met(needs, words_of(matched_terms))]
